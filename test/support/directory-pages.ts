import type { Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/** The public directory's search page (signed out). */
export class DirectorySearchPage extends LanternPage {
  static async open(page: Page): Promise<DirectorySearchPage> {
    await page.goto('/services');
    return new DirectorySearchPage(page).arrive('Find family services near you');
  }

  /** Fills the search form and submits it: one step for a family. */
  async find(form: { where: string; kind?: string }): Promise<DirectoryResultsPage> {
    await this.fill('Postcode or town', form.where);
    if (form.kind) await this.page.getByLabel('Kind of help', { exact: true }).selectOption({ label: form.kind });
    await this.clickAndLoad(this.page.getByRole('button', { name: 'Search', exact: true }));
    return new DirectoryResultsPage(this.page).arrive('Find family services near you');
  }

  /** Whether the page is wider than the window (a sideways scroll on a phone). */
  async scrollsSideways(): Promise<boolean> {
    return this.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  }
}

export class DirectoryResultsPage extends DirectorySearchPage {
  async resultsHeading(): Promise<string> {
    return (await this.page.locator('#results-heading').innerText()).trim();
  }

  /** Each result's name and the distance line, top to bottom. */
  async results(): Promise<{ name: string; detail: string }[]> {
    return this.page.locator('.lantern-directory-result').evaluateAll((items) => items.map((li) => ({
      name: (li.querySelector('h3')?.textContent ?? '').trim(),
      detail: (li.querySelectorAll('p')[1]?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })));
  }

  async open(name: string): Promise<DirectoryServicePage> {
    await this.clickAndLoad(this.page.getByRole('link', { name, exact: true }));
    return new DirectoryServicePage(this.page).arrive(name);
  }
}

export class DirectoryServicePage extends DirectorySearchPage {
  /** The summary list as { key: value }. */
  async details(): Promise<Record<string, string>> {
    const rows = await this.page.locator('.govuk-summary-list__row').evaluateAll((rs) => rs.map((r) => [
      (r.querySelector('dt')?.textContent ?? '').trim(), (r.querySelector('dd')?.textContent ?? '').trim(),
    ]));
    return Object.fromEntries(rows);
  }

  async hasExitThisPage(): Promise<boolean> {
    return (await this.page.locator('.govuk-exit-this-page').count()) > 0;
  }
}

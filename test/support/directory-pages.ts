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

/** The directory editors' list (signed in, with the directory editor permission). */
export class DirectoryEditorListPage extends LanternPage {
  static async open(page: Page): Promise<DirectoryEditorListPage> {
    await page.goto('/directory/services');
    return new DirectoryEditorListPage(page).arrive('Service directory');
  }

  /** Each row's service name and last-checked text, top to bottom. */
  async rows(): Promise<{ name: string; checked: string }[]> {
    return this.page.locator('#directory-services tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      name: (tr.querySelector('td a')?.textContent ?? '').trim(), checked: (tr.querySelectorAll('td')[1]?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })));
  }

  async add(): Promise<DirectoryEditorFormPage> {
    await this.clickAndLoad(this.page.getByRole('button', { name: 'Add a service' }));
    return new DirectoryEditorFormPage(this.page).arrive('Add a service');
  }
}

export class DirectoryEditorFormPage extends LanternPage {
  async tick(legend: string, option: string): Promise<void> {
    await this.page.getByRole('group', { name: legend, exact: true }).getByLabel(option, { exact: true }).check();
  }

  /** Sends the form expecting the error summary back on the same page. */
  async submitExpectingErrors(button: string, heading: string): Promise<DirectoryEditorFormPage> {
    await this.clickAndLoad(this.page.getByRole('button', { name: button, exact: true }));
    return new DirectoryEditorFormPage(this.page).arrive(heading);
  }

  async submit(button: string, heading: string): Promise<DirectoryEditorFormPage> {
    await this.clickAndLoad(this.page.getByRole('button', { name: button, exact: true }));
    return new DirectoryEditorFormPage(this.page).arrive(heading);
  }
}

/** A case's services page: search the directory, then signpost or refer the family. */
export class CaseServicesPage extends LanternPage {
  static async open(page: Page, caseId: string): Promise<CaseServicesPage> {
    await page.goto(`/cases/${caseId}/services`);
    return new CaseServicesPage(page).arrive('Services for the family');
  }

  async searchDirectory(words: string, kind: string): Promise<CaseServicesPage> {
    await this.fill('Name or words about the service', words);
    await this.select('Kind of help', kind);
    await this.clickAndLoad(this.page.getByRole('button', { name: 'Search the directory' }));
    return new CaseServicesPage(this.page).arrive('Services for the family');
  }

  async record(): Promise<CaseServicesPage> {
    await this.clickAndLoad(this.page.getByRole('button', { name: 'Record on the case' }));
    return new CaseServicesPage(this.page).arrive('Services for the family');
  }

  async linked(): Promise<string[]> {
    return this.page.locator('#case-services li').evaluateAll((lis) => lis.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }
}

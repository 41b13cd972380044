import type { Locator, Page } from 'playwright-core';
import { LanternPage } from './browser.ts';
import { AllocatePage } from './casework-pages.ts';

/** Page objects for the work module: My work, Team work, closing a case and its follow-ups. */

async function rows(table: Locator): Promise<string[][]> {
  if (!(await table.count())) return [];
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td, th')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
}

export interface DueRow {
  when: string;
  what: string;
  family: string;
  due: string;
}

export class MyWorkPage extends LanternPage {
  static async open(page: Page): Promise<MyWorkPage> {
    await page.goto('/my-work');
    return new MyWorkPage(page).arrive('My work');
  }

  /** Follows "My work" in the menu. */
  static async fromMenu(from: LanternPage): Promise<MyWorkPage> {
    await from.clickAndLoad(from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'My work', exact: true }));
    return new MyWorkPage(from.page).arrive('My work');
  }

  async headline(): Promise<string> {
    return (await this.page.locator('#due-today').innerText()).trim();
  }

  async due(): Promise<DueRow[]> {
    return (await rows(this.page.locator('#due-items'))).map(([when, what, family, due]) => ({ when, what, family, due }));
  }

  async caseRows(): Promise<string[][]> {
    return rows(this.page.locator('#my-cases'));
  }

  async openDueItem(label: string): Promise<Page> {
    await this.clickAndLoad(this.page.locator('#due-items').getByRole('link', { name: label, exact: true }));
    return this.page;
  }
}

export class TeamWorkPage extends LanternPage {
  static async fromMenu(from: LanternPage): Promise<TeamWorkPage> {
    await from.clickAndLoad(from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Team work', exact: true }));
    return new TeamWorkPage(from.page).arrive('Team work');
  }

  async caseloads(): Promise<string[][]> {
    return rows(this.page.locator('#caseloads'));
  }

  /** Cases accepted at screening that have no key worker yet. */
  async awaitingAllocation(): Promise<string[][]> {
    return rows(this.page.locator('#awaiting-allocation'));
  }

  async allocate(familyName: string, reference: string): Promise<AllocatePage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: `Allocate a key worker to the ${familyName} family case (${reference})`, exact: true }));
    return new AllocatePage(this.page).arrive('Allocate a key worker');
  }

  async cases(): Promise<string[][]> {
    return rows(this.page.locator('#team-cases'));
  }

  async filter(options: { worker?: string; driftingOnly?: boolean }): Promise<this> {
    if (options.worker) await this.select('Key worker', options.worker);
    const box = this.page.getByLabel('Drifting cases only', { exact: true });
    if (options.driftingOnly !== undefined) await (options.driftingOnly ? box.check() : box.uncheck());
    await this.press('Apply filters');
    return this.arrive('Team work');
  }

  async closeCase(familyName: string, reference: string): Promise<ClosePage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: `Close the ${familyName} family case (${reference})`, exact: true }));
    return new ClosePage(this.page).arrive('Close the case');
  }
}

export class ClosePage extends LanternPage {
  static async open(page: Page, caseId: string): Promise<ClosePage> {
    await page.goto(`/cases/${caseId}/close`);
    return new ClosePage(page).arrive('Close the case');
  }

  async fillClosure(c: { reason?: string; tier?: string; service?: string; summary?: string }): Promise<void> {
    if (c.reason) await this.choose('Why is the case closing?', c.reason);
    if (c.tier) await this.choose('Where is the family stepping down to?', c.tier);
    if (c.service !== undefined) await this.fill('Name of the service', c.service);
    if (c.summary !== undefined) await this.fill('Closing summary', c.summary);
  }

  async schedule(): Promise<string[]> {
    return (await this.page.locator('#follow-up-schedule li').allInnerTexts()).map((s) => s.trim());
  }

  async closeExpectingErrors(): Promise<this> {
    await this.press('Close the case');
    return this.arrive('Close the case');
  }

  async close(): Promise<FollowUpsPage> {
    await this.press('Close the case');
    return new FollowUpsPage(this.page).arrive('Follow-ups after closure');
  }

  async notice(): Promise<string> {
    const text = await this.page.locator('main .govuk-inset-text, main .govuk-warning-text__text').first().innerText();
    return text.replace(/^\s*Warning\s*/, '').trim();
  }
}

export class FollowUpsPage extends LanternPage {
  async followUps(): Promise<{ followUp: string; due: string; status: string; outcome: string }[]> {
    return (await rows(this.page.locator('#follow-ups'))).map(([followUp, due, status, outcome]) => ({ followUp, due, status, outcome }));
  }

  async closure(): Promise<Record<string, string>> {
    return this.page.locator('#closure').evaluate((dl) => Object.fromEntries(Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
      (row.querySelector('dt')?.textContent ?? '').trim(), ((row.querySelector('dd') as HTMLElement | null)?.innerText ?? '').trim(),
    ])));
  }
}

export class RecordFollowUpPage extends LanternPage {
  async record(f: { date: [string, string, string]; note: string }): Promise<FollowUpsPage> {
    await this.fillDate('Date of the follow-up', f.date);
    await this.fill('How is the family doing?', f.note);
    await this.press('Record follow-up');
    return new FollowUpsPage(this.page).arrive('Follow-ups after closure');
  }
}

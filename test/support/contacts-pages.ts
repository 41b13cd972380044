import type { Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/**
 * Page objects for the contacts module: contacts and intensity, the contact form, progress
 * letters and the family chronology. Each `arrive` checks the h1 and runs axe.
 */

export class ContactsModulePage extends LanternPage {
  /** Ticks a checkbox by its label within the fieldset whose legend is `legend`. */
  async tick(legend: string, option: string): Promise<void> {
    await this.page.getByRole('group', { name: legend, exact: true }).getByLabel(option, { exact: true }).check();
  }

  async isTicked(legend: string, option: string): Promise<boolean> {
    return this.page.getByRole('group', { name: legend, exact: true }).getByLabel(option, { exact: true }).isChecked();
  }

  /** The rows of the summary list with this id, as { key: value }. */
  async summary(id: string): Promise<Record<string, string>> {
    return this.page.locator(`#${id}`).evaluate((dl) => Object.fromEntries(Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
      (row.querySelector('dt')?.textContent ?? '').trim(), ((row.querySelector('dd') as HTMLElement | null)?.innerText ?? '').trim(),
    ])));
  }

  async followLink(name: string): Promise<void> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name, exact: true }).first());
  }
}

export class ContactsPage extends ContactsModulePage {
  static async open(page: Page, caseId: string, familyName: string): Promise<ContactsPage> {
    await page.goto(`/cases/${caseId}/contacts`);
    return new ContactsPage(page).arrive(`Contacts with the ${familyName} family`);
  }

  static arrived(page: Page, familyName: string): Promise<ContactsPage> {
    return new ContactsPage(page).arrive(`Contacts with the ${familyName} family`);
  }

  /** Hours and visits this week, as shown. */
  async intensity(): Promise<{ hours: string; visits: string; warnings: string[] }> {
    const figures = await this.summary('intensity-figures');
    const warnings = await this.page.locator('.lantern-intensity-warning .govuk-warning-text__text').evaluateAll((nodes) =>
      nodes.map((n) => (n as HTMLElement).innerText.replace(/^Warning\s*/, '').trim()));
    return { hours: figures['Hours of contact'], visits: figures.Visits, warnings };
  }

  /** The contacts table, newest first: [date, contact, time, who, out of hours]. */
  async contacts(): Promise<string[][]> {
    return this.page.locator('#contacts tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td')).slice(0, 5).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
  }

  async recordContact(): Promise<ContactFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: 'Record a contact', exact: true }));
    return new ContactFormPage(this.page).arrive('Record a contact');
  }

  /** Follows the success banner's link to write a letter after the contact just recorded. */
  async writeLetterFromBanner(to: 'to the family' | 'to the referrer'): Promise<LetterFormPage> {
    await this.clickAndLoad(this.page.locator('.govuk-notification-banner').getByRole('link', { name: to, exact: true }));
    return new LetterFormPage(this.page).arrive(to === 'to the family' ? 'Progress letter to the family' : 'Progress letter to the referrer');
  }
}

export interface ContactAnswers {
  type?: string;
  date?: [string, string, string];
  start?: string;
  end?: string;
  where?: string;
  present?: string[];
  others?: string;
  outOfHours?: 'Work it out from the date and times' | 'Yes, it was out of hours' | 'No, it was in working hours';
  note?: string;
  didTogether?: string;
  progress?: string;
  nextSteps?: string;
}

export class ContactFormPage extends ContactsModulePage {
  async fillContact(a: ContactAnswers): Promise<void> {
    if (a.type) await this.choose('Type of contact', a.type);
    if (a.date) await this.fillDate('Date of the contact', a.date);
    if (a.start !== undefined) await this.fill('Start time', a.start);
    if (a.end !== undefined) await this.fill('End time', a.end);
    if (a.where !== undefined) await this.fill('Where (optional)', a.where);
    for (const name of a.present ?? []) await this.tick('Family members who were there', name);
    if (a.others !== undefined) await this.fill('Anyone else who was there (optional)', a.others);
    if (a.outOfHours) await this.choose('Was this contact out of hours?', a.outOfHours);
    if (a.note !== undefined) await this.fill('Case note', a.note);
    if (a.didTogether !== undefined) await this.fill('What you did together (optional)', a.didTogether);
    if (a.progress !== undefined) await this.fill('Progress the family has made (optional)', a.progress);
    if (a.nextSteps !== undefined) await this.fill('What happens next (optional)', a.nextSteps);
  }

  async save(familyName: string): Promise<ContactsPage> {
    await this.press('Save contact');
    return ContactsPage.arrived(this.page, familyName);
  }

  async saveExpectingErrors(): Promise<ContactFormPage> {
    await this.press('Save contact');
    return this.arrive('Record a contact');
  }
}

export class LetterFormPage extends ContactsModulePage {
  async save(heading: string): Promise<LetterPage> {
    await this.press('Save letter');
    return new LetterPage(this.page).arrive(heading);
  }

  async saveExpectingErrors(heading: string): Promise<LetterFormPage> {
    await this.press('Save letter');
    return this.arrive(heading);
  }
}

export class LetterPage extends ContactsModulePage {
  /** The letter's text as shown on the page. */
  async text(): Promise<string> {
    return (await this.page.locator('.lantern-letter').innerText()).trim();
  }

  /**
   * Clicks a download button: returns the downloaded file's name and first bytes, and the headers
   * of the same address fetched with the page's cookies (a download has no page response to read).
   */
  async download(button: 'Download PDF' | 'Download Word document'): Promise<{ status: number; headers: Record<string, string>; fileName: string; head: Buffer }> {
    const link = this.page.locator('main').getByRole('button', { name: button, exact: true });
    const [download] = await Promise.all([this.page.waitForEvent('download'), link.click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const response = await this.page.request.get((await link.getAttribute('href'))!);
    return { status: response.status(), headers: response.headers(), fileName: download.suggestedFilename(), head: Buffer.concat(chunks).subarray(0, 8) };
  }
}

export class LettersPage extends ContactsModulePage {
  async letters(): Promise<string[][]> {
    return this.page.locator('#letters tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td')).slice(0, 4).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
  }
}

export class ChronologyPage extends ContactsModulePage {
  static async open(page: Page, familyId: string): Promise<ChronologyPage> {
    await page.goto(`/families/${familyId}/chronology`);
    return new ChronologyPage(page).arrive('Family chronology');
  }

  /** Each event as 'date · type · title', in the order shown. */
  async events(): Promise<string[]> {
    return this.page.locator('#timeline > li').evaluateAll((items) => items.map((li) => [
      (li.querySelector('time')?.textContent ?? '').trim(), (li.querySelector('.lantern-timeline__type')?.textContent ?? '').trim(),
      (li.querySelector('.lantern-timeline__title')?.textContent ?? '').trim(),
    ].join(' · ')));
  }

  async count(): Promise<string> {
    return (await this.page.locator('#events-count').innerText()).trim();
  }

  async applyFilters(): Promise<ChronologyPage> {
    await this.press('Apply filters');
    return this.arrive('Family chronology');
  }

  async printView(familyName: string): Promise<ChronologyPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: /^Print view/ }));
    return new ChronologyPage(this.page).arrive(`Family chronology: ${familyName} family`);
  }

  async addEvent(): Promise<ContactsModulePage> {
    await this.followLink('Add a significant event');
    return new ContactsModulePage(this.page).arrive('Add a significant event to the chronology');
  }
}

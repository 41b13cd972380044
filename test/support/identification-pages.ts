import type { Locator } from 'playwright-core';
import { LanternPage } from './browser.ts';

/** Page objects for identification: every page's h1 is checked and axe is run on arrival. */

export class IdentificationPage extends LanternPage {
  static async fromMenu(from: LanternPage): Promise<ExtractsPage> {
    await from.clickAndLoad(from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Identification', exact: true }));
    return new ExtractsPage(from.page).arrive('Agency extracts');
  }

  async section<T extends LanternPage>(name: string, heading: string | RegExp, as: new (page: LanternPage['page']) => T): Promise<T> {
    await this.clickAndLoad(this.page.getByRole('navigation', { name: 'Identification' }).getByRole('link', { name, exact: true }));
    return new as(this.page).arrive(heading);
  }

  table(caption: string | RegExp): Locator {
    return this.page.locator('main table').filter({ has: this.page.locator('caption', { hasText: caption }) });
  }

  async rows(caption: string | RegExp): Promise<string[][]> {
    return this.table(caption).evaluate((t) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c as HTMLElement).innerText.trim())));
  }
}

export class ExtractsPage extends IdentificationPage {
  async upload(): Promise<UploadPage> {
    return this.section('Load an extract', 'Load an agency extract', UploadPage);
  }

  /** Starts matching (a background job) and follows its progress page until it has finished. */
  async runMatching(): Promise<ExtractsPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: 'Run matching', exact: true }));
    return followJob(this, 'Agency extracts', ExtractsPage);
  }
}

export class UploadPage extends IdentificationPage {
  async load(options: { source: string; agreement: string; file: string; validOnly?: boolean }): Promise<void> {
    await this.select('Kind of extract', options.source);
    await this.select('Data-sharing agreement that allows it', options.agreement);
    await this.page.getByLabel('Extract file (CSV or XLSX)', { exact: true }).setInputFiles(options.file);
    if (options.validOnly) await this.page.getByLabel('Load only the valid rows and leave out the rest', { exact: true }).check();
    await this.press('Check and load');
  }

  /** The rows are checked by a background job: its page is followed until the job sends the analyst back with the problems. */
  async loadExpectingErrors(options: Parameters<UploadPage['load']>[0]): Promise<UploadPage> {
    await this.load(options);
    return followJob(this, 'Load an agency extract', UploadPage);
  }

  async loadExpectingSuccess(options: Parameters<UploadPage['load']>[0]): Promise<ExtractsPage> {
    await this.load(options);
    return followJob(this, 'Agency extracts', ExtractsPage);
  }
}

/** A background job's progress page: stage, percent, time left, "Check progress" and Cancel. */
export class JobPage extends IdentificationPage {
  async stage(): Promise<string> {
    return (await this.page.locator('#job-stage').innerText()).trim();
  }
}

const jobHeading = /^(Loading .+|Matching records)$/;

/**
 * After starting a job: while its progress page shows (axe checked each time), wait a moment and
 * press "Check progress", as a person would, until the finished job sends the page on to its result.
 */
export async function followJob<T extends LanternPage>(from: LanternPage, heading: string | RegExp, as: new (page: LanternPage['page']) => T, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    await from.page.waitForLoadState('load');
    const h1 = ((await from.page.locator('h1').first().textContent()) ?? '').trim();
    if (!jobHeading.test(h1)) return new as(from.page).arrive(heading);
    const job = await new JobPage(from.page).arrive(jobHeading);
    await from.page.waitForTimeout(100);
    await job.clickAndLoad(from.page.locator('main').getByRole('link', { name: 'Check progress', exact: true }));
  }
  throw new Error(`The job at ${from.page.url()} did not finish`);
}

export class ReviewQueuePage extends IdentificationPage {}

export class PairPage extends IdentificationPage {
  async decide(option: 'Same person: join these records' | 'Different people: keep them apart'): Promise<ReviewQueuePage> {
    await this.choose('Your decision', option);
    await this.press('Save decision');
    return new ReviewQueuePage(this.page).arrive('Clerical review');
  }
}

export class HouseholdsPage extends IdentificationPage {
  async show(filter: { top?: string; eligibility?: string }): Promise<HouseholdsPage> {
    if (filter.top) await this.fill('How many', filter.top);
    if (filter.eligibility) await this.select('Eligibility', filter.eligibility);
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: 'Show households', exact: true }));
    return new HouseholdsPage(this.page).arrive('Prioritised list of households');
  }

  async open(rank: number): Promise<LanternPage> {
    const link = this.table(/^Top \d+ households/).locator('tbody tr').nth(rank - 1).locator('th a');
    await this.clickAndLoad(link);
    return new LanternPage(this.page).arrive(/^Household at /);
  }
}

/** One identified household: its evidence, and starting a referral from it. */
export class IdentifiedHouseholdPage extends IdentificationPage {
  static async open(from: LanternPage, householdId: string): Promise<IdentifiedHouseholdPage> {
    await from.goto(`/identification/households/${householdId}`);
    return new IdentifiedHouseholdPage(from.page).arrive(/^Household at /);
  }

  /** An analyst's button: keeps the household's details as a draft and shows the link to send. */
  async makeReferralLink(): Promise<string> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: 'Make a referral link to send', exact: true }));
    await this.arrive(/^Household at /);
    return (await this.page.locator('#referral-link').getAttribute('href'))!;
  }
}

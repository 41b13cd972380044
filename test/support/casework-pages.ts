import type { Locator, Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/**
 * Page objects for the start of casework: the referral form, the referrals queue, the referral
 * and its screening, the case page and allocating a key worker. Each arrival checks the h1 and runs axe.
 */

async function summaryList(list: Locator): Promise<Record<string, string>> {
  return list.evaluate((dl) => Object.fromEntries(Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
    (row.querySelector('dt')?.textContent ?? '').trim(), ((row.querySelector('dd') as HTMLElement | null)?.innerText ?? '').trim(),
  ])));
}

function menuLink(from: LanternPage, name: string): Locator {
  return from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name, exact: true });
}

export interface ReferralPerson {
  givenName: string;
  familyName: string;
  /** The role's value, e.g. 'mother', 'child'. */
  role: string;
  dateOfBirth?: [string, string, string];
}

export interface ReferralAnswers {
  familyName?: string;
  addressLine1?: string;
  postcode?: string;
  people?: ReferralPerson[];
  needCodes?: string[];
  reasons?: string;
  urgency?: 'Routine' | 'Urgent: the family needs help within days' | 'Emergency: a child may be at risk of harm now';
  consent?: 'Yes' | 'No';
  lawfulBasis?: string;
}

export class ReferralFormPage extends LanternPage {
  static readonly heading: string = 'Refer a family';

  /** Follows "Refer a family" in the menu. */
  static async fromMenu(from: LanternPage): Promise<ReferralFormPage> {
    await from.clickAndLoad(menuLink(from, 'Refer a family'));
    return new ReferralFormPage(from.page).arrive(ReferralFormPage.heading);
  }

  private person(n: number): Locator {
    return this.page.getByRole('group', { name: `Person ${n}`, exact: true });
  }

  async fillReferral(a: ReferralAnswers): Promise<void> {
    if (a.familyName !== undefined) await this.fill('Family name', a.familyName);
    if (a.addressLine1 !== undefined) await this.fill('Address line 1 (if known)', a.addressLine1);
    if (a.postcode !== undefined) await this.fill('Postcode (if known)', a.postcode);
    for (const [i, p] of (a.people ?? []).entries()) {
      const group = this.person(i + 1);
      await group.getByLabel('First name', { exact: true }).fill(p.givenName);
      await group.getByLabel('Last name', { exact: true }).fill(p.familyName);
      await group.getByLabel('Who they are in the family', { exact: true }).selectOption(p.role);
      if (p.dateOfBirth) {
        const dob = group.getByRole('group', { name: 'Date of birth (if known)', exact: true });
        await dob.getByLabel('Day', { exact: true }).fill(p.dateOfBirth[0]);
        await dob.getByLabel('Month', { exact: true }).fill(p.dateOfBirth[1]);
        await dob.getByLabel('Year', { exact: true }).fill(p.dateOfBirth[2]);
      }
    }
    for (const code of a.needCodes ?? []) await this.page.locator(`main input[name=needCodes][value="${code}"]`).check();
    if (a.reasons !== undefined) await this.fill('What is happening and what help the family needs', a.reasons);
    if (a.urgency) await this.choose('How urgent is this?', a.urgency);
    if (a.consent) await this.choose('Has the family agreed to this referral?', a.consent);
    if (a.lawfulBasis !== undefined) await this.fill('The lawful reason for sharing without agreement', a.lawfulBasis);
  }

  /** What the form now holds for a person row (to check answers are kept after an error). */
  async personAnswers(n: number): Promise<ReferralPerson> {
    const group = this.person(n);
    const dob = group.getByRole('group', { name: 'Date of birth (if known)', exact: true });
    return {
      givenName: await group.getByLabel('First name', { exact: true }).inputValue(),
      familyName: await group.getByLabel('Last name', { exact: true }).inputValue(),
      role: await group.getByLabel('Who they are in the family', { exact: true }).inputValue(),
      dateOfBirth: [
        await dob.getByLabel('Day', { exact: true }).inputValue(),
        await dob.getByLabel('Month', { exact: true }).inputValue(),
        await dob.getByLabel('Year', { exact: true }).inputValue(),
      ],
    };
  }

  async tickedNeeds(): Promise<string[]> {
    return this.page.locator('main input[name=needCodes]:checked').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
  }

  async sendExpectingErrors(): Promise<ReferralFormPage> {
    await this.press('Send referral');
    return this.arrive(ReferralFormPage.heading);
  }

  async send(familyName: string): Promise<ReferralPage> {
    await this.press('Send referral');
    return ReferralPage.arrived(this.page, familyName);
  }
}

/** "Correct the referral's details" (screeners): the same family, people and referrer fields as the referral form. */
export class ReferralDetailsPage extends ReferralFormPage {
  static override readonly heading: string = 'Correct the referral’s details';

  static arrived(page: Page): Promise<ReferralDetailsPage> {
    return new ReferralDetailsPage(page).arrive(ReferralDetailsPage.heading);
  }

  async saveExpectingErrors(): Promise<ReferralDetailsPage> {
    await this.press('Save corrections');
    return this.arrive(ReferralDetailsPage.heading);
  }

  async save(familyName: string): Promise<ReferralPage> {
    await this.press('Save corrections');
    return ReferralPage.arrived(this.page, familyName);
  }
}

export class ReferralsQueuePage extends LanternPage {
  /** Follows "Referrals" in the menu (managers only). */
  static async fromMenu(from: LanternPage): Promise<ReferralsQueuePage> {
    await from.clickAndLoad(menuLink(from, 'Referrals'));
    return new ReferralsQueuePage(from.page).arrive('Referrals');
  }

  /** Rows: referral, family, received, urgency, from, status. */
  async rows(): Promise<string[][]> {
    const table = this.page.locator('main table');
    if (!(await table.count())) return [];
    return table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
  }

  async openReferral(reference: string, familyName: string): Promise<ReferralPage> {
    await this.clickAndLoad(this.page.locator('main table').getByRole('link', { name: reference, exact: true }));
    return ReferralPage.arrived(this.page, familyName);
  }
}

export interface ScreeningAnswers {
  familyChoice?: string;
  decision?: 'Accept into a programme' | 'Signpost to another service' | 'Decline';
  programme?: string;
  signpostedTo?: string;
  reason?: string;
}

export class ReferralPage extends LanternPage {
  static arrived(page: Page, familyName: string): Promise<ReferralPage> {
    return new ReferralPage(page).arrive(`Referral of the ${familyName} family`);
  }

  async reference(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').first().innerText()).trim();
  }

  /** The first summary list (status, urgency, referrer, agreement, needs, reasons...). */
  async details(): Promise<Record<string, string>> {
    return summaryList(this.page.locator('main .govuk-summary-list').first());
  }

  async peopleNamed(): Promise<string[]> {
    return (await this.page.locator('main h2', { hasText: 'People named' }).locator('xpath=following-sibling::ul[1]/li').allInnerTexts()).map((t) => t.trim());
  }

  async levelOfNeed(): Promise<string> {
    return (await this.page.locator('#level-of-need').innerText()).trim();
  }

  /** The rule that gave the level, shown under it. */
  async levelRule(): Promise<string> {
    return (await this.page.locator('#level-of-need').locator('xpath=following-sibling::div[contains(@class, "govuk-inset-text")][1]').innerText()).trim();
  }

  /** The screening form's family record options, as their labels. */
  async familyChoices(): Promise<string[]> {
    return (await this.page.locator('main input[name=familyChoice]').evaluateAll((inputs) =>
      inputs.map((i) => (document.querySelector(`label[for="${i.id}"]`) as HTMLElement | null)?.innerText ?? ''))).map((t) => t.trim());
  }

  async fillScreening(s: ScreeningAnswers): Promise<void> {
    if (s.familyChoice) await this.page.locator('main').getByRole('radio', { name: s.familyChoice, exact: true }).check();
    if (s.decision) await this.choose('Decision', s.decision);
    if (s.programme) await this.select('Programme', s.programme);
    if (s.signpostedTo !== undefined) await this.fill('Service the family is signposted to', s.signpostedTo);
    if (s.reason !== undefined) await this.fill('Reason for the decision', s.reason);
  }

  /** Follows "Correct the referral's details". */
  async correctDetails(): Promise<ReferralDetailsPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Correct the referral’s details', exact: true }));
    return ReferralDetailsPage.arrived(this.page);
  }

  /** Follows an error summary link that leads to the correction page. */
  async followErrorToDetails(text: string): Promise<ReferralDetailsPage> {
    await this.clickAndLoad(this.page.locator('.govuk-error-summary__list').getByRole('link', { name: text, exact: true }));
    return ReferralDetailsPage.arrived(this.page);
  }

  /** Records an acceptance: the new case's page. */
  async accept(familyName: string): Promise<CasePage> {
    await this.press('Record decision');
    return CasePage.arrived(this.page, familyName);
  }

  async recordDecisionExpectingErrors(familyName: string): Promise<ReferralPage> {
    await this.press('Record decision');
    return ReferralPage.arrived(this.page, familyName);
  }
}

export class CasePage extends LanternPage {
  static arrived(page: Page, familyName: string): Promise<CasePage> {
    return new CasePage(page).arrive(`${familyName} family`);
  }

  static async open(page: Page, caseId: string, familyName: string): Promise<CasePage> {
    await page.goto(`/cases/${caseId}`);
    return CasePage.arrived(page, familyName);
  }

  /** The case id, from the address. */
  get caseId(): string {
    const match = /^\/cases\/([0-9a-f-]{36})$/.exec(this.url.pathname);
    if (!match) throw new Error(`Not on a case page: ${this.page.url()}`);
    return match[1];
  }

  /** "CASE-... · Programme name". */
  async caption(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').first().innerText()).trim();
  }

  async reference(): Promise<string> {
    return (await this.caption()).split(' · ')[0].trim();
  }

  async stateLabel(): Promise<string> {
    return (await this.page.locator('main h1 + p .govuk-tag').innerText()).trim();
  }

  async details(): Promise<Record<string, string>> {
    const rows = await summaryList(this.page.locator('main .govuk-summary-list').first());
    // The key worker row carries the manager's "Allocate/Change key worker" action in its own cell.
    return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.split('\n')[0].trim()]));
  }

  async history(): Promise<string[][]> {
    return this.page.locator('main table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
  }

  async allocate(): Promise<AllocatePage> {
    await this.clickAndLoad(this.page.locator('main .govuk-summary-list').getByRole('link', { name: /^(Allocate|Change) key worker$/ }));
    return new AllocatePage(this.page).arrive('Allocate a key worker');
  }

  /** Follows one of the "Case work" links; the caller checks where it lands. */
  async followCaseLink(name: string): Promise<void> {
    await this.clickAndLoad(this.page.locator('#case-links').getByRole('link', { name, exact: true }));
  }
}

export class AllocatePage extends LanternPage {
  /** The key worker options as their labels. */
  async workers(): Promise<string[]> {
    return (await this.page.getByRole('group', { name: 'Key worker', exact: true }).locator('label').allInnerTexts()).map((t) => t.trim());
  }

  /** Each key worker option's label and its caseload hint. */
  async workerCaseloads(): Promise<{ worker: string; caseload: string }[]> {
    return this.page.getByRole('group', { name: 'Key worker', exact: true }).locator('.govuk-radios__item').evaluateAll((items) => items.map((item) => ({
      worker: (item.querySelector('label')?.textContent ?? '').trim(), caseload: (item.querySelector('.govuk-hint')?.textContent ?? '').trim(),
    })));
  }

  /** Lists another team's workers as well as the manager's own. */
  async showTeam(team: string): Promise<AllocatePage> {
    await this.select('Find a key worker in another team', team);
    await this.press('Show workers');
    return this.arrive('Allocate a key worker');
  }

  async giveReason(reason: string): Promise<void> {
    await this.fill('Reason for going over the caseload limit (if you are)', reason);
  }

  async chooseWorker(label: string): Promise<void> {
    await this.choose('Key worker', label);
  }

  async allocate(familyName: string): Promise<CasePage> {
    await this.press('Allocate');
    return CasePage.arrived(this.page, familyName);
  }

  async allocateExpectingErrors(): Promise<AllocatePage> {
    await this.press('Allocate');
    return this.arrive('Allocate a key worker');
  }
}

import type { Locator, Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/**
 * Page objects for the outcomes module: a case's outcome measures, the household form for one
 * time point, and the programme evaluation. Each arrival checks the h1 and runs axe.
 */

export class OutcomesPage extends LanternPage {
  static async open(page: Page, caseId: string): Promise<OutcomesPage> {
    await page.goto(`/cases/${caseId}/outcomes`);
    return new OutcomesPage(page).arrive('Outcome measures');
  }

  /** Each time point and what the table says of it. */
  async timePoints(): Promise<{ when: string; status: string }[]> {
    return this.page.locator('main table').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => ({
      when: (r.querySelector('th') as HTMLElement).innerText.trim(), status: (r.querySelectorAll('td')[0] as HTMLElement).innerText.trim(),
    })));
  }

  async record(linkText: 'Record' | 'Change', when: string): Promise<RecordOutcomesPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `${linkText} outcome measures ${when.toLowerCase()}` }));
    return new RecordOutcomesPage(this.page).arrive(/^Record outcomes: /);
  }
}

export interface MemberMeasureAnswers {
  status?: string;
  attendance?: string;
  offences12m?: string;
  treatment?: string;
  workSteps?: string[];
}

export class RecordOutcomesPage extends LanternPage {
  private member(name: string): Locator {
    return this.page.locator(`main fieldset:has(> legend h2:text-is("${name}"))`);
  }

  async fillMember(name: string, a: MemberMeasureAnswers): Promise<void> {
    const m = this.member(name);
    if (a.status) await m.getByRole('group', { name: 'Child’s status', exact: true }).getByLabel(a.status, { exact: true }).check();
    if (a.attendance !== undefined) await m.getByLabel('School attendance', { exact: true }).fill(a.attendance);
    if (a.offences12m !== undefined) await m.getByLabel('Proven offences in the last 12 months', { exact: true }).fill(a.offences12m);
    if (a.treatment) await m.getByRole('group', { name: 'Substance-misuse treatment', exact: true }).getByLabel(a.treatment, { exact: true }).check();
    for (const step of a.workSteps ?? []) await m.getByLabel(step, { exact: true }).check();
  }

  async memberValue(name: string, label: string): Promise<string> {
    return this.member(name).getByLabel(label, { exact: true }).inputValue();
  }

  async save(): Promise<OutcomesPage> {
    await this.press('Save outcome measures');
    return new OutcomesPage(this.page).arrive('Outcome measures');
  }

  async saveWithErrors(): Promise<RecordOutcomesPage> {
    await this.press('Save outcome measures');
    return new RecordOutcomesPage(this.page).arrive(/^Record outcomes: /);
  }
}

export class ClaimsPage extends LanternPage {
  static async open(page: Page, query = ''): Promise<ClaimsPage> {
    await page.goto(`/supporting-families/claims${query}`);
    return new ClaimsPage(page).arrive('Supporting Families claims');
  }

  /** The h2 of each group: "Eligible to claim (1)", "Close to it (0)"... */
  async groups(): Promise<string[]> {
    return this.page.locator('main h2.govuk-heading-m').allInnerTexts();
  }

  async openRules(): Promise<LanternPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'The claim rules' }));
    return new LanternPage(this.page).arrive('Supporting Families claim rules');
  }
}

export class EvaluationPage extends LanternPage {
  static async open(page: Page, query = ''): Promise<EvaluationPage> {
    await page.goto(`/outcomes-report${query}`);
    return new EvaluationPage(page).arrive('Programme evaluation');
  }

  /** The headline figures table: measure and result ("9 of 14 (64%)"). */
  async figures(): Promise<{ measure: string; result: string }[]> {
    return this.page.locator('#table-figures tbody tr').evaluateAll((rows) => rows.map((r) => ({
      measure: (r.querySelector('th') as HTMLElement).innerText.trim(), result: (r.querySelectorAll('td')[1] as HTMLElement).innerText.trim(),
    })));
  }

  async chartTitles(): Promise<string[]> {
    // SVG elements have no innerText.
    return this.page.locator('main svg > title').evaluateAll((titles) => titles.map((t) => (t.textContent ?? '').trim()));
  }

  /** Opens "Cases behind ..." for a figure and returns the case links in it. */
  async casesBehind(figure: string): Promise<string[]> {
    const details = this.page.locator('main details', { hasText: `Cases behind “${figure}”` }).first();
    await details.locator('summary').click();
    return details.locator('a').allInnerTexts();
  }
}

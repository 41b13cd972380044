import type { Locator, Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/**
 * Page objects for the plans module: the assessment task list, each member's part, the family's
 * view, the family plan (goals, actions, review date, agree, review), its versions, the family
 * contract and the safety plan with their printable pages. Each step checks the h1 and runs axe.
 */

async function tableRows(table: Locator): Promise<string[][]> {
  if (!(await table.count())) return [];
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td, th')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
}

export class AssessmentPage extends LanternPage {
  static readonly heading = 'Assessment and family plan';

  static async open(page: Page, caseId: string): Promise<AssessmentPage> {
    await page.goto(`/cases/${caseId}/assessment`);
    return new AssessmentPage(page).arrive(AssessmentPage.heading);
  }

  static arrived(page: Page): Promise<AssessmentPage> {
    return new AssessmentPage(page).arrive(AssessmentPage.heading);
  }

  async start(): Promise<AssessmentPage> {
    await this.press('Start the assessment');
    return AssessmentPage.arrived(this.page);
  }

  /** Each task on the list: its name and its status, top to bottom. */
  async tasks(): Promise<{ name: string; status: string }[]> {
    return this.page.locator('main .govuk-task-list__item').evaluateAll((items) => items.map((item) => ({
      name: ((item.querySelector('.govuk-task-list__link') as HTMLElement | null)?.innerText ?? '').trim(),
      status: ((item.querySelector('.govuk-task-list__status') as HTMLElement | null)?.innerText ?? '').trim(),
    })));
  }

  async openMember(name: string): Promise<MemberAssessmentPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name, exact: true }));
    return new MemberAssessmentPage(this.page).arrive(`Assessment: ${name}`);
  }

  async openFamilyView(): Promise<FamilyViewPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'The family’s view and what they want to change', exact: true }));
    return new FamilyViewPage(this.page).arrive('The family’s view');
  }

  /** Completes the assessment; the same page comes back, with a banner or with the error summary. */
  async complete(): Promise<AssessmentPage> {
    await this.press('Complete the assessment');
    return AssessmentPage.arrived(this.page);
  }

  async openTask(name: 'Family plan'): Promise<PlanPage>;
  async openTask(name: 'Family contract'): Promise<ContractPage>;
  async openTask(name: 'Safety plan'): Promise<SafetyPlanPage>;
  async openTask(name: string): Promise<LanternPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name, exact: true }));
    if (name === 'Family plan') return PlanPage.arrived(this.page);
    if (name === 'Family contract') return new ContractPage(this.page).arrive('Family contract');
    return new SafetyPlanPage(this.page).arrive('Safety plan');
  }
}

export class MemberAssessmentPage extends LanternPage {
  async fillMember(a: { strengths?: string; needs?: string; risks?: string; factors?: string[]; wishes?: string; wishesNotRecorded?: string }): Promise<void> {
    if (a.strengths !== undefined) await this.fill('Strengths', a.strengths);
    if (a.needs !== undefined) await this.fill('Needs', a.needs);
    if (a.risks !== undefined) await this.fill('Risks', a.risks);
    for (const code of a.factors ?? []) await this.page.locator(`main input[name=factorCodes][value="${code}"]`).check();
    if (a.wishes !== undefined) await this.page.locator('#wishesAndFeelings').fill(a.wishes);
    if (a.wishesNotRecorded !== undefined) await this.page.locator('#wishesNotRecordedReason').fill(a.wishesNotRecorded);
  }

  async save(): Promise<AssessmentPage> {
    await this.press('Save and return to the assessment');
    return AssessmentPage.arrived(this.page);
  }
}

export class FamilyViewPage extends LanternPage {
  async fillView(v: { view: string; change: string }): Promise<void> {
    await this.fill('The family’s own view', v.view);
    await this.fill('What the family want to change', v.change);
  }

  async save(): Promise<AssessmentPage> {
    await this.press('Save and return to the assessment');
    return AssessmentPage.arrived(this.page);
  }
}

export interface PlanActionRow {
  what: string;
  who: string;
  by: string;
  status: string;
}

export class PlanPage extends LanternPage {
  static arrived(page: Page): Promise<PlanPage> {
    return new PlanPage(page).arrive('Family plan');
  }

  static async open(page: Page, caseId: string): Promise<PlanPage> {
    await page.goto(`/cases/${caseId}/plan`);
    return PlanPage.arrived(page);
  }

  /** The h2 headings of the plan page (the draft, the version in force). */
  async sections(): Promise<string[]> {
    return (await this.page.locator('main section > h2').allInnerTexts()).map((t) => t.trim());
  }

  /** Goal card titles of one section ('draft' or 'current'), top to bottom. */
  async goals(section: 'draft' | 'current'): Promise<string[]> {
    const scope = this.page.locator(section === 'draft' ? 'main section.lantern-plan-draft' : 'main section[aria-labelledby=current-heading]');
    return (await scope.locator('.govuk-summary-card__title').allInnerTexts()).map((t) => t.trim());
  }

  async actions(section: 'draft' | 'current', goal = 1): Promise<PlanActionRow[]> {
    const scope = this.page.locator(section === 'draft' ? 'main section.lantern-plan-draft' : 'main section[aria-labelledby=current-heading]');
    const rows = await tableRows(scope.locator('.lantern-plan-goal').nth(goal - 1).locator('table'));
    return rows.map(([what, who, by, status]) => ({ what, who, by, status }));
  }

  async addFirstGoal(): Promise<GoalFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Add the first goal', exact: true }));
    return new GoalFormPage(this.page).arrive('Add a goal');
  }

  async addGoal(): Promise<GoalFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Add a goal', exact: true }));
    return new GoalFormPage(this.page).arrive('Add a goal');
  }

  async changeGoal(n: number, review = false): Promise<GoalFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `Change goal ${n}${review ? ' and its progress' : ''}`, exact: true }));
    return new GoalFormPage(this.page).arrive('Change a goal');
  }

  async addAction(goal: number): Promise<ActionFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `Add an action to goal ${goal}`, exact: true }));
    return new ActionFormPage(this.page).arrive('Add an action');
  }

  async changeAction(description: string): Promise<ActionFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `Change action: ${description}`, exact: true }));
    return new ActionFormPage(this.page).arrive('Change an action');
  }

  async setReviewDate(): Promise<ReviewDatePage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: /^(Set|Change) review date$/ }));
    return new ReviewDatePage(this.page).arrive('When will the plan be reviewed?');
  }

  async agree(): Promise<PlanPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: /^Agree the (reviewed )?plan with the family$/ }));
    return PlanPage.arrived(this.page);
  }

  async startReview(): Promise<PlanPage> {
    await this.press('Review the plan');
    return PlanPage.arrived(this.page);
  }

  async versions(): Promise<PlanVersionsPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: /^See every version of the plan/ }));
    return new PlanVersionsPage(this.page).arrive('Versions of the family plan');
  }
}

export class GoalFormPage extends LanternPage {
  async fillGoal(g: { goal?: string; outcome?: string; progress?: string }): Promise<void> {
    if (g.goal !== undefined) await this.fill('The goal, in the family’s words', g.goal);
    if (g.outcome !== undefined) await this.choose('Which outcome is this goal about?', g.outcome);
    if (g.progress !== undefined) await this.fill('Progress since the last review', g.progress);
  }

  async save(): Promise<PlanPage> {
    await this.press('Save goal');
    return PlanPage.arrived(this.page);
  }
}

export class ActionFormPage extends LanternPage {
  async fillAction(a: { what?: string; who?: string; agency?: string; by?: [string, string, string]; status?: string }): Promise<void> {
    if (a.what !== undefined) await this.fill('What will be done', a.what);
    if (a.who !== undefined) await this.choose('Who will do this?', a.who);
    if (a.agency !== undefined) await this.fill('If another agency or service, its name', a.agency);
    if (a.by) await this.fillDate('By when?', a.by);
    if (a.status !== undefined) await this.choose('Status', a.status);
  }

  async save(): Promise<PlanPage> {
    await this.press('Save action');
    return PlanPage.arrived(this.page);
  }
}

export class ReviewDatePage extends LanternPage {
  async save(date?: [string, string, string]): Promise<PlanPage> {
    if (date) await this.fillDate('When will the plan be reviewed?', date);
    await this.press('Save review date');
    return PlanPage.arrived(this.page);
  }

  /** Saves a date the plan refuses: the same page comes back with the error summary. */
  async saveExpectingErrors(date: [string, string, string]): Promise<ReviewDatePage> {
    await this.fillDate('When will the plan be reviewed?', date);
    await this.press('Save review date');
    return this.arrive('When will the plan be reviewed?');
  }
}

export class PlanVersionsPage extends LanternPage {
  /** Rows: version, agreed, review date, goals, actions, status. */
  async rows(): Promise<string[][]> {
    return tableRows(this.page.locator('#plan-versions'));
  }

  async open(n: number): Promise<PlanPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `Version ${n}`, exact: true }));
    return new PlanPage(this.page).arrive(`Family plan version ${n}`);
  }
}

export class ContractPage extends LanternPage {
  async fillContract(c: { family: string; keyWorker: string; agencies?: Record<string, string>; consequences: string; agreedOn?: [string, string, string] }): Promise<void> {
    await this.fill('What the family will do', c.family);
    await this.fill('What the key worker will do', c.keyWorker);
    for (const [agency, commitment] of Object.entries(c.agencies ?? {})) await this.fill(`What ${agency} will do`, commitment);
    await this.fill('What happens if the agreement is not kept', c.consequences);
    if (c.agreedOn) await this.fillDate('Date the family agreed (optional)', c.agreedOn);
  }

  async save(): Promise<ContractPage> {
    await this.press('Save the contract');
    return this.arrive('Family contract');
  }

  async print(familyName: string): Promise<LanternPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Print the contract for the family', exact: true }));
    return new LanternPage(this.page).arrive(`The ${familyName} family’s agreement`);
  }
}

export class SafetyPlanPage extends LanternPage {
  async fillSafetyPlan(s: { risks: string; keepingSafe: string; whoDoesWhat: string; contacts: { name: string; phone: string; when: string }[] }): Promise<void> {
    await this.fill('What the risks are', s.risks);
    await this.fill('What keeps the children safe', s.keepingSafe);
    await this.fill('Who does what', s.whoDoesWhat);
    for (const [i, c] of s.contacts.entries()) {
      const group = this.page.getByRole('group', { name: `Contact ${i + 1}`, exact: true });
      await group.getByLabel('Who to call', { exact: true }).fill(c.name);
      await group.getByLabel('Phone number', { exact: true }).fill(c.phone);
      await group.getByLabel('When to call', { exact: true }).selectOption({ label: c.when });
    }
  }

  async save(): Promise<SafetyPlanPage> {
    await this.press('Save the safety plan');
    return this.arrive('Safety plan');
  }

  async print(familyName: string): Promise<LanternPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Print the safety plan for the family', exact: true }));
    return new LanternPage(this.page).arrive(`The ${familyName} family’s safety plan`);
  }
}

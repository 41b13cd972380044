import type { Locator, Page } from 'playwright-core';
import { LanternPage } from './browser.ts';

/** Page objects for the costs module: the unit-cost table, its edit form, and cost-benefit analyses. */

async function rows(table: Locator): Promise<string[][]> {
  if (!(await table.count())) return [];
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td, th')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
}

export class UnitCostsPage extends LanternPage {
  static async open(page: Page): Promise<UnitCostsPage> {
    await page.goto('/costs');
    return new UnitCostsPage(page).arrive('Unit costs');
  }

  /** The row for a cost (by its key): cost, amount, unit, price year, source. */
  async row(key: string): Promise<string[]> {
    const cells = await this.page.locator(`#unit-costs tr[data-key="${key}"] td`).evaluateAll((tds) =>
      tds.map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    return cells.slice(0, 5);
  }

  async change(label: string): Promise<UnitCostFormPage> {
    await this.clickAndLoad(this.page.locator('#unit-costs').getByRole('link', { name: `Change ${label}`, exact: true }));
    return new UnitCostFormPage(this.page).arrive('Change a unit cost');
  }

  async toAnalyses(): Promise<AnalysesPage> {
    await this.clickAndLoad(this.page.getByRole('navigation', { name: 'Costs and benefits' }).getByRole('link', { name: 'Cost-benefit analyses', exact: true }));
    return new AnalysesPage(this.page).arrive('Cost-benefit analyses');
  }
}

export class UnitCostFormPage extends LanternPage {
  async save(fields: { amount?: string; priceYear?: string; source?: string }): Promise<void> {
    if (fields.amount !== undefined) await this.fill('Amount', fields.amount);
    if (fields.priceYear !== undefined) await this.fill('Price year', fields.priceYear);
    if (fields.source !== undefined) await this.fill('Source', fields.source);
    await this.press('Save unit cost');
  }
}

export class AnalysesPage extends LanternPage {
  async newAnalysis(): Promise<AnalysisFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'New analysis', exact: true }));
    return new AnalysisFormPage(this.page).arrive('New cost-benefit analysis');
  }

  async open(name: string): Promise<AnalysisPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name, exact: true }));
    return new AnalysisPage(this.page).arrive(name);
  }
}

export interface LineInput {
  description: string;
  count: string;
  unitCost: string;
  quantity: string;
}

export class AnalysisFormPage extends LanternPage {
  async fillDetails(fields: { name: string; families: string; priceYear: string; deliveryCost: string; deadweight?: string }) {
    await this.fill('Name', fields.name);
    await this.fill('Number of families', fields.families);
    await this.fill('Price year of the report', fields.priceYear);
    await this.fill('Delivery cost', fields.deliveryCost);
    if (fields.deadweight) await this.fill('Deadweight', fields.deadweight);
  }

  /** Fills line `n` (1-based) of the counterfactual. */
  async fillLine(n: number, line: LineInput) {
    const group = this.page.getByRole('group', { name: `Line ${n}`, exact: true });
    await group.getByLabel('What would have happened', { exact: true }).fill(line.description);
    await group.getByLabel('How many', { exact: true }).fill(line.count);
    await group.getByLabel('Quantity', { exact: true }).fill(line.quantity);
    await group.getByLabel('Unit cost', { exact: true }).selectOption({ label: line.unitCost });
  }

  async lineCount(): Promise<number> {
    return this.page.locator('fieldset.lantern-cost-line').count();
  }

  async addLine(): Promise<AnalysisFormPage> {
    await this.press('Add another line');
    return this.arrive(/cost-benefit analysis|Change the analysis/);
  }

  async save(): Promise<void> {
    await this.press('Save analysis');
  }
}

export class AnalysisPage extends LanternPage {
  async headline(): Promise<string> {
    return (await this.page.locator('#headline').innerText()).trim();
  }

  /** Each counterfactual line's sum ("10 children x £856 per week x 52 weeks = £445,120"). */
  async lineSums(): Promise<string[]> {
    return this.page.locator('#counterfactual .lantern-sum').allInnerTexts();
  }

  /** The result steps: label, amount, the sum. */
  async steps(): Promise<string[][]> {
    return rows(this.page.locator('#result'));
  }
}

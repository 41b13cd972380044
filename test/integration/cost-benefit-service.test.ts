import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser } from '../support/factories.ts';
import { costsService, staleAnalysisMessage, staleDeflatorMessage } from '../../src/modules/costs/service.ts';
import { seedCostBenefitDemo } from '../../src/modules/costs/demo.ts';
import { familiesPlusExample } from '../../src/domain/costs/cost-benefit.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../src/domain/errors.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { analysisPdf } from '../../src/modules/costs/pdf.ts';
import { testClock } from '../support/clock.ts';

/** The text PDFKit wrote (hex strings in uncompressed content streams), in order. */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/<([0-9a-f]+)>/g)].map((m) => Buffer.from(m[1], 'hex').toString('latin1')).join('');
}

/** The Families Plus inputs as a form or API client sends them. */
const familiesPlusInput = (over: Record<string, unknown> = {}) => ({
  name: 'Families Plus test', cohort: '20 families', period: 'a year', families: '20', children: '22', priceYear: '2009/10', deliveryCost: '114,000',
  deliveryCostNote: '', deadweightPercent: '', optimismBiasBenefitsPercent: '', optimismBiasCostsPercent: '', notes: '',
  lines: familiesPlusExample.lines.map((l) => ({ description: l.description, count: String(l.count), countOf: l.countOf, unitCostKey: l.unitCostKey, quantity: String(l.quantityHundredths / 100) })),
  ...over,
});

describe.each(engines)('cost-benefit analyses and the deflator on %s', (engine) => {
  let t: TestDatabase;
  let costs: ReturnType<typeof costsService>;
  let analyst: Actor;
  let admin: Actor;
  let manager: Actor;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: csc });
    admin = await makeUser(t.db, { role: 'administrator', agencyId: csc });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId });
    costs = costsService(t.db, { clock: testClock() });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('builds the Families Plus analysis: £502,080 against £114,000, and anyone signed in may read it', async () => {
    const { id } = await costs.createAnalysis(analyst, familiesPlusInput());
    const view = await costs.analysis(manager, id);
    expect(view.problem).toBeNull();
    expect(view.result?.grossAvoidedPence).toBe(50_208_000);
    expect(view.result?.deliveryCostPence).toBe(11_400_000);
    expect(view.result?.netSavingPence).toBe(38_808_000);
    expect(view.result?.savingPerFamilyPence).toBe(1_940_400);
    expect(view.result?.returnPerPoundPence).toBe(440);
    expect(view.lines.map((l) => `${l.unitCostKey} ${l.amountPence} ${l.priceYear}`)).toEqual([
      'residential_care_week 85600 2009/10', 'kinship_care_unfunded_week 6300 2009/10', 'kinship_care_funded_week 16400 2009/10', 'residential_care_week 85600 2009/10',
    ]);
    const audit = await t.db.query<{ action: string; user_id: string }>("SELECT action, user_id FROM audit_event WHERE record_id = $1", [id]);
    expect(audit).toEqual([{ action: 'cost-benefit-add', user_id: analyst.id }]);
    const pdf = pdfText(await analysisPdf(view, { generatedOn: '2026-11-25', generatedBy: 'Sam Whitfield' }, { compress: false }));
    expect(pdf).toContain('10 children x £856 per week x 52 weeks = £445,120');
    expect(pdf).toContain('£445,120 + £26,208 + £17,056 + £13,696 = £502,080');
    expect(pdf).toContain('£502,080 ÷ £114,000 = £4.40 avoided for every £1 spent');
  });

  it('seeds the demo analysis once, with the same figures', async () => {
    await t.db.transaction((tx) => seedCostBenefitDemo(tx));
    await t.db.transaction((tx) => seedCostBenefitDemo(tx));
    const { analyses } = await costs.analyses(manager);
    const demo = analyses.filter((a) => a.name === familiesPlusExample.name);
    expect(demo).toHaveLength(1);
    expect((await costs.analysis(manager, demo[0].id)).result?.steps.find((s) => s.key === 'gross')?.sum).toBe('£445,120 + £26,208 + £17,056 + £13,696 = £502,080');
  });

  it('refuses a manager and a practitioner-level role, and gives field errors for each bad line', async () => {
    await expect(costs.createAnalysis(manager, familiesPlusInput({ name: 'x' })))
      .rejects.toThrow(new ForbiddenError('Only analysts and administrators can build or change cost-benefit analyses'));
    const error = await costs.createAnalysis(analyst, familiesPlusInput({
      name: '', families: '0', deliveryCost: 'lots', deadweightPercent: '120',
      lines: [{ description: '', count: 'ten', countOf: 'children', unitCostKey: 'no_such_cost', quantity: '52' }],
    })).catch((e: unknown) => e) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors).toEqual({
      name: 'Enter a name for the analysis',
      families: 'The number of families must be between 1 and 1,000,000',
      deliveryCost: 'The delivery cost must be an amount in pounds, like 856 or 1,053.50',
      deadweightPercent: 'Deadweight must be between 0 and 100',
      'lines.0.description': 'Enter what would have happened',
      'lines.0.count': 'How many must be a whole number',
    });
    const unknown = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Unknown cost', lines: [{ description: 'x', count: '1', countOf: 'children', unitCostKey: 'no_such_cost', quantity: '1' }] }))
      .catch((e: unknown) => e) as ValidationError;
    expect(unknown.fieldErrors).toEqual({ 'lines.0.unitCostKey': 'Select a unit cost from the list' });
    // A line's unknown unit cost is reported with the other fields' and lines' problems, in one round (issue 15 item 11).
    const together = await costs.createAnalysis(analyst, familiesPlusInput({ name: '', families: '0', lines: [
      { description: 'x', count: '1', countOf: 'children', unitCostKey: 'no_such_cost', quantity: '1' },
      { description: '', count: '1', countOf: 'children', unitCostKey: 'residential_care_week', quantity: '1' },
    ] })).catch((e: unknown) => e) as ValidationError;
    expect(together.fieldErrors).toEqual({
      name: 'Enter a name for the analysis', families: 'The number of families must be between 1 and 1,000,000',
      'lines.0.unitCostKey': 'Select a unit cost from the list', 'lines.1.description': 'Enter what would have happened',
    });
    const empty = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Empty', lines: [] })).catch((e: unknown) => e) as ValidationError;
    expect(empty.fieldErrors).toEqual({ lines: 'Add at least one line: what would have happened without the service' });
  });

  it('builds the delivery cost from a unit cost x a count, and shows the saving per child (Option 2, £2,194 a child)', async () => {
    const option2 = { name: 'Option 2 delivery', priceYear: '2010/11', families: '4', children: '10', deliveryCost: undefined,
      lines: [{ description: 'Two placements a child avoided', count: '10', countOf: 'children', unitCostKey: 'option2_per_child', quantity: '2' }],
      deliveryLine: { unitCostKey: 'option2_per_child', count: '10', countOf: 'children', quantity: '1' } };
    const { id } = await costs.createAnalysis(analyst, familiesPlusInput(option2));
    const view = await costs.analysis(analyst, id);
    expect(view.deliveryLine).toMatchObject({ unitCostKey: 'option2_per_child', count: 10, amountPence: 219_400 });
    expect(view.result).toMatchObject({ deliveryCostPence: 2_194_000, netSavingPence: 2_194_000, savingPerChildPence: 219_400, savingPerFamilyPence: 548_500 });
    expect(view.result!.steps.find((s) => s.key === 'delivery')!.sum).toBe('10 children x £2,194 per child x 1 time = £21,940');
    const neither = await costs.createAnalysis(analyst, familiesPlusInput({ ...option2, name: 'No delivery cost', deliveryLine: null })).catch((e: unknown) => e) as ValidationError;
    expect(neither.fieldErrors).toEqual({ deliveryCost: 'Enter the delivery cost, or build it from a unit cost' });
    await costs.deleteAnalysis(analyst, id);
  });

  it('refuses a line whose price year cannot be brought to the report’s, naming the year to add', async () => {
    const error = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Needs deflator', priceYear: '2013/14', lines: [{ description: 'Foster care', count: '1', countOf: 'children', unitCostKey: 'residential_care_week', quantity: '1' }] }))
      .catch((e: unknown) => e) as ValidationError;
    expect(error.fieldErrors).toEqual({
      'lines.0.unitCostKey': 'Residential care for a child (Northumberland County Council) is priced in 2009/10. There is no deflator index for 2009/10, so costs cannot be moved to or from 2009/10 prices. Add the index for 2009/10 on the deflator page.',
    });
  });

  it('loads a deflator series, refuses a stale load, and shows an analysis in another price year with the sums', async () => {
    const empty = await costs.deflator(manager);
    expect(empty.years).toEqual([]);
    await expect(costs.saveDeflator(manager, { source: 'x', years: [], version: empty.version })).rejects.toBeInstanceOf(ForbiddenError);
    const saved = await costs.saveDeflator(admin, {
      source: 'Test series', version: empty.version,
      years: [{ financialYear: '2024-25', index: '123' }, { financialYear: '2009/10', index: '80.000' }],
    });
    expect(saved.years.map((y) => [y.financialYear, y.indexThousandths])).toEqual([['2009/10', 80_000], ['2024/25', 123_000]]);
    await expect(costs.saveDeflator(analyst, { source: 'Other', version: empty.version, years: [] })).rejects.toThrow(new ConflictError(staleDeflatorMessage));
    const bad = await costs.saveDeflator(analyst, { source: '', version: saved.version, years: [{ financialYear: '2024/26', index: '0' }, { financialYear: '2009/10', index: '1' }] })
      .catch((e: unknown) => e) as ValidationError;
    expect(bad.fieldErrors).toEqual({
      source: 'Enter where the index comes from',
      'years.0.financialYear': 'Enter the year as a financial year, like 2013/14',
      'years.0.index': 'The index must be between 0.001 and 100,000',
    });
    const twice = await costs.saveDeflator(analyst, { source: 's', version: saved.version, years: [{ financialYear: '2009/10', index: '1' }, { financialYear: '2009-10', index: '2' }] })
      .catch((e: unknown) => e) as ValidationError;
    expect(twice.fieldErrors).toEqual({ 'years.1.financialYear': '2009/10 is in the series twice' });

    const { id } = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Families Plus in 2024/25 prices', priceYear: '2024/25', deliveryCost: '200000' }));
    const view = await costs.analysis(manager, id);
    expect(view.result?.lines[0].deflationSum).toBe('£856 (2009/10) x 1.5375 = £1,316.10 (2024/25)');
    expect(view.deflatorUsed.map((y) => y.financialYear)).toEqual(['2009/10', '2024/25']);
    const back = await costs.analysis(manager, id, { priceYear: '2009-10' });
    expect(back.shownPriceYear).toBe('2009/10');
    expect(back.result?.steps.find((s) => s.key === 'delivery')?.sum).toBe('£200,000 (2024/25) x 0.6504 = £130,080 (2009/10): entered in 2024/25 prices');
    const noIndex = await costs.analysis(manager, id, { priceYear: '2015/16' });
    expect(noIndex.result).toBeNull();
    expect(noIndex.problem).toContain('There is no deflator index for 2015/16');
  });

  it('keeps the unit cost a saved analysis used, flags a change in the table, and picks it up when saved again', async () => {
    const { id } = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Snapshot' }));
    const cost = (await costs.get('kinship_care_unfunded_week'))!;
    await costs.updateUnitCost(admin, cost.id, { label: cost.label, amount: '70', unit: 'week', priceYear: '2009/10', source: cost.source, version: cost.version });
    const view = await costs.analysis(manager, id);
    expect(view.result?.grossAvoidedPence).toBe(50_208_000);
    expect(view.changedCosts).toEqual([{ position: 2, key: 'kinship_care_unfunded_week', label: cost.label, then: { amountPence: 6_300, priceYear: '2009/10' }, now: { amountPence: 7_000, priceYear: '2009/10' } }]);
    await costs.updateAnalysis(analyst, id, familiesPlusInput({ name: 'Snapshot', version: view.analysis.version }));
    const after = await costs.analysis(manager, id);
    expect(after.changedCosts).toEqual([]);
    expect(after.result?.grossAvoidedPence).toBe(50_208_000 + 8 * 700 * 52);
  });

  it('refuses a stale save of an analysis and a name already used', async () => {
    const { id } = await costs.createAnalysis(analyst, familiesPlusInput({ name: 'Locked' }));
    const read = await costs.analysis(analyst, id);
    await costs.updateAnalysis(admin, id, familiesPlusInput({ name: 'Locked', deadweightPercent: '20', version: read.analysis.version }));
    await expect(costs.updateAnalysis(analyst, id, familiesPlusInput({ name: 'Locked', version: read.analysis.version }))).rejects.toThrow(new ConflictError(staleAnalysisMessage));
    expect((await costs.analysis(analyst, id)).analysis.deadweightTenths).toBe(200);
    await expect(costs.createAnalysis(analyst, familiesPlusInput({ name: 'locked' }))).rejects.toMatchObject({ fieldErrors: { name: 'There is already an analysis called locked' } });
  });
});

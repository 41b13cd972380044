import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser } from '../support/factories.ts';
import { startLantern, type Lantern } from '../support/browser.ts';
import { AnalysisPage, UnitCostsPage } from '../support/costs-pages.ts';

/** Changing a unit cost and building an analysis with it, in Chromium, with axe on every page. */
describe('unit costs and a cost-benefit analysis, in a real browser', () => {
  let lantern: Lantern;
  let analyst: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    lantern = await startLantern();
    analyst = await makeUser(lantern.db, { role: 'analyst', agencyId: lantern.partnership.agencies.childrens_social_care, name: 'Sam Whitfield', email: 'sam.whitfield@test.example' });
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('edits a unit cost (with the error summary on a mistake) and builds the Families Plus analysis from it', async () => {
    const home = await lantern.signedIn(analyst);
    const costs = await UnitCostsPage.open(home.page);
    expect(await costs.row('kinship_care_funded_week')).toEqual([
      'Kinship care, funded (Northumberland County Council) kinship_care_funded_week', '£164', 'per week', '2009/10', expect.stringContaining('Northumberland County Council costs'),
    ]);

    const form = await costs.change('Kinship care, funded (Northumberland County Council)');
    await form.save({ amount: '16 4', priceYear: '2009/10' });
    await form.arrive('Change a unit cost');
    expect(await form.title()).toMatch(/^Error: /);
    expect(await form.errorSummaryTitle()).toBe('There is a problem');
    expect(await form.followErrorLink('The amount must be an amount in pounds, like 856 or 1,053.50')).toBe('amount');
    await form.save({ amount: '164.00', source: 'Northumberland County Council costs (checked with finance, 2010)' });
    const saved = await new UnitCostsPage(form.page).arrive('Unit costs');
    expect(await saved.successBanner()).toBe('Unit cost saved');
    expect((await saved.row('kinship_care_funded_week'))[4]).toContain('checked with finance, 2010');

    const analyses = await saved.toAnalyses();
    const build = await analyses.newAnalysis();
    expect(await build.lineCount()).toBe(3);
    await build.fillDetails({ name: 'Families Plus 2009/10 sample', families: '20', priceYear: '2009/10', deliveryCost: '114,000' });
    await build.fillLine(1, { description: 'Residential care', count: '10', unitCost: 'Residential care for a child (Northumberland County Council): £856 per week (2009/10)', quantity: '52' });
    await build.fillLine(2, { description: 'Non-funded kinship care', count: '8', unitCost: 'Kinship care, not funded (Northumberland County Council): £63 per week (2009/10)', quantity: '52' });
    await build.fillLine(3, { description: 'Funded kinship care', count: '2', unitCost: 'Kinship care, funded (Northumberland County Council): £164 per week (2009/10)', quantity: '52' });
    const more = await build.addLine();
    expect(await more.lineCount()).toBe(4);
    await more.fillLine(4, { description: 'Earlier return from residential care', count: '2', unitCost: 'Residential care for a child (Northumberland County Council): £856 per week (2009/10)', quantity: '8' });
    await more.save();

    const result = await new AnalysisPage(more.page).arrive('Families Plus 2009/10 sample');
    expect(await result.successBanner()).toBe('Analysis saved');
    expect(await result.headline()).toBe('£502,080 of cost avoided against a delivery cost of £114,000: a net saving of £388,080 (£19,404 a family), £4.40 for every £1 spent. In 2009/10 prices.');
    expect(await result.lineSums()).toEqual([
      '10 children x £856 per week x 52 weeks = £445,120',
      '8 children x £63 per week x 52 weeks = £26,208',
      '2 children x £164 per week x 52 weeks = £17,056',
      '2 children x £856 per week x 8 weeks = £13,696',
    ]);
    expect((await result.steps())[0]).toEqual(['Cost avoided (the counterfactual)', '£502,080', '£445,120 + £26,208 + £17,056 + £13,696 = £502,080']);
  }, 180_000);
});

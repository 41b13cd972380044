import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { parseCsv } from '../../src/domain/needs-analysis/csv.ts';
import { seedCostBenefitDemo } from '../../src/modules/costs/demo.ts';
import { familiesPlusExample } from '../../src/domain/costs/cost-benefit.ts';
import { testClock } from '../support/clock.ts';

/** The page text with the HTML escapes nunjucks adds undone, to compare with plain sums. */
const unescape = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe.each(engines)('costs and cost-benefit over HTTP on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let analyst: PageClient;
  let worker: PageClient;
  let analystToken: string;
  let practitionerToken: string;
  let fosterId: string;

  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    const kw = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, email: 'kw@test.example' });
    await makeUser(t.db, { role: 'analyst', agencyId: csc, email: 'analyst@test.example' });
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    analystToken = await s.access.createApiToken('analyst@test.example', 'test');
    practitionerToken = await s.access.createApiToken(kw.email, 'test');
    fosterId = (await s.costs.get('foster_care_week'))!.id;
    await t.db.transaction((tx) => seedCostBenefitDemo(tx));
    app = await testApp(t.db);
    analyst = new PageClient(app);
    await analyst.signIn('analyst@test.example', testPassword);
    worker = new PageClient(app);
    await worker.signIn(kw.email, testPassword);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('lets everyone signed in read the unit costs, with amount, unit, price year and source, and only editors change them', async () => {
    const page = await worker.get('/costs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Residential care for a child \(Northumberland County Council\)[\s\S]*?£856<\/td>[\s\S]*?per week<\/td>[\s\S]*?2009\/10<\/td>/);
    expect(page.body).not.toContain('Add a unit cost');
    expect((await worker.get(`/costs/${fosterId}/edit`)).statusCode).toBe(403);
    expect((await worker.post(`/costs/${fosterId}/edit`, { label: 'x' })).statusCode).toBe(403);
    expect((await worker.get('/cost-benefit/new')).statusCode).toBe(403);
    const refused = await api('PUT', `/api/v1/unit-costs/${fosterId}`, practitionerToken, { label: 'x', amount: 1, unit: 'week', priceYear: '2013/14', source: 's', version: 1 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe('Your role cannot do this');
    expect((await analyst.get('/costs')).body).toContain('Add a unit cost');
  });

  it('shows field errors with the GOV.UK error summary and keeps what was typed', async () => {
    const form = await analyst.get(`/costs/${fosterId}/edit`);
    expect(form.statusCode).toBe(200);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const sent = await analyst.post(`/costs/${fosterId}/edit`, { label: 'Foster care, council provision', amount: '7OO', unit: 'week', priceYear: '2013/15', source: 'GMCA', notes: '', version });
    expect(sent.statusCode).toBe(303);
    const again = await analyst.get(sent.headers.location as string);
    expect(again.body).toContain('<title>Error: Change a unit cost: Foster care, council provision – Lantern</title>');
    expect(again.body).toContain('There is a problem');
    expect(again.body).toMatch(/<a href="#amount">The amount must be an amount in pounds, like 856 or 1,053.50<\/a>/);
    expect(again.body).toMatch(/<a href="#priceYear">Enter the price year as a financial year, like 2013\/14<\/a>/);
    expect(again.body).toContain('value="7OO"');
  });

  it('saves a change, and refuses a stale one with a clear message showing the figures saved now', async () => {
    const first = await analyst.get(`/costs/${fosterId}/edit`);
    const version = /name="version" value="(\d+)"/.exec(first.body)![1];
    const other = new PageClient(app);
    await other.signIn('analyst@test.example', testPassword);
    await other.get(`/costs/${fosterId}/edit`);
    const saved = await other.post(`/costs/${fosterId}/edit`, { label: 'Foster care, council provision', amount: '750', unit: 'week', priceYear: '2014/15', source: 'GMCA v2.0', notes: '', version });
    expect(saved.headers.location).toBe('/costs?saved=unitCost');
    expect((await other.get('/costs?saved=unitCost')).body).toContain('Unit cost saved');
    const stale = await analyst.post(`/costs/${fosterId}/edit`, { label: 'Foster care, council provision', amount: '800', unit: 'week', priceYear: '2015/16', source: 'Mine', notes: '', version });
    expect(stale.statusCode).toBe(303);
    const back = await analyst.get(stale.headers.location as string);
    expect(unescape(back.body)).toContain('Someone else changed this unit cost after you opened it. Your changes have not been saved');
    expect(back.body).toContain('value="750"');
    expect(back.body).toContain('value="2014/15"');
    const api409 = await api('PUT', `/api/v1/unit-costs/${fosterId}`, analystToken, { label: 'x', amount: 1, unit: 'week', priceYear: '2013/14', source: 's', version: Number(version) });
    expect(api409.statusCode).toBe(409);
  });

  it('adds a unit cost on the page and downloads the table as CSV', async () => {
    await analyst.get('/costs/new');
    const added = await analyst.post('/costs/new', { key: 'youth_worker_session', label: '=Youth worker session', amount: '45', unit: 'event', priceYear: '2024/25', source: 'Council pay scales', notes: '' });
    expect(added.headers.location).toBe('/costs?saved=added');
    const csv = await analyst.get('/costs/unit-costs.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(csv.body);
    expect(rows[0].fields).toEqual(['key', 'label', 'amount_gbp', 'unit', 'price_year', 'source', 'notes', 'version']);
    expect(rows.find((r) => r.fields[0] === 'residential_care_week')?.fields.slice(2, 5)).toEqual(['856', 'per week', '2009/10']);
    expect(rows.find((r) => r.fields[0] === 'youth_worker_session')?.fields[1]).toBe("'=Youth worker session");
  });

  it('answers the API with 400 and field errors, 404 for an unknown id', async () => {
    const bad = await api('POST', '/api/v1/unit-costs', analystToken, { key: 'x y', label: '', amount: -5, unit: 'fortnight', priceYear: '2013', source: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toMatchObject({ key: expect.stringContaining('lower-case'), label: 'Enter what the cost is of', unit: 'Select what the amount is per', source: 'Enter where the figure comes from' });
    expect((await api('GET', '/api/v1/unit-costs/00000000-0000-4000-8000-000000000000', practitionerToken)).statusCode).toBe(404);
    const list = await api('GET', '/api/v1/unit-costs', practitionerToken);
    expect(list.json().unitCosts.find((c: { key: string }) => c.key === 'prison_place_year')).toMatchObject({ amountPence: 3_378_500, unit: 'year', priceYear: '2013/14' });
  });

  it('shows the seeded Families Plus analysis: £502,080 against £114,000, with the sums, as CSV and PDF too', async () => {
    const list = await worker.get('/cost-benefit');
    const href = new RegExp(`href="(/cost-benefit/[0-9a-f-]{36})">${familiesPlusExample.name.replace(/[()]/g, '\\$&')}<`).exec(list.body)![1];
    const page = await worker.get(href);
    expect(page.statusCode).toBe(200);
    const body = unescape(page.body);
    expect(body).toContain('£502,080 of cost avoided against a delivery cost of £114,000: a net saving of £388,080 (£19,404 a family, £17,640 a child), £4.40 for every £1 spent.');
    for (const sum of ['10 children x £856 per week x 52 weeks = £445,120', '8 children x £63 per week x 52 weeks = £26,208', '2 children x £164 per week x 52 weeks = £17,056',
      '2 children x £856 per week x 8 weeks = £13,696', '£445,120 + £26,208 + £17,056 + £13,696 = £502,080', '£502,080 - £114,000 = £388,080']) {
      expect(body).toContain(sum);
    }
    const csv = parseCsv((await worker.get(`${href}/analysis.csv`)).body);
    expect(csv.filter((r) => r.fields[0] === 'counterfactual').map((r) => r.fields[15])).toEqual(['445120', '26208', '17056', '13696']);
    expect(csv.find((r) => r.fields[2] === 'Net saving')?.fields[15]).toBe('388080');
    const pdf = await worker.get(`${href}/analysis.pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('builds an analysis on the page with "Add another line", reporting line errors against their row', async () => {
    const form = await analyst.get('/cost-benefit/new');
    expect(form.body).toContain('name="line-2-description"');
    const fields = {
      name: 'Option 2 pilot', cohort: '', period: '2014/15', families: '5', children: '', priceYear: '2009/10', deliveryCost: '10,970', deliveryCostNote: '',
      deadweightPercent: '20', optimismBiasBenefitsPercent: '', optimismBiasCostsPercent: '', notes: '', version: '', lineCount: '3',
      'line-0-description': 'Residential care avoided', 'line-0-count': '2', 'line-0-countOf': 'children', 'line-0-unitCostKey': 'residential_care_week', 'line-0-quantity': '10',
      'line-1-description': '', 'line-1-count': '', 'line-1-countOf': 'children', 'line-1-unitCostKey': '', 'line-1-quantity': '',
      'line-2-description': 'Kinship care', 'line-2-count': 'two', 'line-2-countOf': 'children', 'line-2-unitCostKey': 'kinship_care_funded_week', 'line-2-quantity': '4',
    };
    const more = await analyst.post('/cost-benefit/new', { ...fields, action: 'add-line' });
    const four = await analyst.get(more.headers.location as string);
    expect(four.body).toContain('name="line-3-description"');
    expect(four.body).toContain('value="Residential care avoided"');
    expect(four.body).not.toContain('There is a problem');
    const bad = await analyst.post('/cost-benefit/new', { ...fields, lineCount: '4', action: 'save' });
    const errors = await analyst.get(bad.headers.location as string);
    expect(errors.body).toMatch(/<a href="#line-2-count">How many must be a whole number<\/a>/);
    const ok = await analyst.post('/cost-benefit/new', { ...fields, 'line-2-count': '2', lineCount: '4', action: 'save' });
    expect(ok.headers.location).toMatch(/^\/cost-benefit\/[0-9a-f-]{36}\?saved=analysis$/);
    const result = unescape((await analyst.get(ok.headers.location as string)).body);
    expect(result).toContain('2 children x £856 per week x 10 weeks = £17,120');
    expect(result).toContain('2 children x £164 per week x 4 weeks = £1,312');
    expect(result).toContain('£18,432 x 20% = £3,686.40');
    expect(result).toContain('Less deadweight (20% would have been avoided anyway)');
  });

  it('loads the deflator on the page, and an editor sees line messages for a bad series', async () => {
    const page = await analyst.get('/costs/deflator');
    expect(page.body).toContain('No index has been entered yet');
    const version = /name="version" value="([0-9a-f]+)"/.exec(page.body)![1];
    const bad = await analyst.post('/costs/deflator', { series: '2009/10, 80\n\n2024-25, lots', source: 'Test', version });
    const shown = await analyst.get(bad.headers.location as string);
    expect(shown.body).toMatch(/<a href="#series">Line 3: The index must be a number with up to 3 decimal places<\/a>/);
    const saved = await analyst.post('/costs/deflator', { series: '2009/10, 80\n2024-25\t123', source: 'Test series', version });
    expect(saved.headers.location).toBe('/costs/deflator?saved=deflator');
    const table = await worker.get('/costs/deflator');
    expect(table.body).toMatch(/2024\/25<\/td><td class="govuk-table__cell govuk-table__cell--numeric">123<\/td>/);
    expect(table.body).not.toContain('Save the series');
    const api = await app.inject({ url: '/api/v1/deflator', headers: { authorization: `Bearer ${practitionerToken}` } });
    expect(api.json().years).toHaveLength(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { parseCsv } from '../../src/domain/needs-analysis/csv.ts';
import { testClock } from '../support/clock.ts';

describe.each(engines)('needs analysis over HTTP on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let analyst: PageClient;
  let practitionerEmail: string;
  let analystToken: string;
  let practitionerToken: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    const worker = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, email: 'kw@test.example' });
    await makeUser(t.db, { role: 'analyst', agencyId: csc, email: 'analyst@test.example' });
    practitionerEmail = worker.email;
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    await s.families.createFamily(worker, { family: aFamily({ districtId: p.districtId }), members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', dateOfBirth: '2016-08-09' })] });
    analystToken = await s.access.createApiToken('analyst@test.example', 'test');
    practitionerToken = await s.access.createApiToken(worker.email, 'test');
    app = await testApp(t.db);
    analyst = new PageClient(app);
    await analyst.signIn('analyst@test.example', testPassword);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('shows the nav link to analysts and refuses the pages to a practitioner with 403', async () => {
    const home = await analyst.get('/my-families');
    expect(home.body).toContain('href="/needs-analysis"');
    // Analysts open no family records: their home says where their work is, not "no families yet".
    expect(home.body).toMatch(/<p class="govuk-body" id="role-start">Analysts work with the partnership’s figures rather than family records/);
    expect(home.body).toContain('<a class="govuk-link" href="/identification">Identification</a>');
    const worker = new PageClient(app);
    await worker.signIn(practitionerEmail, testPassword);
    expect(worker.csrf).not.toBe('');
    const page = await worker.get('/needs-analysis');
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain('Hidden harm estimates');
    expect((await worker.get('/needs-analysis/overlap')).statusCode).toBe(403);
    expect((await worker.get('/needs-analysis/estimates.csv')).statusCode).toBe(403);
    expect((await worker.post('/needs-analysis/populations/essex', {})).statusCode).toBe(403);
    const api = await app.inject({ url: '/api/v1/needs-analysis/overlap', headers: { authorization: `Bearer ${practitionerToken}` } });
    expect(api.statusCode).toBe(403);
  });

  it('loads the Essex example and shows the Essex table', async () => {
    const empty = await analyst.get('/needs-analysis');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('Load the Essex example');
    const loaded = await analyst.post('/needs-analysis/populations/essex', {});
    expect(loaded.statusCode).toBe(303);
    const page = await analyst.get(loaded.headers.location as string);
    expect(page.statusCode).toBe(200);
    for (const figure of ['7,300', '57,902', '46,636', '2,620', '26,200', '732', '3,200', '262,000 children', '16,264 births', '160,000 families']) {
      expect(page.body).toContain(`>${figure}<`);
    }
    expect(page.body).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-estimates-title" aria-describedby="chart-estimates-desc"/);
    expect(page.body).toContain('<caption class="govuk-table__caption govuk-table__caption--m">Prevalence estimates of hidden harm: Essex (Hidden Harm report, 2010)</caption>');
  });

  it('downloads every table as CSV, safe from spreadsheet formulas', async () => {
    const sets = await t.db.query<{ id: string }>("SELECT id FROM population_set WHERE name LIKE 'Essex%'");
    const csv = await analyst.get(`/needs-analysis/estimates.csv?populationSetId=${sets[0].id}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="prevalence-estimates.csv"');
    const rows = parseCsv(csv.body);
    expect(rows[0].fields.slice(0, 6)).toEqual(['Parental vulnerability', 'Prevalence (national rate)', 'Applied to', 'Estimated number', 'Known to services', 'Gap (hidden harm)']);
    expect(rows.slice(1).map((r) => r.fields[3])).toEqual(['7300', '57902', '46636', '2620', '26200', '732', '3200']);

    // An area named like a formula comes out defused (in a population of the analyst's own: the Essex example stays as it is).
    const created = await analyst.post('/needs-analysis/populations', { name: 'Formula test', source: '', covers: 'area' });
    const ownId = (created.headers.location as string).split('/').pop()!;
    const imported = await analyst.upload(`/needs-analysis/populations/${ownId}/import`, {}, {
      name: 'csvFile', filename: 'essex.csv', text: 'district,age_band,children,births,families,people\r\n"=HYPERLINK(""http://evil.example"",""x"")",0-15,262000,16264,160000,1300000\r\n',
    });
    expect(imported.statusCode).toBe(303);
    expect(imported.headers.location).toBe(`/needs-analysis/populations/${ownId}?saved=imported`);
    const districts = await analyst.get(`/needs-analysis/districts.csv?populationSetId=${ownId}`);
    expect(districts.body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")",Children of dependent drug misusing parents,children,262000,7300`);
    for (const url of ['/needs-analysis/overlap/numbers.csv', '/needs-analysis/overlap/combinations.csv', '/needs-analysis/areas.csv', `/needs-analysis/age-bands.csv?populationSetId=${sets[0].id}`, `/needs-analysis/populations/${sets[0].id}/population.csv`]) {
      const response = await analyst.get(url);
      expect({ url, status: response.statusCode, type: response.headers['content-type'] }).toEqual({ url, status: 200, type: 'text/csv; charset=utf-8' });
    }
  });

  it('imports a CSV file all or nothing, listing each bad row in the error summary', async () => {
    const unnamed = await analyst.post('/needs-analysis/populations', { name: '', source: 'ONS', covers: 'districts' });
    expect(unnamed.headers.location).toBe('/needs-analysis/populations/new');
    const form = await analyst.get('/needs-analysis/populations/new');
    expect(form.body).toContain('<a href="#name">Enter a name for the population, for example Northvale districts, mid-2024</a>');
    const created = await analyst.post('/needs-analysis/populations', { name: 'Riverside figures', source: 'ONS', covers: 'districts' });
    expect(created.statusCode).toBe(303);
    const url = created.headers.location as string;
    await analyst.get(url);
    const good = await analyst.upload(`${url}/import`, {}, { name: 'csvFile', filename: 'p.csv', text: 'district,age_band,children,births,families,people\nRiverside,0-15,4000,150,3000,30000\n' });
    expect(good.statusCode).toBe(303);
    const bad = await analyst.upload(`${url}/import`, {}, {
      name: 'csvFile', filename: 'p.csv', text: 'district,age_band,children,births,families,people\nRiverside,0-4,1000,150,3000,30000\nRiverside,5-15,abc,0,0,0\n',
    });
    expect(bad.statusCode).toBe(303);
    expect(bad.headers.location).toBe(url);
    const page = await analyst.get(url);
    expect(page.body).toContain('There is a problem');
    expect(page.body).toContain('<a href="#csvFile">row 3: children &#39;abc&#39; is not a whole number</a>');
    // Nothing changed: the good import's single row is still there.
    expect(page.body).toContain('value="4000"');
    expect(page.body).not.toContain('value="1000"');
  });

  it('answers a broken upload form with 400 and a plain message, never a server error', async () => {
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=xyz']) {
      const response = await app.inject({ method: 'POST', url: '/needs-analysis/counts/new', payload: 'not a form', headers: { 'content-type': contentType, cookie: analyst.cookie } });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('The form could not be read');
    }
  });

  it('saves the figures typed into the table and lists problems by row', async () => {
    const set = (await t.db.query<{ id: string }>("SELECT id FROM population_set WHERE by_district"))[0];
    const url = `/needs-analysis/populations/${set.id}`;
    await analyst.get(url);
    const bad = await analyst.post(url, { rowCount: '1', 'p1-district': 'Riverside', 'p1-age_band': '0-15', 'p1-children': 'lots', 'p1-births': '', 'p1-families': '', 'p1-people': '' });
    expect(bad.headers.location).toBe(url);
    const page = await analyst.get(url);
    expect(page.body).toContain('<a href="#p1-children">row 1: children &#39;lots&#39; is not a whole number</a>');
    expect(page.body).toContain('value="lots"');
    const saved = await analyst.post(url, { rowCount: '1', 'p1-district': 'Riverside', 'p1-age_band': '0-15', 'p1-children': '5,000', 'p1-births': '200', 'p1-families': '3000', 'p1-people': '30000', 'p2-district': 'Riverside', 'p2-age_band': '16-17', 'p2-children': '900' });
    expect(saved.headers.location).toBe(`${url}?saved=figures`);
    const rows = await t.db.query<{ age_band: string; children: number }>('SELECT age_band, children FROM population WHERE population_set_id = $1 ORDER BY position', [set.id]);
    expect(rows).toEqual([{ age_band: '0-15', children: 5000 }, { age_band: '16-17', children: 900 }]);
  });

  it('shows the overlap, area comparison, rates and audits pages', async () => {
    for (const [url, heading] of [
      ['/needs-analysis/overlap', 'Overlap of parental vulnerabilities'], ['/needs-analysis/areas', 'Area comparison'],
      ['/needs-analysis/rates', 'Prevalence rates'], ['/needs-analysis/audits', 'Case-file audits'], ['/needs-analysis/populations', 'Populations'],
      ['/needs-analysis/counts/new', 'Add counts by district'], ['/needs-analysis/audits/new', 'Audit a random sample of case files'],
      ['/needs-analysis/audits/record', 'Record the results of a case-file audit'],
    ]) {
      const page = await analyst.get(url);
      expect({ url, status: page.statusCode }).toEqual({ url, status: 200 });
      expect(page.body).toContain(`<h1 class="govuk-heading-l">${heading}</h1>`);
    }
  });

  it('records an audit with an error summary for bad answers, then shows its results and a PDF report', async () => {
    await analyst.get('/needs-analysis/audits/record');
    // A blank count is refused, never taken as 0.
    const blank = await analyst.post('/needs-analysis/audits/record', { name: '', sampleSize: '42', populationLabel: 'children looked after', population: '1,475', 'counts-mental_health': '50' });
    expect(blank.headers.location).toBe('/needs-analysis/audits/record');
    let form = await analyst.get('/needs-analysis/audits/record');
    expect(form.body).toContain('<a href="#name">Enter a name for the audit</a>');
    expect(form.body).toContain('<a href="#counts-offending">Enter the number of files showing offending</a>');
    const counts = { 'counts-substance_misuse': '14', 'counts-alcohol_misuse': '6', 'counts-domestic_abuse': '15', 'counts-offending': '11' };
    await analyst.post('/needs-analysis/audits/record', { name: 'Too many', sampleSize: '42', populationLabel: 'children looked after', population: '1,475', 'counts-mental_health': '50', ...counts });
    form = await analyst.get('/needs-analysis/audits/record');
    expect(form.body).toContain('<a href="#counts-mental_health">The number of files cannot be more than the 42 audited</a>');
    // More files than the population holds is refused.
    await analyst.post('/needs-analysis/audits/record', { name: 'Too few', sampleSize: '31', populationLabel: 'children looked after', population: '20', 'counts-mental_health': '5', ...counts });
    form = await analyst.get('/needs-analysis/audits/record');
    expect(form.body).toContain('<a href="#sampleSize">The number of case files audited (31) cannot be more than the whole population (20)</a>');
    const saved = await analyst.post('/needs-analysis/audits/record', {
      name: 'Essex again', sampleSize: '42', populationLabel: 'children looked after', population: '1,475', source: '',
      'counts-mental_health': '12', 'counts-substance_misuse': '14', 'counts-alcohol_misuse': '6', 'counts-domestic_abuse': '15', 'counts-offending': '11',
    });
    expect(saved.statusCode).toBe(303);
    const page = await analyst.get(saved.headers.location as string);
    for (const figure of ['421', '492', '211', '527', '386', '28.6%', '17.2% to 43.6%']) expect(page.body).toContain(`>${figure}<`);
    const auditId = (saved.headers.location as string).split('/').pop();
    const api = await app.inject({ url: `/api/v1/needs-analysis/audits/${auditId}`, headers: { authorization: `Bearer ${analystToken}` } });
    expect(api.json().results.map((r: { indicated: number }) => r.indicated)).toEqual([421, 492, 211, 527, 386]);

    const pdf = await analyst.get(`/needs-analysis/report.pdf?auditId=${auditId}`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(5000);
    const reads = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'needs-analysis-report' AND detail->>'report' = 'pdf-report' AND family_id IS NULL");
    expect(reads[0].n).toBe(1);
  });

  it('answers the API with aggregate figures and replaces populations from CSV', async () => {
    const set = (await t.db.query<{ id: string }>("SELECT id FROM population_set WHERE by_district"))[0];
    const put = await app.inject({ method: 'PUT', url: `/api/v1/needs-analysis/populations/${set.id}`, payload: 'district,age_band,children,births,families,people\nRiverside,0-15,abc,1,1,1\n', headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'text/csv' } });
    expect(put.statusCode).toBe(400);
    expect(put.json().fields).toEqual({ 'row2.children': "row 2: children 'abc' is not a whole number" });
    const ok = await app.inject({ method: 'PUT', url: `/api/v1/needs-analysis/populations/${set.id}`, payload: { csv: 'district,age_band,children,births,families,people\nRiverside,0-15,10000,100,4000,50000\n' }, headers: { authorization: `Bearer ${analystToken}` } });
    expect(ok.json()).toEqual({ rows: 1 });
    const prevalence = await app.inject({ url: `/api/v1/needs-analysis/prevalence?populationSetId=${set.id}`, headers: { authorization: `Bearer ${analystToken}` } });
    expect(prevalence.statusCode).toBe(200);
    expect(prevalence.json().estimates[0]).toMatchObject({ key: 'drug', estimate: 300, known: 0, gap: 300 });
    const bad = await app.inject({ url: '/api/v1/needs-analysis/prevalence?populationSetId=nope', headers: { authorization: `Bearer ${analystToken}` } });
    expect(bad.statusCode).toBe(400);
  });
});

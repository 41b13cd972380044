import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { defaultLevelOfNeedRules } from '../../src/domain/level-of-need.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { testClock } from '../support/clock.ts';
import { PageClient, testApp } from '../support/http.ts';
import { errorSummary, formOf } from '../support/forms.ts';

describe.each(engines)('rules from the web and the API on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let client: PageClient;
  let adminToken: string;
  let workerToken: string;
  let ada: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    adminToken = await s.access.createApiToken(ada.email, 'test');
    workerToken = await s.access.createApiToken(worker.email, 'test');
    app = await testApp(t.db);
    client = new PageClient(app);
    await client.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const call = (method: 'GET' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('reads and replaces the level of need rules through the API, checked as the form checks them', async () => {
    const read = await call('GET', '/api/v1/level-of-need-rules', adminToken);
    expect(read.statusCode).toBe(200);
    const rules = read.json();
    expect(rules).toMatchObject({ name: defaultLevelOfNeedRules.name, levelWithNoNeeds: 1 });
    expect(rules.version).toMatch(/^[0-9a-f]{16}$/);

    const bad = await call('PUT', '/api/v1/level-of-need-rules', adminToken, {
      ...rules, vulnerabilities: [{ ...rules.vulnerabilities[0], factorNumbers: ['99'] }, { label: '', factorNumbers: ['5'] }],
      bands: [{ minimumVulnerabilities: 0, level: 7, explanation: '' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toMatchObject({
      'vulnerabilities.0.factorNumbers': 'No Children in Need factor is numbered 99',
      'vulnerabilities.1.label': 'Enter a name for vulnerability 2',
      'bands.0.minimumVulnerabilities': 'Enter how many vulnerabilities, a whole number from 1 to 10',
      'bands.0.level': 'Select a level from 1 to 4',
      'bands.0.explanation': 'Enter the explanation practitioners see for this level',
    });
    expect((await call('PUT', '/api/v1/level-of-need-rules', adminToken, { ...rules, version: undefined })).json().fields).toEqual({ version: 'Send the version you read (GET gives it)' });

    const changed = { ...rules, name: 'Northvale thresholds 2027', levelWithOtherNeeds: 3 };
    const saved = await call('PUT', '/api/v1/level-of-need-rules', adminToken, changed);
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ name: 'Northvale thresholds 2027', levelWithOtherNeeds: 3 });
    expect(saved.json().version).not.toBe(rules.version);
    // The same change again from the old copy is refused: someone (this caller) saved first.
    const stale = await call('PUT', '/api/v1/level-of-need-rules', adminToken, { ...changed, name: 'Another' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toContain('Someone else changed this set of rules');
    // A stale copy is refused before its answers are checked: reading again comes first.
    expect((await call('PUT', '/api/v1/level-of-need-rules', adminToken, { ...changed, name: '', bands: [] })).statusCode).toBe(409);
    const [event] = await t.db.query<{ user_id: string; detail: { before: { name: string }; after: { name: string } } }>(
      `SELECT user_id, detail FROM audit_event WHERE action = 'update-level-of-need-rules' ORDER BY id DESC LIMIT 1`);
    expect(event).toMatchObject({ user_id: ada.id, detail: { before: { name: defaultLevelOfNeedRules.name }, after: { name: 'Northvale thresholds 2027' } } });
    // The admin form shows what the API saved.
    expect((await client.get('/admin/level-of-need-rules')).body).toContain('value="Northvale thresholds 2027"');
    expect((await call('GET', '/api/v1/level-of-need-rules', workerToken)).statusCode).toBe(403);
    expect((await call('PUT', '/api/v1/level-of-need-rules', workerToken, changed)).statusCode).toBe(403);
  });

  const errorOf = (html: string, id: string) => new RegExp(`<p id="${id}-error" class="govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span>([^<]*)</p>`).exec(html)?.[1].trim();

  it('edits the identification rules as a plain form: errors in words, audited, refused from a stale copy', async () => {
    const page = await client.get('/admin/identification-rules');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('A household is eligible when it has at least this many of those problems');
    const form = formOf(page.body);
    expect(form).toMatchObject({ minimumProblems: '2', requireChildren: 'yes', attendanceBelow: '90', windowDays: '365', notCopingFrom: '2', chaoticFrom: '4' });
    expect(form.problems).toHaveLength(6);

    // Every problem at once, each linked to its field, in the page's order, worded by the API's own schema.
    const bad = await client.post('/admin/identification-rules', {
      ...form, name: ' ', problems: ['school'], minimumProblems: '2', requireChildren: '', attendanceBelow: 'ninety', windowDays: '5', notCopingFrom: '5', chaoticFrom: '3',
    });
    expect(bad.headers.location).toBe('/admin/identification-rules');
    const shown = await client.get('/admin/identification-rules');
    expect(shown.body).toContain('<title>Error: Identification rules');
    expect(shown.body).toContain('There is a problem');
    expect(errorSummary(shown.body)).toEqual([
      { href: '#name', text: 'Enter a name for these rules, like the programme they follow' },
      { href: '#minimumProblems', text: 'A household cannot have more than the 1 problem selected: enter 1 or fewer' },
      { href: '#requireChildren', text: 'Select whether only households with dependent children are eligible' },
      { href: '#attendanceBelow', text: 'Enter the attendance percentage as a number from 0 to 100, like 90' },
      { href: '#windowDays', text: 'Enter how many days back an event still counts, a whole number from 30 to 1,095 (3 years)' },
      { href: '#chaoticFrom', text: 'Chaotic must start at or above not coping (5 problems)' },
    ]);
    expect(errorOf(shown.body, 'minimumProblems')).toBe('A household cannot have more than the 1 problem selected: enter 1 or fewer');
    expect(errorOf(shown.body, 'attendanceBelow')).toBe('Enter the attendance percentage as a number from 0 to 100, like 90');
    expect(errorOf(shown.body, 'chaoticFrom')).toBe('Chaotic must start at or above not coping (5 problems)');
    // What was typed is kept.
    expect(shown.body).toContain('value="ninety"');
    expect(shown.body).toContain('value="5"');
    // No problem selected: said on the problems, and the other fields still checked with it.
    await client.post('/admin/identification-rules', { ...form, problems: [], minimumProblems: '9' });
    expect(errorSummary((await client.get('/admin/identification-rules')).body)).toEqual([
      { href: '#problems', text: 'Select at least one problem that counts' },
      { href: '#minimumProblems', text: 'Enter how many problems make a household eligible, a whole number from 1 to 6' },
    ]);

    const saved = await client.post('/admin/identification-rules', { ...form, minimumProblems: '3', attendanceBelow: '85' });
    expect(saved.headers.location).toBe('/admin/identification-rules');
    expect((await client.get('/admin/identification-rules')).body).toContain('Identification rules saved. They apply from the next matching run.');
    const stored = await buildServices(t.db, { sessionHours: 8, clock: testClock() }).identification.rules();
    expect(stored).toMatchObject({ minimumProblems: 3, attendanceBelow: 85 });
    const [event] = await t.db.query<{ detail: { before: { minimumProblems: number }; after: { minimumProblems: number } } }>(
      `SELECT detail FROM audit_event WHERE action = 'update-identification-rules' ORDER BY id DESC LIMIT 1`);
    expect(event.detail).toMatchObject({ before: { minimumProblems: 2 }, after: { minimumProblems: 3 } });

    const stale = await client.post('/admin/identification-rules', { ...form, minimumProblems: '4' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed these rules while you were editing them');
    // Before its answers are checked.
    expect((await client.post('/admin/identification-rules', { ...form, name: '', windowDays: '1' })).statusCode).toBe(409);
  });

  it('reads and replaces the identification rules through the API', async () => {
    const read = (await call('GET', '/api/v1/identification-rules', adminToken)).json();
    expect(read.version).toMatch(/^[0-9a-f]{16}$/);
    const bad = await call('PUT', '/api/v1/identification-rules', adminToken, { ...read, problems: [], windowDays: 5, requireChildren: 'perhaps', notCopingFrom: 4, chaoticFrom: 3 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual({
      problems: 'Select at least one problem that counts',
      windowDays: 'Enter how many days back an event still counts, a whole number from 30 to 1,095 (3 years)',
      requireChildren: 'Select whether only households with dependent children are eligible',
      chaoticFrom: 'Chaotic must start at or above not coping (4 problems)',
    });
    expect((await call('PUT', '/api/v1/identification-rules', adminToken, { ...read, version: undefined, problems: ['nonsense'] })).json().fields).toEqual({
      'problems.0': 'Select the problems that count from the list', version: 'Send the version you read (GET gives it)',
    });
    const saved = await call('PUT', '/api/v1/identification-rules', adminToken, { ...read, requireChildren: false });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().requireChildren).toBe(false);
    expect((await call('PUT', '/api/v1/identification-rules', adminToken, { ...read, requireChildren: true })).statusCode).toBe(409);
    // A stale copy is refused before its answers are checked.
    expect((await call('PUT', '/api/v1/identification-rules', adminToken, { ...read, windowDays: 5 })).statusCode).toBe(409);
    expect((await call('GET', '/api/v1/identification-rules', workerToken)).statusCode).toBe(403);
  });

  it('edits the claim rules as field, comparison in words and value', async () => {
    const page = await client.get('/admin/claim-rules');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/attendancePercent at_least|at_least 90/);
    expect(page.body).toContain('<option value="at_least" selected>is at least</option>');
    expect(page.body).toContain('falls by at least this percentage');
    const form = formOf(page.body);
    expect(form).toMatchObject({ 'education-0-measure': 'attendancePercent', 'education-0-kind': 'at_least', 'education-0-value': '90', 'sustained-education': '6', 'education-2-measure': '' });

    // Every problem at once, each linked to its field and worded with its outcome, from the claim settings API's own schema.
    const bad = await client.post('/admin/claim-rules', {
      ...form, 'education-0-value': 'ninety', 'crime-1-kind': 'fall_by_percent', 'crime-1-value': '160', 'housing-2-value': '3', 'housing-2-kind': 'at_least',
      'health-0-measure': 'nonsense', 'sustained-domestic_abuse': '7', 'financial_stability-0-measure': '', 'financial_stability-0-value': '',
    });
    expect(bad.headers.location).toBe('/admin/claim-rules');
    const shown = await client.get('/admin/claim-rules');
    expect(shown.body).toContain('<title>Error: Claim rules');
    expect(shown.body).toContain('There is a problem');
    expect(errorOf(shown.body, 'education-0-value')).toBe('Getting a good education: enter the value as a number, like 90');
    expect(errorOf(shown.body, 'crime-1-value')).toBe('Families diverted from crime: a fall cannot be more than 100%');
    expect(errorOf(shown.body, 'housing-2-measure')).toBe('Secure housing: select what is measured');
    expect(errorSummary(shown.body)).toEqual([
      { href: '#education-0-value', text: 'Getting a good education: enter the value as a number, like 90' },
      { href: '#health-0-measure', text: 'Improved mental and physical health: select a measure Lantern records from the list' },
      { href: '#crime-1-value', text: 'Families diverted from crime: a fall cannot be more than 100%' },
      { href: '#sustained-domestic_abuse', text: 'Safe from domestic abuse: select how long the progress must last: 0, 6 or 12 months after closure' },
      { href: '#housing-2-measure', text: 'Secure housing: select what is measured' },
      { href: '#financial_stability-0-measure', text: 'Financial stability: give at least one test for each outcome' },
    ]);
    // What was typed is kept.
    expect(shown.body).toContain('value="ninety"');
    expect(shown.body).toContain('value="160"');

    const changed = { ...form, 'education-0-value': '85', 'education-1-measure': '', 'education-1-value': '', 'early_years-1-measure': 'sdqTotal', 'early_years-1-kind': 'at_most', 'early_years-1-value': '14', 'sustained-crime': '12' };
    expect((await client.post('/admin/claim-rules', changed)).headers.location).toBe('/admin/claim-rules');
    expect((await client.get('/admin/claim-rules')).body).toContain('Claim rules saved.');
    const stored = (await buildServices(t.db, { sessionHours: 8, clock: testClock() }).outcomes.claimSettings(ada)).settings;
    expect(stored.rules.find((r) => r.area === 'education')).toEqual({ area: 'education', criteria: [{ measure: 'attendancePercent', kind: 'at_least', value: 85 }], sustainedMonths: 6 });
    expect(stored.rules.find((r) => r.area === 'early_years')!.criteria).toEqual([{ measure: 'goalDistance', kind: 'at_least', value: 4 }, { measure: 'sdqTotal', kind: 'at_most', value: 14 }]);
    expect(stored.rules.find((r) => r.area === 'crime')!.sustainedMonths).toBe(12);
    // The payment model and amounts are untouched.
    expect(stored).toMatchObject({ paymentModel: 'troubled_families_phase_2', attachmentFee: 1000, resultsPayment: 800 });
    const [event] = await t.db.query<{ detail: { before: unknown[]; after: unknown[] } }>(`SELECT detail FROM audit_event WHERE action = 'update-claim-rules'`);
    expect(event.detail.before).toHaveLength(10);
    expect(JSON.stringify(event.detail.after)).toContain('"value":85');

    const stale = await client.post('/admin/claim-rules', changed);
    expect(stale.statusCode).toBe(409);
    // Before its answers are checked.
    expect((await client.post('/admin/claim-rules', { ...changed, 'education-0-value': 'ninety' })).statusCode).toBe(409);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/web/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { defaultLevelOfNeedRules } from '../../src/domain/level-of-need.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { testClock } from '../support/clock.ts';
import { PageClient, testApp } from '../support/http.ts';

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
    const [event] = await t.db.query<{ user_id: string; detail: { before: { name: string }; after: { name: string } } }>(
      `SELECT user_id, detail FROM audit_event WHERE action = 'update-level-of-need-rules' ORDER BY id DESC LIMIT 1`);
    expect(event).toMatchObject({ user_id: ada.id, detail: { before: { name: defaultLevelOfNeedRules.name }, after: { name: 'Northvale thresholds 2027' } } });
    // The admin form shows what the API saved.
    expect((await client.get('/admin/level-of-need-rules')).body).toContain('value="Northvale thresholds 2027"');
    expect((await call('GET', '/api/v1/level-of-need-rules', workerToken)).statusCode).toBe(403);
    expect((await call('PUT', '/api/v1/level-of-need-rules', workerToken, changed)).statusCode).toBe(403);
  });
});

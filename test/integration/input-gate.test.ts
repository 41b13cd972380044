import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { testClock } from '../support/clock.ts';
import type { LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';

describe.each(engines)('the input gate on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let token: string;
  let email: string;
  let familyId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, email: 'gate@test.example' });
    email = user.email;
    app = await testApp(t.db);
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    token = await s.access.createApiToken(email, 'test');
    familyId = (await s.families.createFamily(user, { family: aFamily(), members: [aMember()] })).id;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}`, ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) } });
  const familyCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM family'))[0].n);

  it('answers a NUL in the unauthenticated sign-in form with a plain 400 page, not a 500', async () => {
    const client = new PageClient(app);
    await client.get('/sign-in');
    const response = await client.post('/sign-in', { email: 'x\u0000@example.org', password: 'whatever-it-is' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('Email must not contain a hidden NUL character');
    expect(response.body).toContain('<title>Error: ');
    expect(response.body).toContain('href="#email"');
  });

  it('refuses a NUL in a page form field of a signed-in user, and the session still works', async () => {
    const client = new PageClient(app);
    await client.signIn(email, testPassword);
    const response = await client.post('/families/new/household', { familyName: 'Ev\u0000ans' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Family name must not contain a hidden NUL character');
    expect((await client.get('/my-families')).statusCode).toBe(200);
  });

  it('refuses %00 in a query string', async () => {
    const page = await new PageClient(app).get('/sign-in?next=%00');
    expect(page.statusCode).toBe(400);
    const search = await api('GET', '/api/v1/search?q=Ada%00');
    expect(search.statusCode).toBe(400);
    expect(search.json().fields).toEqual({ q: expect.stringContaining('Q must not contain a hidden NUL character') });
  });

  it('refuses a lone surrogate in a JSON body with a field error, and nothing is written', async () => {
    const before = await familyCount();
    // JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse turns back into one.
    const body = JSON.stringify({ family: aFamily({ familyName: 'Broken \ud800' }), members: [aMember()] });
    const response = await api('POST', '/api/v1/families', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'validation', fields: { 'family.familyName': 'Family name contains a broken character (half of an emoji or symbol): type it again' } });
    expect(await familyCount()).toBe(before);
  });

  it('keeps whole emoji and bounds every string it is not told about', async () => {
    const ok = await api('PUT', `/api/v1/families/${familyId}`, { ...aFamily({ familyName: 'Smith 🌟' }), version: 1 });
    expect(ok.statusCode).toBe(204);
    const long = await api('PUT', `/api/v1/families/${familyId}`, { ...aFamily(), version: 2, unexpected: 'x'.repeat(10_001) });
    expect(long.statusCode).toBe(400);
    expect(long.json().fields).toEqual({ unexpected: 'Unexpected must be 10,000 characters or fewer' });
  });

  it('refuses a NUL in a header the app reads; a broken token is simply not a token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/families', headers: { authorization: `Bearer ${token}`, 'user-agent': 'Mozilla\u0000' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields['header.user-agent']).toContain('must not contain a hidden NUL character');
    const badToken = await app.inject({ method: 'GET', url: '/api/v1/families', headers: { authorization: `Bearer ${token}\u0000` } });
    expect(badToken.statusCode).toBe(401);
  });
});

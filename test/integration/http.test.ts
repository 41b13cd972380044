import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock } from '../support/clock.ts';

describe.each(engines)('HTTP on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let keyWorker: Actor & { email: string };
  let stranger: Actor & { email: string };
  let token: string;
  let strangerToken: string;
  let familyId: string;
  let partnership: Awaited<ReturnType<typeof makePartnership>>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    partnership = await makePartnership(t.db);
    keyWorker = await makeUser(t.db, { agencyId: partnership.agencies.childrens_social_care, teamId: partnership.teamId, email: 'kw@test.example' });
    stranger = await makeUser(t.db, { agencyId: partnership.agencies.childrens_social_care, teamId: partnership.otherTeamId, email: 'other@test.example' });
    app = await testApp(t.db);
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    token = await s.access.createApiToken(keyWorker.email, 'test');
    strangerToken = await s.access.createApiToken(stranger.email, 'test');
    familyId = (await s.families.createFamily(keyWorker, { family: aFamily(), members: [aMember()] })).id;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, bearer: string | null = token) =>
    app.inject({ method, url, payload: payload as object, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  describe('pages', () => {
    it('sends a visitor who is not signed in to the sign-in page', async () => {
      const response = await app.inject({ url: `/families/${familyId}` });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/families/${familyId}`)}`);
    });

    it('sets a secure, httpOnly, SameSite session cookie and security headers', async () => {
      const response = await app.inject({ url: '/sign-in' });
      const cookie = response.cookies.find((c) => c.name === 'lantern_session')!;
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
      expect(response.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('refuses a form post without the CSRF token', async () => {
      const client = new PageClient(app);
      await client.signIn(keyWorker.email, testPassword);
      const response = await client.post('/families/new/household', { familyName: 'Evans' }, { csrf: null });
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('Your form could not be sent');
      const forged = await client.post('/families/new/household', { familyName: 'Evans' }, { csrf: 'forged' });
      expect(forged.statusCode).toBe(403);
    });

    it('replays what was typed with a linked error summary after a failed post', async () => {
      const client = new PageClient(app);
      await client.signIn(keyWorker.email, testPassword);
      await client.get(`/families/${familyId}/members/new`);
      const post = await client.post(`/families/${familyId}/members/new`, {
        givenName: 'Tyler', familyName: '', role: 'child', 'dateOfBirth-day': '31', 'dateOfBirth-month': '2', 'dateOfBirth-year': '2015',
      });
      expect(post.statusCode).toBe(303);
      const page = await client.get(post.headers.location as string);
      expect(page.body).toContain('<title>Error: Add a family member – Lantern</title>');
      expect(page.body).toContain('There is a problem');
      expect(page.body).toMatch(/href="#familyName">Enter their last name<\/a>/);
      expect(page.body).toMatch(/href="#dateOfBirth-day">Date of birth must be a real date<\/a>/);
      expect(page.body).toContain('value="Tyler"');
      expect(page.body).toContain('value="31"');
      const again = await client.get(post.headers.location as string);
      expect(again.body).not.toContain('There is a problem');
    });

    it('shows a practitioner outside the team a 403 page', async () => {
      const client = new PageClient(app);
      await client.signIn(stranger.email, testPassword);
      const response = await client.get(`/families/${familyId}`);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('You do not have access to this family');
    });

    it('answers 404 for an id that is not a UUID', async () => {
      const client = new PageClient(app);
      await client.signIn(keyWorker.email, testPassword);
      const response = await client.get('/families/123');
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('Page not found');
    });

    it('signs out, and the old session no longer works', async () => {
      const client = new PageClient(app);
      await client.signIn(keyWorker.email, testPassword);
      const oldCookie = client.cookie;
      const out = await client.post('/sign-out', {});
      expect(out.headers.location).toBe('/sign-in');
      const response = await app.inject({ url: '/my-families', headers: { cookie: oldCookie } });
      expect(response.statusCode).toBe(302);
    });

    it('slows sign-in after five wrong passwords for an email from one address', async () => {
      const victim = await makeUser(t.db, { agencyId: partnership.agencies.police, email: 'ratelimit@test.example' });
      const client = new PageClient(app);
      for (let i = 0; i < 5; i += 1) {
        await client.get('/sign-in');
        await client.post('/sign-in', { email: victim.email, password: 'wrong password' });
      }
      await client.get('/sign-in');
      const post = await client.post('/sign-in', { email: victim.email, password: testPassword });
      const page = await client.get(post.headers.location as string);
      expect(page.body).toContain('Too many failed attempts to sign in. Wait 1 minute and try again.');
    });
  });

  describe('API', () => {
    it('asks for a token', async () => {
      const response = await api('GET', '/api/v1/families', undefined, null);
      expect(response.statusCode).toBe(401);
      expect(response.json().message).toContain('Bearer');
    });

    it('lists my families and reads one', async () => {
      const list = await api('GET', '/api/v1/families');
      expect(list.json().families.map((f: { id: string }) => f.id)).toContain(familyId);
      const family = await api('GET', `/api/v1/families/${familyId}`);
      expect(family.statusCode).toBe(200);
      expect(family.json().members[0]).toMatchObject({ givenName: 'Kerry', role: 'mother' });
    });

    it('answers 403 to someone outside the team and 404 for unknown or malformed ids', async () => {
      expect((await api('GET', `/api/v1/families/${familyId}`, undefined, strangerToken)).statusCode).toBe(403);
      expect((await api('GET', '/api/v1/families/7a1f0d52-1c1e-4b5e-9d1a-0c9b8e7f6a5d')).statusCode).toBe(404);
      expect((await api('GET', '/api/v1/families/not-a-uuid')).statusCode).toBe(404);
    });

    it('answers 400 with field errors for invalid input, never 500', async () => {
      const response = await api('POST', '/api/v1/families', { family: { familyName: '' }, members: [{ givenName: 'A' }] });
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toMatchObject({ familyName: 'Enter the family name', addressLine1: 'Enter the first line of the address' });
      const broken = await app.inject({ method: 'POST', url: '/api/v1/families', payload: '{not json', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      expect(broken.statusCode).toBe(400);
      const notObject = await api('POST', `/api/v1/families/${familyId}/members`, [1, 2]);
      expect(notObject.statusCode).toBe(400);
      expect(notObject.json().fields).toEqual({ body: 'Send a JSON object' });
    });

    it('creates a family, adds a member and a need, and refuses a stale update with 409', async () => {
      const created = await api('POST', '/api/v1/families', { family: aFamily({ familyName: 'Okafor', postcode: 'NV2 7QT' }), members: [aMember({ givenName: 'Ada', familyName: 'Okafor' })] });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      const member = await api('POST', `/api/v1/families/${id}/members`, aMember({ givenName: 'Chidi', familyName: 'Okafor', role: 'child', dateOfBirth: '2019-04-02' }));
      expect(member.statusCode).toBe(201);
      const need = await api('POST', `/api/v1/families/${id}/members/${member.json().id}/needs`, { code: '16A', sourceAgencyId: partnership.agencies.police, identifiedOn: '2026-11-01' });
      expect(need.statusCode).toBe(201);
      const first = await api('PUT', `/api/v1/families/${id}`, { ...aFamily({ familyName: 'Okafor', postcode: 'NV2 7QT' }), version: 1 });
      expect(first.statusCode).toBe(204);
      const second = await api('PUT', `/api/v1/families/${id}`, { ...aFamily({ familyName: 'Okafor-Jones', postcode: 'NV2 7QT' }), version: 1 });
      expect(second.statusCode).toBe(409);
      expect(second.json().message).toContain('Your changes have not been saved');
    });

    it('serves an OpenAPI document describing every API route', async () => {
      const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      const documented = Object.keys(doc.paths);
      const apiRoutes = [...new Set(app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json')
        .map((r) => r.url.replace(/:(\w+)/g, '{$1}')))];
      expect(documented.sort()).toEqual(apiRoutes.sort());
      expect(doc.components.schemas.Member.properties.role.enum).toContain('grandparent');
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/app.ts';
import { browserName } from '../../src/modules/sessions/routes.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';

const endButtons = (html: string) => [...html.matchAll(/action="(\/sessions\/[0-9a-f-]{36}\/end)"/g)].map((m) => m[1]);

describe.each(engines)('sessions on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let worker: Awaited<ReturnType<typeof makeUser>>;
  let admin: PageClient;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    app = await testApp(t.db);
    admin = new PageClient(app);
    await admin.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('lists a person’s sessions and ends another one of theirs', async () => {
    const laptop = new PageClient(app);
    const phone = new PageClient(app);
    await laptop.signIn(worker.email, testPassword);
    await phone.signIn(worker.email, testPassword);
    const page = await laptop.get('/sessions');
    expect(page.statusCode).toBe(200);
    expect(page.body.match(/This browser/g)).toHaveLength(1);
    const [other] = endButtons(page.body);
    expect(endButtons(page.body)).toHaveLength(1);
    const ended = await laptop.post(other, {});
    expect(ended.headers.location).toBe('/sessions');
    expect((await laptop.get('/sessions')).body).toContain('Session ended: that browser is signed out.');
    expect((await phone.get('/my-families')).headers.location).toBe('/sign-in?next=%2Fmy-families');
    expect((await laptop.get('/my-families')).statusCode).toBe(200);
    // Someone else's session is simply not found, even for an administrator on this page.
    const [laptopId] = endButtons((await phone.signIn(worker.email, testPassword)).body.length ? (await phone.get('/sessions')).body : '');
    expect((await admin.post(laptopId, {})).statusCode).toBe(404);
    expect((await laptop.get('/my-families')).statusCode).toBe(200);
  });

  it('lets an administrator sign a person out everywhere', async () => {
    const one = new PageClient(app);
    await one.signIn(worker.email, testPassword);
    const userPage = await admin.get(`/admin/users/${worker.id}`);
    expect(userPage.body).toMatch(/Signed in now on[\s\S]*?[2-9] browsers/);
    const done = await admin.post(`/admin/users/${worker.id}/sessions/end`, {});
    expect(done.headers.location).toBe(`/admin/users/${worker.id}`);
    expect((await admin.get(`/admin/users/${worker.id}`)).body).toMatch(/Ended [2-9] sessions\./);
    expect((await one.get('/my-families')).statusCode).toBe(302);
  });

  it('names browsers plainly', () => {
    expect(browserName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36')).toBe('Chrome on Windows');
    expect(browserName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15')).toBe('Safari on macOS');
    expect(browserName('')).toBe('Not known');
    expect(browserName('curl/8.0')).toBe('Another program');
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { services as buildServices } from '../../src/services.ts';
import { safeReturnPath } from '../../src/web/urls.ts';
import { signInDelayMinutes, signInLimits } from '../../src/modules/access/service.ts';
import type { LanternApp } from '../../src/app.ts';

/** A multipart body: the fields in the order given, then the file, as a browser sends the form. */
function multipart(fields: Record<string, string>, file: { name: string; filename: string; content: Buffer }) {
  const boundary = `----lantern${randomUUID()}`;
  const head = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const payload = Buffer.concat([
    Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: text/csv\r\n\r\n`),
    file.content, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

const uploadsOnDisk = async () => (await readdir(os.tmpdir())).filter((f) => f.startsWith('lantern-upload-')).length;

// Uploads go to os.tmpdir(), which Node reads from TMPDIR on every call: a folder of this test
// file's own, so uploads by tests running beside it cannot change the count.
const sharedTmp = os.tmpdir();
let ownTmp = '';
beforeAll(async () => {
  ownTmp = await mkdtemp(path.join(sharedTmp, 'lantern-hardening-'));
  process.env.TMPDIR = ownTmp;
});
afterAll(async () => {
  process.env.TMPDIR = sharedTmp;
  await rm(ownTmp, { recursive: true, force: true });
});

describe('return addresses after sign-in', () => {
  it('keeps only paths of the app’s own shape', () => {
    expect(safeReturnPath('/families/0b7e7a8e-2f0c-4a43-9a59-6f3f2b1c9d10/edit')).toBe('/families/0b7e7a8e-2f0c-4a43-9a59-6f3f2b1c9d10/edit');
    expect(safeReturnPath('/identification?extractId=abc')).toBe('/identification?extractId=abc');
    for (const bad of ['/\\evil.example', '//evil.example', '/%5Cevil.example', '/%2F%2Fevil.example', 'https://evil.example', '/\u0000x', 'javascript:alert(1)', '', 42]) {
      expect(safeReturnPath(bad)).toBe('/my-families');
    }
  });
});

describe.each(engines)('hardening on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let partnership: Awaited<ReturnType<typeof makePartnership>>;
  const log: string[] = [];

  beforeAll(async () => {
    t = await testDatabase(engine);
    partnership = await makePartnership(t.db);
    const stream = new Writable({ write(chunk, _encoding, done) { log.push(String(chunk)); done(); } });
    app = await testApp(t.db, TEST_TODAY, { logger: { level: 'info', stream } });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('does not redirect off the site after sign-in (GET /sign-in?next=/%5Cevil.example)', async () => {
    const user = await makeUser(t.db, { agencyId: partnership.agencies.police });
    const client = new PageClient(app);
    const page = await client.get('/sign-in?next=/%5Cevil.example');
    expect(page.body).toContain('name="next" value=""');
    const response = await client.post('/sign-in', { email: user.email, password: testPassword, next: '/\\evil.example' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/my-families');
  });

  it('reads X-Forwarded-For only from trusted proxies', async () => {
    const email = `proxy-${randomUUID().slice(0, 8)}@test.example`;
    const attempt = async (target: LanternApp) => {
      const client = new PageClient(target);
      await client.get('/sign-in');
      return target.inject({
        method: 'POST', url: '/sign-in', remoteAddress: '10.9.9.9',
        payload: new URLSearchParams({ _csrf: client.csrf, email, password: 'wrong password' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: client.cookie, 'x-forwarded-for': '203.0.113.7' },
      });
    };
    await attempt(app);
    const proxied = await testApp(t.db, TEST_TODAY, { trustedProxies: ['10.9.0.0/16'] });
    await attempt(proxied);
    await proxied.close();
    const ips = await t.db.query<{ ip: string }>('SELECT ip FROM login_attempt WHERE email = $1 ORDER BY id', [email]);
    expect(ips.map((r) => r.ip)).toEqual(['10.9.9.9', '203.0.113.7']);
    const audited = await t.db.query<{ ip: string }>(`SELECT ip FROM audit_event WHERE action = 'sign-in' AND detail->>'email' = $1 ORDER BY id`, [email]);
    expect(audited.map((r) => r.ip)).toEqual(['10.9.9.9', '203.0.113.7']);
  });

  describe('uploads', () => {
    it('refuses a 50 MB upload from someone not signed in without writing it to disk', async () => {
      const before = await uploadsOnDisk();
      const { payload, contentType } = multipart({ _csrf: 'x', source: 'police-da' }, { name: 'file', filename: 'big.csv', content: Buffer.alloc(50 * 1024 ** 2, 'a') });
      const response = await app.inject({ method: 'POST', url: '/identification/upload', payload, headers: { 'content-type': contentType } });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('/sign-in');
      expect(await uploadsOnDisk()).toBe(before);
    });

    it('refuses a file sent before the CSRF token, or with a wrong one, without writing it', async () => {
      const analyst = await makeUser(t.db, { role: 'analyst', agencyId: partnership.agencies.police });
      const client = new PageClient(app);
      await client.signIn(analyst.email, testPassword);
      await client.get('/identification/upload');
      const before = await uploadsOnDisk();
      const forms: Record<string, string>[] = [{ _csrf: 'not the token', source: 'police-da' }, { source: 'police-da' }];
      for (const fields of forms) {
        const { payload, contentType } = multipart(fields, { name: 'file', filename: 'a.csv', content: Buffer.from('a,b\n1,2\n') });
        const response = await app.inject({ method: 'POST', url: '/identification/upload', payload, headers: { 'content-type': contentType, cookie: client.cookie } });
        expect(response.statusCode).toBe(403);
        expect(response.body).toContain('Your form could not be sent');
      }
      expect(await uploadsOnDisk()).toBe(before);
    });

    it('refuses an upload over the route’s configured limit with a plain message', async () => {
      const small = await testApp(t.db, TEST_TODAY, { uploadLimits: { extractBytes: 100_000, formBytes: 1024 ** 2 } });
      const analyst = await makeUser(t.db, { role: 'analyst', agencyId: partnership.agencies.police });
      const client = new PageClient(small);
      await client.signIn(analyst.email, testPassword);
      await client.get('/identification/upload');
      const { payload, contentType } = multipart({ _csrf: client.csrf, source: 'police-da' }, { name: 'file', filename: 'a.csv', content: Buffer.alloc(300_000, 'a') });
      const response = await small.inject({ method: 'POST', url: '/identification/upload', payload, headers: { 'content-type': contentType, cookie: client.cookie } });
      await small.close();
      expect(response.statusCode).toBe(413);
      expect(response.body).toContain('The file must be smaller than 0.1 MB');
    });
  });

  describe('personal data in URLs and the log', () => {
    it('searches by POST under a server-side id: the name is in neither the URL nor the log', async () => {
      const worker = await makeUser(t.db, { agencyId: partnership.agencies.childrens_social_care, teamId: partnership.teamId });
      const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
      await s.families.createFamily(worker, {
        family: aFamily({ familyName: 'Richardson', districtId: partnership.districtId }),
        members: [aMember({ givenName: 'Adam', familyName: 'Richardson', role: 'father', sex: 'male', dateOfBirth: '1980-02-03' })],
      });
      const client = new PageClient(app);
      await client.signIn(worker.email, testPassword);
      const posted = await client.post('/search', { q: 'Adam Richardson' });
      expect(posted.statusCode).toBe(303);
      expect(posted.headers.location).toMatch(/^\/search\?searchId=[0-9a-f-]{36}$/);
      const results = await client.get(posted.headers.location as string);
      expect(results.body).toContain('1 person found in families you can see.');
      // Another session cannot replay the search id.
      const other = new PageClient(app);
      await other.signIn(worker.email, testPassword);
      expect((await other.get(posted.headers.location as string)).body).not.toContain('Richardson');

      const token = await s.access.createApiToken(worker.email, 'test');
      const api = await app.inject({ method: 'POST', url: '/api/v1/search', payload: { q: 'Adam Richardson' }, headers: { authorization: `Bearer ${token}` } });
      expect(api.statusCode).toBe(200);
      expect((api.json() as { results: { name: string }[] }).results.map((r) => r.name)).toEqual(['Adam Richardson']);
      expect((await app.inject({ method: 'GET', url: '/api/v1/search?q=Adam', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(404);

      // Query strings are cut from what is logged, and bodies never are.
      await client.get('/sign-in?next=/my-families%3Fq%3DAdam%2BRichardson');
      const text = log.join('');
      expect(text).toContain('"url":"/search"');
      for (const personal of ['Adam', 'Richardson', '1980-02-03', worker.email]) expect(text).not.toContain(personal);
    });
  });

  describe('sign-in lockout', () => {
    it('slows one address for one email, without locking the owner out elsewhere', async () => {
      expect([4, 5, 6, 7, 8, 9, 20].map(signInDelayMinutes)).toEqual([0, 1, 2, 4, 8, 15, 15]);
      const user = await makeUser(t.db, { agencyId: partnership.agencies.police });
      const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
      for (let i = 0; i < 5; i += 1) await s.access.signIn(user.email, 'wrong password', '198.51.100.1');
      expect(await s.access.signIn(user.email, testPassword, '198.51.100.1')).toEqual({ ok: false, message: 'Too many failed attempts to sign in. Wait 1 minute and try again.' });
      expect((await s.access.signIn(user.email, testPassword, '198.51.100.2')).ok).toBe(true);
    });

    it(`locks an email after ${signInLimits.lockAfterFailures} failures from anywhere until an administrator unlocks it`, async () => {
      const user = await makeUser(t.db, { agencyId: partnership.agencies.police });
      const admin = await makeUser(t.db, { role: 'administrator', agencyId: partnership.agencies.police });
      const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
      // All but the last failure as rows (each real one costs an argon2 hash), from many addresses.
      await t.db.query(`INSERT INTO login_attempt (email, ip, succeeded, at) SELECT $1, '192.0.2.' || n, false, $3 FROM generate_series(1, $2::int) n`,
        [user.email, signInLimits.lockAfterFailures - 1, s.clock.real()]);
      expect((await s.access.signIn(user.email, testPassword, '198.51.100.8')).ok).toBe(true);
      expect(await s.access.signIn(user.email, 'wrong password', '198.51.100.9')).toMatchObject({ ok: false });
      const locked = 'This account is locked after too many attempts to sign in. Ask your Lantern administrator to unlock it, or try again tomorrow.';
      expect(await s.access.signIn(user.email, testPassword, '198.51.100.9')).toEqual({ ok: false, message: locked });

      const practitionerToken = await s.access.createApiToken(user.email, 'test');
      const refused = await app.inject({ method: 'POST', url: '/api/v1/sign-in-locks/unlock', payload: { email: user.email }, headers: { authorization: `Bearer ${practitionerToken}` } });
      expect(refused.statusCode).toBe(403);
      const adminToken = await s.access.createApiToken(admin.email, 'test');
      const unlocked = await app.inject({ method: 'POST', url: '/api/v1/sign-in-locks/unlock', payload: { email: user.email }, headers: { authorization: `Bearer ${adminToken}` } });
      expect(unlocked.json()).toEqual({ wasLocked: true });
      expect((await s.access.signIn(user.email, testPassword, '198.51.100.9')).ok).toBe(true);
      const [audit] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'unlock-sign-in' AND user_id = $1`, [admin.id]);
      expect(audit.n).toBe(1);
    });
  });
});

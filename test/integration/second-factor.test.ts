import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { base32Decode, totpCode } from '../../src/domain/access/totp.ts';
import { demoSecondFactorSecret } from '../../src/modules/access/second-factor.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { testClock } from '../support/clock.ts';
import { PageClient, testApp } from '../support/http.ts';
import { codeFor, currentCode } from '../support/second-factor.ts';

const fieldError = (html: string) => /<p id="code-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span>([^<]*)<\/p>/.exec(html)?.[1].trim();
const demoCode = (offsetSteps = 0) => totpCode(base32Decode(demoSecondFactorSecret), Date.now() + offsetSteps * 30_000);

describe.each(engines)('the second factor on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let p: Awaited<ReturnType<typeof makePartnership>>;
  let ada: Awaited<ReturnType<typeof makeUser>>;
  let adminClient: PageClient;

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    app = await testApp(t.db);
    adminClient = new PageClient(app);
    await adminClient.signIn(ada.email, testPassword);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  /** Signs in with the password only: the session then owes its second factor. */
  async function passwordOnly(email: string) {
    const client = new PageClient(app);
    await client.get('/sign-in');
    const signedIn = await client.post('/sign-in', { email, password: testPassword });
    expect(signedIn.statusCode).toBe(303);
    return client;
  }

  it('asks an administrator for a code before any page, but not their API token', async () => {
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const client = await passwordOnly(analyst.email);
    expect((await client.get('/my-families')).headers.location).toBe('/sign-in/code?next=%2Fmy-families');
    expect((await client.get('/identification/households')).headers.location).toBe('/sign-in/code?next=%2Fidentification%2Fhouseholds');
    expect((await client.get('/audit')).statusCode).toBe(303);
    // A form posted before the code is refused too.
    expect((await client.post('/search', { q: 'Walsh' })).headers.location).toBe('/sign-in/code');
    const page = await client.get('/sign-in/code?next=%2Fmy-families');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Enter the code from your authenticator app');
    // No menu while the code is owed.
    expect(page.body).not.toContain('Identification</a>');
    const token = await buildServices(t.db, { sessionHours: 8, clock: testClock() }).access.createApiToken(ada.email, 'test');
    expect((await app.inject({ method: 'GET', url: '/api/v1/users', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });

  it('says what is wrong with a wrong code, and lets the right one in', async () => {
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const client = await passwordOnly(analyst.email);
    await client.get('/sign-in/code');
    const right = demoCode();
    const wrong = right === '123456' ? '654321' : '123456';
    const refused = await client.post('/sign-in/code', { code: wrong, next: '/needs-analysis' });
    expect(refused.headers.location).toBe('/sign-in/code?next=%2Fneeds-analysis');
    const again = await client.get('/sign-in/code?next=%2Fneeds-analysis');
    expect(again.body).toContain('<title>Error: Enter the code from your authenticator app');
    expect(again.body).toContain('There is a problem');
    expect(again.body).toContain('href="#code"');
    expect(fieldError(again.body)).toBe('The code is not right. Enter the 6-digit code your app shows now');
    const empty = await client.post('/sign-in/code', { code: '', next: '' });
    expect(fieldError((await client.get(String(empty.headers.location))).body)).toBe('Enter the 6-digit code from your authenticator app');
    const accepted = await client.post('/sign-in/code', { code: await currentCode(t.db, analyst.email), next: '/needs-analysis' });
    expect(accepted.headers.location).toBe('/needs-analysis');
    expect((await client.get('/needs-analysis')).statusCode).toBe(200);
    const events = await t.db.query<{ outcome: string }>(`SELECT outcome FROM audit_event WHERE action = 'second-factor' AND user_id = $1 ORDER BY id`, [analyst.id]);
    expect(events.map((e) => e.outcome)).toEqual(['denied', 'allowed']);
  });

  it('refuses a code used once already, even in another browser', async () => {
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const first = await passwordOnly(analyst.email);
    await first.get('/sign-in/code');
    const code = demoCode();
    expect((await first.post('/sign-in/code', { code, next: '' })).headers.location).toBe('/my-families');
    const second = await passwordOnly(analyst.email);
    await second.get('/sign-in/code');
    const replayed = await second.post('/sign-in/code', { code, next: '' });
    expect(fieldError((await second.get(String(replayed.headers.location))).body)).toBe('That code has already been used. Wait for your app to show a new code and enter that');
    expect((await second.get('/my-families')).statusCode).toBe(303);
  });

  it('slows down wrong codes as sign-in does', async () => {
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const client = await passwordOnly(analyst.email);
    await client.get('/sign-in/code');
    for (let i = 0; i < 5; i++) await client.post('/sign-in/code', { code: 'not-a-code', next: '' });
    // Even the right code waits now.
    const held = await client.post('/sign-in/code', { code: await currentCode(t.db, analyst.email), next: '' });
    expect(fieldError((await client.get(String(held.headers.location))).body)).toBe('Too many wrong codes. Wait 1 minute and try again.');
    expect((await client.get('/my-families')).statusCode).toBe(303);
    // The held try is audited too, with why it was refused unchecked.
    const tries = await t.db.query<{ outcome: string; detail: Record<string, unknown> }>(
      `SELECT outcome, detail FROM audit_event WHERE action = 'second-factor' AND user_id = $1 ORDER BY id`, [analyst.id]);
    expect(tries.map((e) => e.outcome)).toEqual(Array(6).fill('denied'));
    expect(tries.at(-1)!.detail).toEqual({ reason: 'too many wrong codes', failures: 5 });
    // Security time is the database's real clock: move the wrong tries back past the wait. One more wrong code doubles it.
    const passTime = (minutes: number) => t.db.query(`UPDATE second_factor_attempt SET at = at - make_interval(mins => $2) WHERE user_id = $1`, [analyst.id, minutes]);
    await passTime(2);
    const sixth = await client.post('/sign-in/code', { code: 'still-not-a-code', next: '' });
    expect(fieldError((await client.get(String(sixth.headers.location))).body)).toBe('Enter the 6-digit code from your authenticator app, or one of your recovery codes');
    const longer = await client.post('/sign-in/code', { code: await currentCode(t.db, analyst.email), next: '' });
    expect(fieldError((await client.get(String(longer.headers.location))).body)).toBe('Too many wrong codes. Wait 2 minutes and try again.');
    await passTime(3);
    expect((await client.post('/sign-in/code', { code: await currentCode(t.db, analyst.email), next: '' })).headers.location).toBe('/my-families');
    expect((await client.get('/my-families')).statusCode).toBe(200);
  });

  it('makes an administrator with no second factor set one up; a practitioner may choose to, with recovery codes that work once', async () => {
    const newAdmin = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    await t.db.query('DELETE FROM second_factor WHERE user_id = $1', [newAdmin.id]);
    const admin = await passwordOnly(newAdmin.email);
    expect((await admin.get('/admin')).headers.location).toBe('/second-factor/set-up?next=%2Fadmin');
    const setUp = await admin.get('/second-factor/set-up?next=%2Fadmin');
    expect(setUp.body).toContain('Your role can see or export personal data');
    const secret = /id="secret">([^<]+)</.exec(setUp.body)![1];
    expect(setUp.body).toContain(`otpauth://totp/Lantern:${encodeURIComponent(newAdmin.email)}?secret=${secret.replace(/ /g, '')}&amp;issuer=Lantern`);
    const wrong = await admin.post('/second-factor/set-up', { code: '12345', next: '/admin' });
    const again = await admin.get(String(wrong.headers.location));
    expect(again.body).toContain('There is a problem');
    expect(/id="secret">([^<]+)</.exec(again.body)![1]).toBe(secret);
    expect((await admin.post('/second-factor/set-up', { code: codeFor(secret), next: '/admin' })).headers.location).toBe('/second-factor/recovery-codes');
    const shown = await admin.get('/second-factor/recovery-codes');
    expect(shown.body.match(/<li><code>[a-z2-7]{5}-[a-z2-7]{5}<\/code><\/li>/g)).toHaveLength(10);
    expect((await admin.get('/admin')).statusCode).toBe(200);
    // Shown once.
    expect((await admin.get('/second-factor/recovery-codes')).headers.location).toBe('/second-factor/set-up');

    // A practitioner is not asked, but may set one up.
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const client = new PageClient(app);
    expect((await client.signIn(worker.email, testPassword)).statusCode).toBe(200);
    const optional = await client.get('/second-factor/set-up');
    expect(optional.body).toContain('keeps your account safe');
    const key = /id="secret">([^<]+)</.exec(optional.body)![1];
    await client.post('/second-factor/set-up', { code: codeFor(key), next: '' });
    const codes = [...(await client.get('/second-factor/recovery-codes')).body.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);

    const lostPhone = await passwordOnly(worker.email);
    expect((await lostPhone.get('/my-families')).headers.location).toBe('/sign-in/code?next=%2Fmy-families');
    await lostPhone.get('/sign-in/code');
    expect((await lostPhone.post('/sign-in/code', { code: codes[3].toUpperCase().replace('-', ' '), next: '' })).headers.location).toBe('/my-families');
    expect((await lostPhone.get('/my-families')).statusCode).toBe(200);
    const used = await passwordOnly(worker.email);
    await used.get('/sign-in/code');
    const refused = await used.post('/sign-in/code', { code: codes[3], next: '' });
    expect(fieldError((await used.get(String(refused.headers.location))).body)).toBe('Enter the 6-digit code from your authenticator app, or one of your recovery codes');
    expect((await used.get('/my-families')).statusCode).toBe(303);
  });

  it('lets an administrator reset a person’s second factor, audited', async () => {
    const analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    const signedIn = new PageClient(app);
    await signedIn.signIn(analyst.email, testPassword);
    expect((await signedIn.get('/needs-analysis')).statusCode).toBe(200);
    const userPage = await adminClient.get(`/admin/users/${analyst.id}`);
    expect(userPage.body).toContain('Reset second factor');
    const reset = await adminClient.post(`/admin/users/${analyst.id}/second-factor/reset`, {});
    expect(reset.headers.location).toBe(`/admin/users/${analyst.id}`);
    expect((await adminClient.get(`/admin/users/${analyst.id}`)).body).toContain('Second factor reset. They set up a new one the next time they sign in.');
    // Their open session must now set one up before its next page.
    expect((await signedIn.get('/needs-analysis')).headers.location).toBe('/second-factor/set-up?next=%2Fneeds-analysis');
    const [event] = await t.db.query<{ user_id: string; record_id: string; detail: { before: { secondFactor: boolean }; after: { secondFactor: boolean } } }>(
      `SELECT user_id, record_id, detail FROM audit_event WHERE action = 'reset-second-factor'`);
    expect(event).toMatchObject({ user_id: ada.id, record_id: analyst.id, detail: { before: { secondFactor: true }, after: { secondFactor: false } } });
    // Only administrators.
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const client = new PageClient(app);
    await client.signIn(worker.email, testPassword);
    expect((await client.post(`/admin/users/${analyst.id}/second-factor/reset`, {})).statusCode).toBe(403);
  });

  it('prints the demo code only for the demo key', async () => {
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const code = await s.secondFactor.demoCode(ada.email);
    expect([demoCode(-1), demoCode(), demoCode(1)]).toContain(code);
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    await expect(s.secondFactor.demoCode(worker.email)).rejects.toThrow();
  });
});

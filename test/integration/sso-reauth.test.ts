import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LanternApp } from '../../src/app.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { SsoOptions } from '../../src/modules/sso/service.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, rememberDatabase } from '../support/http.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { startTestProvider, type TestAccount, type TestProvider } from '../support/oidc-provider.ts';
import { lantern, TwoSiteBrowser } from '../support/two-site-browser.ts';

/**
 * Re-authentication for people who sign in through single sign-on (with Lantern passwords off):
 * break glass and personal-data exports send them back to their issuer (prompt=login, max_age=0),
 * which must have authenticated them within 10 minutes by the app clock, as the same linked
 * identity; they are never asked for a password. Against a real OpenID provider the test starts.
 */
describe.each(engines)('re-authentication at the issuer on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let passwordsOn: LanternApp;
  let services: Services;
  let provider: TestProvider;
  let p: Awaited<ReturnType<typeof makePartnership>>;
  let sso: SsoOptions;
  let family: { id: string; reference: string };
  let kerryId: string;

  const account = (over: TestAccount = {}) => {
    const id = `person-${randomUUID().slice(0, 8)}`;
    provider.accounts.set(id, { email: `${id}@council.example`, email_verified: true, name: `Person ${id}`, ...over });
    return id;
  };
  const audit = async (action: string) => t.db.query<{ outcome: string; user_id: string | null; record_id: string | null; detail: Record<string, unknown> }>(
    'SELECT outcome, user_id, record_id, detail FROM audit_event WHERE action = $1 ORDER BY id', [action]);
  const sessionOf = async (userId: string) => (await t.db.query<{ id_hash: string }>('SELECT id_hash FROM session WHERE user_id = $1 ORDER BY created_at DESC', [userId]))[0].id_hash;
  /** As if the person signed in at their issuer an hour ago. */
  const age = async (userId: string) => {
    const aged = await t.db.query("UPDATE session SET authenticated_at = authenticated_at - interval '1 hour' WHERE user_id = $1 AND authenticated_at IS NOT NULL RETURNING id_hash", [userId]);
    expect(aged).toHaveLength(1);
  };
  /** Someone known to Lantern and signed in through the test issuer (linked by their verified email). */
  const signedIn = async (role: 'practitioner' | 'dpo' = 'practitioner', on: LanternApp = app) => {
    const user = await makeUser(t.db, { role, agencyId: p.agencies.childrens_social_care, teamId: role === 'dpo' ? null : p.otherTeamId });
    // The issuer asserts multi-factor authentication, which a data protection officer's role needs.
    const login = account({ email: user.email, amr: ['pwd', 'mfa'] });
    const browser = new TwoSiteBrowser(on, provider);
    expect((await browser.signIn('test-idp', login)).path).toBe('/my-families');
    return { user, login, browser };
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    provider = await startTestProvider();
    provider.start(`${lantern}/sso/callback`);
    sso = { issuers: [provider.issuerConfig()], localPasswordsOff: true, baseUrl: lantern };
    services = buildServices(t.db, { sessionHours: 8, clock: testClock(TEST_TODAY), sso });
    app = await buildApp({ services, sessionHours: 8 });
    rememberDatabase(app, t.db);
    await app.ready();
    // The administrator's own app, with passwords on (sessions live in the database both share).
    passwordsOn = await buildApp({ services: buildServices(t.db, { sessionHours: 8, clock: testClock(TEST_TODAY), sso: { ...sso, localPasswordsOff: false } }), sessionHours: 8 });
    rememberDatabase(passwordsOn, t.db);
    const keyWorker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const created = await services.families.createFamily(keyWorker, {
      family: aFamily({ districtId: p.districtId }),
      members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    });
    family = { id: created.id, reference: created.reference };
    [{ id: kerryId }] = await t.db.query<{ id: string }>(`SELECT id FROM person WHERE family_id = $1 AND given_name = 'Kerry'`, [family.id]);
  });
  afterAll(async () => {
    await app?.close();
    await passwordsOn?.close();
    await provider?.close();
    await t?.drop();
  });

  it('sends break glass back to the issuer instead of asking for a password, then lets the person send their kept answers', async () => {
    const { user, login, browser } = await signedIn();
    await age(user.id);
    const form = await browser.lantern.get('/emergency-access');
    expect(form.body).not.toContain('id="password"');
    expect(form.body).toContain('you will be asked to sign in again with your Test council account');

    // Wrong answers are reported as before, and no password is asked for.
    expect((await browser.lantern.post('/emergency-access', { familyReference: family.reference, reason: '' })).headers.location).toBe('/emergency-access');
    const wrong = await browser.lantern.get('/emergency-access');
    expect(wrong.body).toContain('Enter why you need emergency access to this family');
    expect(wrong.body).not.toContain('Enter your password');

    const reason = 'Police called out of hours about the children';
    const sent = await browser.lantern.post('/emergency-access', { familyReference: family.reference, reason });
    expect(sent.headers.location).toBe('/sso/reauth?returnTo=%2Femergency-access');
    expect((await browser.lantern.get(`/families/${family.id}`)).statusCode).toBe(403);

    const back = await browser.open(String(sent.headers.location), { login });
    const request = provider.authorizationRequests.at(-1)!;
    expect([request.get('prompt'), request.get('max_age')]).toEqual(['login', '0']);
    expect(back.path).toBe('/emergency-access');
    expect(back.body).toContain('You have signed in again with your Test council account.');
    expect(back.body).toContain(reason);
    expect(back.body).toContain(`value="${family.reference}"`);
    expect((await audit('reauthenticate')).at(-1)).toMatchObject({ outcome: 'allowed', user_id: user.id, detail: { issuer: 'test-idp' } });

    const granted = await browser.lantern.post('/emergency-access', { familyReference: family.reference, reason });
    expect(granted.headers.location).toBe(`/families/${family.id}?saved=emergency-access`);
    expect((await browser.lantern.get(`/families/${family.id}`)).statusCode).toBe(200);
    expect((await audit('break-glass')).at(-1)).toMatchObject({ outcome: 'allowed', user_id: user.id, detail: { confirmedBy: 'single sign-on', issuer: 'test-idp' } });
    const [grant] = await t.db.query<{ reauthenticated_by: string }>('SELECT reauthenticated_by FROM break_glass_grant WHERE user_id = $1', [user.id]);
    expect(grant.reauthenticated_by).toBe('single sign-on');
  });

  it('goes straight on when the sign-in at the issuer was within the last 10 minutes', async () => {
    const { user, browser } = await signedIn();
    const [row] = await t.db.query<{ authenticated_at: Date | null }>('SELECT authenticated_at FROM session WHERE user_id = $1', [user.id]);
    // The provider's auth_time, kept on the session: the person has just signed in there.
    expect(row.authenticated_at).not.toBeNull();
    await browser.lantern.get('/emergency-access');
    const granted = await browser.lantern.post('/emergency-access', { familyReference: family.reference, reason: 'Ambulance crew asked about the children tonight' });
    expect(granted.headers.location).toBe(`/families/${family.id}?saved=emergency-access`);
  });

  it('refuses an issuer sign-in more than 10 minutes old by the app clock, and anyone but the linked identity', async () => {
    // An app whose clock's real time is 11 minutes ahead: the provider's fresh auth_time is too old by it.
    const base = testClock(TEST_TODAY);
    const ahead: Clock = { ...base, real: () => new Date(base.real().getTime() + 11 * 60_000) };
    const late = await buildApp({ services: buildServices(t.db, { sessionHours: 8, clock: ahead, sso }), sessionHours: 8 });
    rememberDatabase(late, t.db);
    try {
      const { user, login, browser } = await signedIn('practitioner', late);
      expect(await services.sso.authenticatedWithin(await sessionOf(user.id))).toBe(false);
      const stale = await browser.open('/sso/reauth?returnTo=%2Femergency-access', { login });
      expect(stale.status).toBe(403);
      expect(stale.body).toContain('Test council account did not ask you to sign in again just now, so Lantern cannot confirm it is you.');
      expect((await audit('reauthenticate')).at(-1)).toMatchObject({ outcome: 'denied', user_id: user.id, detail: { reason: 'not-fresh' } });
    } finally {
      await late.close();
    }

    const { user, browser } = await signedIn();
    await age(user.id);
    const idHash = await sessionOf(user.id);
    // A second account at the issuer linked to the same person is still not the identity this session signed in as.
    const second = account({ email: `other-${user.email}` });
    await t.db.query('INSERT INTO sso_identity (issuer, subject, user_id, issuer_id) VALUES ($1, $2, $3, $4)', [provider.issuer, second, user.id, 'test-idp']);
    // And an account Lantern does not know, whose verified email is the person's, is never linked by a re-authentication.
    const sameEmail = account({ email: user.email });
    for (const other of [second, sameEmail]) {
      const refused = await browser.open('/sso/reauth?returnTo=%2Femergency-access', { login: other });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('You signed in again as someone else. Sign in again as yourself to carry on.');
      expect((await audit('reauthenticate')).at(-1)).toMatchObject({ outcome: 'denied', user_id: user.id, detail: { reason: 'another-person' } });
      expect(await services.sso.authenticatedWithin(idHash)).toBe(false);
    }
    expect((await t.db.query('SELECT 1 FROM sso_identity WHERE subject = $1', [sameEmail])).length).toBe(0);
  });

  it('refuses break glass through the API for someone who confirms who they are only at the issuer, sending them to the web page', async () => {
    // Signed in at the issuer just now: a fresh issuer sign-in proves who held that browser session,
    // not who holds the API token, so the API does not take it as confirmation either.
    const { user } = await signedIn();
    const token = await services.access.createApiToken(user.email, 'test');
    const ask = (on: LanternApp, payload: Record<string, unknown>) =>
      on.inject({ method: 'POST', url: '/api/v1/break-glass', headers: { authorization: `Bearer ${token}` }, payload });
    const reason = 'Police called out of hours about the children';
    const message = `You sign in to Lantern with your Test council account, so the API cannot confirm it is you with a password. `
      + `Ask for emergency access on the web page ${lantern}/emergency-access, where your Test council account confirms who you are.`;

    // Wrong answers are still reported by field, and no password is asked for.
    const wrong = await ask(app, { familyReference: family.reference });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields).toEqual({ reason: 'Enter why you need emergency access to this family' });

    // Local passwords are off: even their (correct) Lantern password is not asked for or taken.
    const refused = await ask(app, { familyReference: family.reference, reason, password: testPassword });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'forbidden', message });
    expect((await audit('break-glass')).at(-1)).toMatchObject({ outcome: 'denied', user_id: user.id, detail: { reason, refused: 'confirm-at-issuer-on-the-web' } });
    expect(await t.db.query('SELECT 1 FROM break_glass_grant WHERE user_id = $1', [user.id])).toHaveLength(0);

    // With passwords on, someone who has none of their own (they joined through single sign-on) is refused the same way.
    await t.db.query(`UPDATE app_user SET password_hash = '!single-sign-on' WHERE id = $1`, [user.id]);
    const noPassword = await ask(passwordsOn, { familyReference: family.reference, reason });
    expect(noPassword.statusCode).toBe(403);
    expect(noPassword.json().message).toBe(message);

    // Someone linked to an issuer who also has a Lantern password, with passwords on, confirms with it as before.
    const both = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId });
    await t.db.query('INSERT INTO sso_identity (issuer, subject, user_id, issuer_id) VALUES ($1, $2, $3, $4)', [provider.issuer, `both-${both.id}`, both.id, 'test-idp']);
    const bothToken = await services.access.createApiToken(both.email, 'test');
    const granted = await passwordsOn.inject({ method: 'POST', url: '/api/v1/break-glass', headers: { authorization: `Bearer ${bothToken}` }, payload: { familyReference: family.reference, reason, password: testPassword } });
    expect(granted.statusCode).toBe(201);
    expect((await audit('break-glass')).at(-1)).toMatchObject({ outcome: 'allowed', user_id: both.id, detail: { confirmedBy: 'password' } });
  });

  it('sends a subject access download back to the issuer, then downloads it; a fresh sign-in goes straight on', async () => {
    const { user, login, browser } = await signedIn('dpo');
    await age(user.id);
    const path = `/data-protection/subject-access/people/${kerryId}/export.json`;
    const first = await browser.lantern.get(path);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/sso/reauth?returnTo=${encodeURIComponent(path)}`);
    expect((await audit('export-subject-access')).filter((e) => e.user_id === user.id)).toHaveLength(0);

    const asked = provider.authorizationRequests.length;
    const downloaded = await browser.open(path, { login });
    expect(provider.authorizationRequests.length).toBe(asked + 1);
    expect(downloaded.status).toBe(200);
    expect(JSON.parse(downloaded.body).person.givenName).toBe('Kerry');
    expect((await audit('export-subject-access')).filter((e) => e.user_id === user.id)).toHaveLength(1);
    // Within the 10 minutes the next download needs no new sign-in.
    expect((await browser.lantern.get(path)).statusCode).toBe(200);
    expect(provider.authorizationRequests.length).toBe(asked + 1);
  });

  it('signs a disabled person’s single sign-on session out on its next page, and refuses their next sign-in there', async () => {
    const { user, login, browser } = await signedIn();
    expect((await browser.lantern.get('/my-families')).statusCode).toBe(200);
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const admin = new PageClient(passwordsOn);
    await admin.signIn(ada.email, testPassword);
    await admin.get(`/admin/users/${user.id}`);
    expect((await admin.post(`/admin/users/${user.id}/disable`, { version: '1' })).statusCode).toBe(303);

    const next = await browser.lantern.get('/my-families');
    expect(next.statusCode).toBe(302);
    expect(next.headers.location).toBe('/sign-in?next=%2Fmy-families');
    const again = await browser.signIn('test-idp', login);
    expect(again.status).toBe(403);
    expect(again.body).toContain('Your Lantern account is disabled. Ask your Lantern administrator if you need it again.');
    expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', record_id: user.id, detail: { reason: 'disabled' } });
  });
});

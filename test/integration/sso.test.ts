import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LanternApp } from '../../src/app.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { SsoOptions } from '../../src/modules/sso/service.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, rememberDatabase } from '../support/http.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { startTestProvider, type TestAccount, type TestProvider } from '../support/oidc-provider.ts';
import { lantern, TwoSiteBrowser } from '../support/two-site-browser.ts';

const tenant = '0b9e2c1a-5a4e-4c8e-9f00-2b7d6c3a1e55';

describe.each(engines)('single sign-on through a real OpenID provider on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let services: Services;
  let provider: TestProvider;
  let p: Awaited<ReturnType<typeof makePartnership>>;
  let sso: SsoOptions;

  const account = (over: TestAccount = {}) => {
    const id = `person-${randomUUID().slice(0, 8)}`;
    provider.accounts.set(id, { email: `${id}@council.example`, email_verified: true, name: `Person ${id}`, ...over });
    return id;
  };
  const audit = async (action: string) => t.db.query<{ outcome: string; user_id: string | null; record_id: string | null; detail: Record<string, unknown> }>(
    'SELECT outcome, user_id, record_id, detail FROM audit_event WHERE action = $1 ORDER BY id', [action]);
  const identities = async (userId: string) => t.db.query('SELECT issuer, issuer_id FROM sso_identity WHERE user_id = $1', [userId]);

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    provider = await startTestProvider();
    provider.start(`${lantern}/sso/callback`);
    sso = {
      issuers: [
        provider.issuerConfig(),
        provider.issuerConfig({ id: 'entra-test', label: 'Northvale Council account', tenantId: tenant, mfaAcr: [] }),
        provider.privateKeyJwtConfig({ mfaAcr: ['AAL3_ANY'] }),
        provider.issuerConfig({ id: 'trusting', label: 'Single-tenant account', trustEmail: true }),
      ],
      localPasswordsOff: false, baseUrl: lantern,
    };
    services = buildServices(t.db, { sessionHours: 8, clock: testClock(TEST_TODAY), sso });
    app = await buildApp({ services, sessionHours: 8 });
    rememberDatabase(app, t.db);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await t?.drop();
  });

  it('shows a button per issuer on the sign-in page, with no personal data in its address', async () => {
    const page = await new PageClient(app).get('/sign-in');
    expect(page.body).toContain('Sign in with Test council account');
    expect(page.body).toContain('Sign in with Northvale Council account');
    expect(page.body).toContain('href="/sso/sign-in?issuer=test-idp"');
    expect(page.body).toContain('id="password"');
  });

  it('links an existing active user by verified email the first time, then knows them by issuer and subject', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Linked' });
    const login = account({ email: user.email.toUpperCase() });
    const browser = new TwoSiteBrowser(app, provider);
    const first = await browser.signIn('test-idp', login);
    expect(first.path).toBe('/my-families');
    expect(first.body).toContain('Priya Linked');
    // The request used PKCE (S256), a state and a nonce.
    const request = provider.authorizationRequests.at(-1)!;
    expect(request.get('code_challenge_method')).toBe('S256');
    expect(request.get('state')?.length).toBeGreaterThan(20);
    expect(request.get('nonce')?.length).toBeGreaterThan(20);
    expect(await identities(user.id)).toEqual([{ issuer: provider.issuer, issuer_id: 'test-idp' }]);
    expect((await audit('sso-link')).filter((e) => e.user_id === user.id)).toHaveLength(1);
    const signIns = (await audit('sign-in')).filter((e) => e.user_id === user.id);
    expect(signIns.at(-1)).toMatchObject({ outcome: 'allowed', detail: { via: 'single sign-on', issuer: 'test-idp', linked: true, mfa: false } });

    // The issuer changes the person's email: the subject still finds them.
    provider.accounts.get(login)!.email = 'someone-else@council.example';
    const again = await new TwoSiteBrowser(app, provider).signIn('test-idp', login);
    expect(again.path).toBe('/my-families');
    expect(again.body).toContain('Priya Linked');
    expect((await audit('sso-link')).filter((e) => e.user_id === user.id)).toHaveLength(1);
  });

  it('counts the sign-in as a second factor only when the issuer asserts multi-factor authentication', async () => {
    const secondFactor = async (login: string, issuerId = 'test-idp') => {
      const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
      provider.accounts.get(login)!.email = user.email;
      const browser = new TwoSiteBrowser(app, provider);
      expect((await browser.signIn(issuerId, login)).path).toBe('/my-families');
      const [row] = await t.db.query<{ second_factor_done: boolean; authenticated: boolean }>(
        'SELECT second_factor_done, authenticated_at IS NOT NULL AS authenticated FROM session WHERE user_id = $1', [user.id]);
      return row;
    };
    expect(await secondFactor(account({ amr: ['pwd'] }))).toEqual({ second_factor_done: false, authenticated: true });
    expect(await secondFactor(account({ amr: ['pwd', 'mfa'] }))).toEqual({ second_factor_done: true, authenticated: true });
    expect(await secondFactor(account({ amr: ['pwd', 'hwk'] }))).toEqual({ second_factor_done: true, authenticated: true });
    // NHS CIS2 style: private_key_jwt client authentication, MFA asserted by a configured acr.
    expect(await secondFactor(account({ acr: 'AAL3_ANY' }), 'test-cis2')).toEqual({ second_factor_done: true, authenticated: true });
    expect(await secondFactor(account({ acr: 'AAL1' }), 'test-cis2')).toEqual({ second_factor_done: false, authenticated: true });
  });

  it('refuses an Entra sign-in whose tid is not the configured tenant, and accepts the tenant’s own', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const outsider = account({ email: user.email, tid: randomUUID() });
    const refused = await new TwoSiteBrowser(app, provider).signIn('entra-test', outsider);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('You signed in with an account from another organisation. Use your Northvale Council account.');
    expect(await identities(user.id)).toEqual([]);
    expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', detail: { issuer: 'entra-test', reason: 'wrong-tenant' } });

    const member = account({ email: user.email, tid: tenant });
    expect((await new TwoSiteBrowser(app, provider).signIn('entra-test', member)).path).toBe('/my-families');
  });

  it('does not link by an email the issuer has not verified', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    for (const verified of [false, undefined]) {
      const login = account({ email: user.email, email_verified: verified });
      const refused = await new TwoSiteBrowser(app, provider).signIn('test-idp', login);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('Test council account has not confirmed your email address, so Lantern cannot match you to your account.');
    }
    expect(await identities(user.id)).toEqual([]);
    expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', record_id: user.id, detail: { reason: 'email-not-verified' } });

    // An issuer configured to vouch for its own addresses (trustEmail, as for one Entra tenant) links without email_verified.
    const other = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const entraStyle = account({ email: other.email, email_verified: undefined });
    expect((await new TwoSiteBrowser(app, provider).signIn('trusting', entraStyle)).path).toBe('/my-families');
    expect(await identities(other.id)).toEqual([{ issuer: provider.issuer, issuer_id: 'trusting' }]);
  });

  it('refuses a disabled user, whether already linked or linking by email', async () => {
    const linked = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const login = account({ email: linked.email });
    expect((await new TwoSiteBrowser(app, provider).signIn('test-idp', login)).path).toBe('/my-families');
    const notYet = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const notYetLogin = account({ email: notYet.email });
    await t.db.query('UPDATE app_user SET active = false WHERE id = ANY($1)', [[linked.id, notYet.id]]);
    for (const [who, l] of [[linked, login], [notYet, notYetLogin]] as const) {
      const browser = new TwoSiteBrowser(app, provider);
      const refused = await browser.signIn('test-idp', l);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('Your Lantern account is disabled. Ask your Lantern administrator if you need it again.');
      expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', record_id: who.id, detail: { reason: 'disabled' } });
      expect((await browser.lantern.get('/my-families')).statusCode).toBe(302);
    }
    expect(await identities(notYet.id)).toEqual([]);
  });

  it('refuses an answer whose state does not match the sign-in this browser started, and a callback nobody started', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const login = account({ email: user.email });
    const browser = new TwoSiteBrowser(app, provider);
    const refused = await browser.signIn('test-idp', login, {
      rewrite: (url) => { url.searchParams.set('state', 'forged-state-value'); return url; },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Lantern could not check your sign-in. Go back to the sign-in page and try again.');
    expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', detail: { issuer: 'test-idp' } });
    expect(String((await audit('sso-sign-in')).at(-1)!.detail.reason)).toMatch(/state/i);
    expect(await identities(user.id)).toEqual([]);

    // A real answer, used once, then replayed: the flow it belonged to is gone.
    let answer = '';
    const honest = new TwoSiteBrowser(app, provider);
    expect((await honest.signIn('test-idp', login, { rewrite: (url) => { answer = url.pathname + url.search; return url; } })).path).toBe('/my-families');
    expect(answer).toMatch(/^\/sso\/callback\?code=/);
    for (const replayer of [honest.lantern, new PageClient(app)]) {
      const replayed = await replayer.get(answer);
      expect(replayed.statusCode).toBe(403);
      expect(replayed.body).toContain('This sign-in was not started in this browser, or it has expired.');
    }

    const stray = await new PageClient(app).get('/sso/callback?code=abc&state=def');
    expect(stray.statusCode).toBe(403);
    expect(stray.body).toContain('This sign-in was not started in this browser, or it has expired.');
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const login = account({ email: user.email });
    const browser = new TwoSiteBrowser(app, provider);
    const atProvider = await browser.open('/sso/sign-in?issuer=test-idp', { stopAtProvider: true });
    const state = atProvider.url!.searchParams.get('state');
    // The sign-in kept in the browser's session now expects another nonce than the one the provider will sign.
    const changed = await t.db.query(`UPDATE session SET data = jsonb_set(data, '{ssoFlow,nonce}', '"another-nonce-value-0123456789"') WHERE data->'ssoFlow'->>'state' = $1 RETURNING id_hash`, [state]);
    expect(changed).toHaveLength(1);
    const refused = await browser.open(atProvider.url!.href, { login });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Lantern could not check your sign-in. Go back to the sign-in page and try again.');
    expect(String((await audit('sso-sign-in')).at(-1)!.detail.reason)).toMatch(/nonce/i);
    expect(await identities(user.id)).toEqual([]);
  });

  it('keeps an unknown person waiting for a role until an administrator gives them one', async () => {
    const login = account({ name: 'Jamie Newcomer', email: 'jamie.newcomer@council.example' });
    const browser = new TwoSiteBrowser(app, provider);
    const waiting = await browser.signIn('test-idp', login);
    expect(waiting.path).toBe('/sso/pending');
    expect(waiting.body).toContain('An administrator needs to give you a role');
    expect((await browser.lantern.get('/my-families')).statusCode).toBe(302);
    expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', detail: { reason: 'pending-new' } });

    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const admin = new PageClient(app);
    await admin.signIn(ada.email, testPassword);
    const list = await admin.get('/admin/pending-people');
    expect(list.body).toContain('Jamie Newcomer');
    const personPath = /href="(\/admin\/pending-people\/[0-9a-f-]{36})"/.exec(list.body.slice(list.body.indexOf('Jamie Newcomer') - 200))![1];
    const form = await admin.get(personPath);
    expect(form.body).toContain('value="jamie.newcomer@council.example"');
    const bad = await admin.post(personPath, { displayName: 'Jamie Newcomer', email: 'jamie.newcomer@council.example', role: 'practitioner', agencyId: '' });
    expect(bad.headers.location).toBe(personPath);
    const again = await admin.get(personPath);
    expect(again.body).toContain('There is a problem');
    expect(again.body).toContain('Select the person’s agency');
    const approved = await admin.post(personPath, {
      displayName: 'Jamie Newcomer', email: 'jamie.newcomer@council.example', role: 'practitioner', agencyId: p.agencies.childrens_social_care, teamId: p.teamId,
    });
    expect(approved.statusCode).toBe(303);
    const userId = /\/admin\/users\/([0-9a-f-]{36})/.exec(String(approved.headers.location))![1];
    expect((await admin.get(String(approved.headers.location))).body).toContain('Jamie Newcomer can now sign in and use Lantern');
    expect((await audit('sso-approve')).at(-1)).toMatchObject({ outcome: 'allowed', record_id: userId });

    const signedIn = await new TwoSiteBrowser(app, provider).signIn('test-idp', login);
    expect(signedIn.path).toBe('/my-families');
    expect(signedIn.body).toContain('Jamie Newcomer');
    // Their account has no password that could ever match.
    const [row] = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM app_user WHERE id = $1', [userId]);
    expect(row.password_hash.startsWith('$argon2')).toBe(false);
  });

  it('lets an administrator refuse someone waiting, who then sees that a decision was made', async () => {
    const login = account({ name: 'Casey Stranger' });
    const browser = new TwoSiteBrowser(app, provider);
    expect((await browser.signIn('test-idp', login)).path).toBe('/sso/pending');
    const [pending] = await t.db.query<{ id: string }>('SELECT id FROM sso_pending_person WHERE subject = $1', [login]);
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const admin = new PageClient(app);
    await admin.signIn(ada.email, testPassword);
    await admin.get(`/admin/pending-people/${pending.id}`);
    const refused = await admin.post(`/admin/pending-people/${pending.id}/refuse`, {});
    expect(refused.headers.location).toBe('/admin/pending-people');
    const list = await admin.get('/admin/pending-people');
    expect(list.body).toContain('Refused: they cannot use Lantern.');
    expect(list.body).not.toContain('Casey Stranger');
    expect((await audit('sso-refuse')).at(-1)).toMatchObject({ outcome: 'allowed', record_id: pending.id });
    const page = await browser.lantern.get('/sso/pending');
    expect(page.body).toContain('An administrator has decided about your access. Sign in again');
    // Practitioners cannot see the list at all.
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const workerClient = new PageClient(app);
    await workerClient.signIn(worker.email, testPassword);
    expect((await workerClient.get('/admin/pending-people')).statusCode).toBe(403);
  });

  it('returns to the page the person was going to (a path of Lantern’s only)', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const login = account({ email: user.email });
    expect((await new TwoSiteBrowser(app, provider).open('/sso/sign-in?issuer=test-idp&next=%2Fsessions', { login })).path).toBe('/sessions');
    expect((await new TwoSiteBrowser(app, provider).open('/sso/sign-in?issuer=test-idp&next=%2F%2Fevil.example', { login })).path).toBe('/my-families');
    expect((await new PageClient(app).get('/sso/sign-in?issuer=nobody')).statusCode).toBe(404);
  });

  it('sends a person back to the issuer to re-authenticate (prompt=login, max_age=0) and records the fresh time', async () => {
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    const login = account({ email: user.email });
    const browser = new TwoSiteBrowser(app, provider);
    expect((await browser.signIn('test-idp', login)).path).toBe('/my-families');
    const [session] = await t.db.query<{ id_hash: string }>('SELECT id_hash FROM session WHERE user_id = $1', [user.id]);
    await t.db.query("UPDATE session SET authenticated_at = authenticated_at - interval '1 hour' WHERE id_hash = $1", [session.id_hash]);
    expect(await services.sso.authenticatedWithin(session.id_hash, 10)).toBe(false);

    const back = await browser.open('/sso/reauth?returnTo=%2Fsessions', { login });
    expect(back.path).toBe('/sessions');
    const request = provider.authorizationRequests.at(-1)!;
    expect([request.get('prompt'), request.get('max_age')]).toEqual(['login', '0']);
    expect(await services.sso.authenticatedWithin(session.id_hash, 10)).toBe(true);
    expect((await audit('reauthenticate')).at(-1)).toMatchObject({ outcome: 'allowed', user_id: user.id });

    // Someone else at the issuer cannot re-authenticate this session.
    await t.db.query("UPDATE session SET authenticated_at = authenticated_at - interval '1 hour' WHERE id_hash = $1", [session.id_hash]);
    const other = account();
    const refused = await browser.open('/sso/reauth?returnTo=%2Fsessions', { login: other });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('You signed in again as someone else.');
    expect(await services.sso.authenticatedWithin(session.id_hash, 10)).toBe(false);

    // A password sign-in has no issuer to go back to.
    const local = new PageClient(app);
    await local.signIn(user.email, testPassword);
    const none = await local.get('/sso/reauth?returnTo=%2Fsessions');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('You did not sign in through your organisation’s account');
  });

  it('lets an administrator switch local passwords off: no password form, and the form’s post is refused', async () => {
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const admin = new PageClient(app);
    await admin.signIn(ada.email, testPassword);
    // A sign-in page opened while passwords were still on: its form carries a CSRF token.
    const early = new PageClient(app);
    await early.get('/sign-in');
    const settings = await admin.get('/admin/sign-in-settings');
    expect(settings.body).toContain('Test council account');
    expect((await admin.post('/admin/sign-in-settings', {})).headers.location).toBe('/admin/sign-in-settings');
    expect((await admin.get('/admin/sign-in-settings')).body).toContain('Select whether people can sign in with a Lantern password');
    expect((await admin.post('/admin/sign-in-settings', { localPasswords: 'off' })).statusCode).toBe(303);
    try {
      const visitor = new PageClient(app);
      const page = await visitor.get('/sign-in');
      expect(page.body).not.toContain('id="password"');
      expect(page.body).toContain('Sign in with Test council account');
      const posted = await early.post('/sign-in', { email: ada.email, password: testPassword });
      expect(posted.headers.location).toBe('/sign-in');
      const shown = await early.get('/sign-in');
      expect(shown.body).toContain('There is a problem');
      expect(shown.body).toContain('Lantern passwords are switched off for this partnership. Sign in with your organisation’s account.');
      expect((await early.get('/my-families')).statusCode).toBe(302);
      const [change] = (await audit('change-sign-in-settings')).slice(-1);
      expect(change.detail).toEqual({ before: { localPasswords: true }, after: { localPasswords: false } });
    } finally {
      expect((await admin.post('/admin/sign-in-settings', { localPasswords: 'on' })).statusCode).toBe(303);
    }
  });

  it('takes up an invitation through the issuer when Lantern passwords are off, linking whichever account the person signs in with', async () => {
    const forced = await buildApp({ services: buildServices(t.db, { sessionHours: 8, clock: testClock(TEST_TODAY), sso: { ...sso, localPasswordsOff: true } }), sessionHours: 8 });
    rememberDatabase(forced, t.db);
    try {
      const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
      const { userId, invitation } = await services.admin.inviteUser(ada, {
        displayName: 'Robin Invited', email: `robin-${randomUUID().slice(0, 6)}@northvale.example`, role: 'practitioner', agencyId: p.agencies.childrens_social_care, teamId: p.teamId,
      });
      // With passwords on, the same link offers both.
      const both = await new PageClient(app).get(`/invitations/${invitation}`);
      expect(both.body).toContain('id="password"');
      expect(both.body).toContain(`href="/invitations/${invitation}/single-sign-on?issuer=test-idp"`);

      const browser = new TwoSiteBrowser(forced, provider);
      const page = await browser.lantern.get(`/invitations/${invitation}`);
      expect(page.body).toContain('<h1 class="govuk-heading-l">Sign in with your organisation’s account</h1>');
      expect(page.body).not.toContain('id="password"');
      expect(page.body).toContain(`href="/invitations/${invitation}/single-sign-on?issuer=test-idp"`);
      expect(page.body).toContain('Sign in with Test council account');
      // A password posted anyway (from a page opened while passwords were on) is refused, saying why.
      const early = new PageClient(app);
      await early.get(`/invitations/${invitation}`);
      const visitor = Object.assign(new PageClient(forced), { cookie: early.cookie, csrf: early.csrf });
      expect((await visitor.post(`/invitations/${invitation}`, { password: 'a long password', confirmPassword: 'a long password' })).headers.location).toBe(`/invitations/${invitation}`);
      const refused = await visitor.get(`/invitations/${invitation}`);
      expect(refused.body).toContain('<title>Error: Sign in with your organisation’s account – Lantern</title>');
      expect(refused.body).toContain('<a href="#sso">Lantern passwords are switched off for this partnership. Sign in with your organisation’s account to use this invitation.</a>');

      // The issuer's account has another address than the one the administrator typed: the invitation, not the email, links it.
      const login = account({ email: 'r.invited@council.example' });
      const done = await browser.open(`/invitations/${invitation}/single-sign-on?issuer=test-idp`, { login });
      expect(done.path).toBe('/my-families');
      expect(done.body).toContain('Robin Invited');
      expect(await identities(userId)).toEqual([{ issuer: provider.issuer, issuer_id: 'test-idp' }]);
      expect((await audit('accept-invitation')).at(-1)).toMatchObject({ user_id: userId, detail: { via: 'single sign-on', issuer: 'test-idp' } });
      expect((await audit('sso-link')).at(-1)).toMatchObject({ user_id: userId, detail: { issuer: 'test-idp', by: 'invitation' } });
      expect(await services.admin.user(ada, userId)).toMatchObject({ invited: false, active: true });
      // The link worked once; from now on the issuer alone signs them in.
      expect((await new PageClient(forced).get(`/invitations/${invitation}`)).statusCode).toBe(404);
      expect((await new PageClient(forced).get(`/invitations/${invitation}/single-sign-on?issuer=test-idp`)).statusCode).toBe(404);
      expect((await new TwoSiteBrowser(forced, provider).signIn('test-idp', login)).path).toBe('/my-families');

      // An account already linked to someone else cannot take up another person's invitation; the invitation still works.
      const second = await services.admin.inviteUser(ada, {
        displayName: 'Sasha Invited', email: `sasha-${randomUUID().slice(0, 6)}@northvale.example`, role: 'practitioner', agencyId: p.agencies.childrens_social_care,
      });
      const taken = await new TwoSiteBrowser(forced, provider).open(`/invitations/${second.invitation}/single-sign-on?issuer=test-idp`, { login });
      expect(taken.status).toBe(403);
      expect(taken.body).toContain('Your Test council account is already linked to another person in Lantern, so it cannot be used for this invitation.');
      expect((await audit('sso-sign-in')).at(-1)).toMatchObject({ outcome: 'denied', record_id: second.userId, detail: { reason: 'linked-to-someone-else' } });
      expect(await identities(second.userId)).toEqual([]);
      expect(await services.admin.invitation(second.invitation)).toMatchObject({ user_id: second.userId });
    } finally {
      await forced.close();
    }
  });

  it('shows an administrator each account linked to a person, with its last sign-in, and unlinks one', async () => {
    const ada = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care });
    const admin = new PageClient(app);
    await admin.signIn(ada.email, testPassword);
    const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    expect((await admin.get(`/admin/users/${user.id}`)).body).toContain('No organisation account linked');
    const login = account({ email: user.email });
    const browser = new TwoSiteBrowser(app, provider);
    expect((await browser.signIn('test-idp', login)).path).toBe('/my-families');

    const page = await admin.get(`/admin/users/${user.id}`);
    const when = '\\d{1,2} [A-Z][a-z]+ \\d{4} at \\d{1,2}(:\\d\\d)?(am|pm)';
    expect(page.body).toMatch(new RegExp(`<td class="govuk-table__cell">Test council account</td>\\s*<td class="govuk-table__cell">${when}</td>\\s*<td class="govuk-table__cell">${when}</td>`));
    const unlink = /action="(\/admin\/users\/[0-9a-f-]{36}\/single-sign-on\/[0-9a-f-]{36}\/unlink)"/.exec(page.body)![1];

    const worker = new PageClient(app);
    await worker.signIn(user.email, testPassword);
    expect((await worker.post(unlink, {})).statusCode).toBe(403);

    const done = await admin.post(unlink, {});
    expect(done.headers.location).toBe(`/admin/users/${user.id}`);
    expect((await admin.get(`/admin/users/${user.id}`)).body).toContain('Unlinked their Test council account, and ended the session signed in with it.');
    expect(await identities(user.id)).toEqual([]);
    // The session signed in through the issuer is over; the one signed in with a password is not.
    expect((await browser.lantern.get('/my-families')).statusCode).toBe(302);
    expect((await worker.get('/my-families')).statusCode).toBe(200);
    const [event] = (await audit('sso-unlink')).slice(-1);
    expect(event).toMatchObject({ outcome: 'allowed', user_id: ada.id, record_id: user.id, detail: { before: { issuer: 'test-idp' }, after: null, sessionsEnded: 1 } });
    expect((await admin.post(unlink, {})).statusCode).toBe(404);
  });

  it('honours LANTERN_LOCAL_PASSWORDS=off whatever the setting says', async () => {
    const forced = await buildApp({ services: buildServices(t.db, { sessionHours: 8, clock: testClock(TEST_TODAY), sso: { ...sso, localPasswordsOff: true } }), sessionHours: 8 });
    rememberDatabase(forced, t.db);
    try {
      const user = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
      expect((await new PageClient(forced).get('/sign-in')).body).not.toContain('id="password"');
      // A session and CSRF token from a page opened before the switch (sessions live in the database).
      const early = new PageClient(app);
      await early.get('/sign-in');
      const visitor = Object.assign(new PageClient(forced), { cookie: early.cookie, csrf: early.csrf });
      expect((await visitor.post('/sign-in', { email: user.email, password: testPassword })).headers.location).toBe('/sign-in');
      expect((await visitor.get('/sign-in')).body).toContain('Lantern passwords are switched off for this partnership.');
      expect((await visitor.get('/my-families')).statusCode).toBe(302);
    } finally {
      await forced.close();
    }
  });
});

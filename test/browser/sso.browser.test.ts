import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { AdminListPage, AdminPage } from '../support/admin-pages.ts';
import { aFamily, aMember, makeUser } from '../support/factories.ts';
import { EmergencyAccessPage } from '../support/governance-pages.ts';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.ts';
import { TestProviderLogin } from '../support/sso-pages.ts';

/**
 * Single sign-on in a real browser, through a real OpenID provider (oidc-provider) that this
 * test starts on a local port: authorization code flow with PKCE, back to Lantern.
 */
describe('single sign-on in the browser', () => {
  let provider: TestProvider;
  let lantern: Lantern;

  beforeAll(async () => {
    provider = await startTestProvider();
    lantern = await startLantern({ sso: { issuers: [provider.issuerConfig({ label: 'Testshire Council account' })], localPasswordsOff: false } });
    provider.start(`${lantern.baseUrl}/sso/callback`);
  });
  afterAll(async () => {
    await lantern?.close();
    await provider?.close();
  });

  it('signs a known person in through the issuer, linking them by their verified email', async () => {
    const priya = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.childrens_social_care, teamId: lantern.partnership.teamId, name: 'Priya Shah' });
    provider.accounts.set('priya', { email: priya.email, email_verified: true, name: 'Priya Shah', amr: ['pwd', 'mfa'] });
    const signIn = await SignInPage.open(await lantern.newPage());
    const login = await TestProviderLogin.from(signIn, 'Testshire Council account');
    const myFamilies = await login.signInToMyFamilies('priya');
    expect(await myFamilies.signedInAs()).toContain('Priya Shah');
    const [link] = await lantern.db.query<{ issuer_id: string }>('SELECT issuer_id FROM sso_identity WHERE user_id = $1', [priya.id]);
    expect(link.issuer_id).toBe('test-idp');
  });

  it('keeps a new person waiting until an administrator gives them a role, agency and team', async () => {
    provider.accounts.set('sam', { email: 'sam.new@testshire.example', email_verified: true, name: 'Sam Newcomer' });
    const page = await lantern.newPage();
    const waiting = await (await TestProviderLogin.from(await SignInPage.open(page), 'Testshire Council account')).signInToWaiting('sam');
    expect(await waiting.page.locator('main').innerText()).toContain('A Lantern administrator needs to give you a role, an agency and a team');

    const admin = await makeUser(lantern.db, { role: 'administrator', agencyId: lantern.partnership.agencies.childrens_social_care, name: 'Ada Admin' });
    const adminArea = await AdminPage.fromMenu(await lantern.signedIn(admin));
    await adminArea.clickAndLoad(adminArea.page.locator('main').getByRole('link', { name: 'People waiting for access', exact: true }));
    const list = await new LanternPage(adminArea.page).arrive('People waiting for access');
    await list.clickAndLoad(list.page.locator('main table').getByRole('link', { name: 'Sam Newcomer', exact: true }));
    const form = await new LanternPage(list.page).arrive('Give Sam Newcomer access');
    expect(await form.valueOf('Email address')).toBe('sam.new@testshire.example');
    await form.press('Give access');
    const withErrors = await new LanternPage(form.page).arrive('Give Sam Newcomer access');
    expect(await withErrors.errorSummary()).toEqual([{ text: 'Select the person’s agency', href: '#agencyId' }]);
    expect(await withErrors.title()).toMatch(/^Error: /);
    await withErrors.select('Agency', "Testshire Children's Services");
    await withErrors.select('Team', "Riverside family support (Testshire Children's Services)");
    await withErrors.press('Give access');
    const userPage = await new LanternPage(withErrors.page).arrive('Sam Newcomer');
    expect(await userPage.successBanner()).toBe('Sam Newcomer can now sign in and use Lantern');

    // Sam signs in again and is in.
    const again = await (await TestProviderLogin.from(await SignInPage.open(await lantern.newPage()), 'Testshire Council account')).signInToMyFamilies('sam');
    expect(await again.signedInAs()).toContain('Sam Newcomer');
  });

  it('with passwords off, an invited person takes up their link through the issuer, and an administrator can unlink the account', async () => {
    const saved = await switchPasswordsOffAs(lantern, 'Cy Admin');
    try {
      const users = await (await new AdminListPage(saved.page).backToAdmin()).open('Users');
      const form = await users.add('Add a user', 'Add a user');
      await form.fill('Full name', 'Robin Lee');
      await form.fill('Email address', 'robin.lee@testshire.example');
      await form.choose('Role', 'Practitioner');
      await form.select('Agency', "Testshire Children's Services");
      const link = await form.addUser('Robin Lee');
      expect(await form.page.locator('main').innerText()).toContain('They open it and sign in with their organisation’s account');

      // Robin's account at the issuer has another address: the link, not the email, connects them.
      provider.accounts.set('robin', { email: 'r.lee@partner.example', email_verified: true, name: 'R Lee' });
      const robin = await lantern.newPage();
      await robin.goto(link);
      const welcome = await new LanternPage(robin).arrive('Sign in with your organisation’s account');
      expect(await robin.getByLabel('Password', { exact: true }).count()).toBe(0);
      const home = await (await TestProviderLogin.from(welcome, 'Testshire Council account')).signInToMyFamilies('robin');
      expect(await home.signedInAs()).toContain('Robin Lee');

      const list = await (await new AdminListPage(saved.page).backToAdmin()).open('Users');
      const robinAdmin = await list.openRecord('Robin Lee', 'Robin Lee');
      const linked = await robinAdmin.page.locator('#sso-identities tbody tr td').allInnerTexts();
      expect(linked[0]).toBe('Testshire Council account');
      expect(linked[2]).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?(am|pm)$/);
      await robinAdmin.clickAndLoad(robinAdmin.page.getByRole('button', { name: 'Unlink Testshire Council account', exact: true }));
      const unlinked = await new LanternPage(robinAdmin.page).arrive('Robin Lee');
      expect(await unlinked.successBanner()).toBe('Unlinked their Testshire Council account, and ended the session signed in with it.');
      await robin.reload();
      await new SignInPage(robin).arrive('Sign in to Lantern');
    } finally {
      await saved.page.goto('/admin/sign-in-settings');
      const back = await new LanternPage(saved.page).arrive('How people sign in');
      await back.choose('Can people sign in with a Lantern password?', 'Yes, a password or single sign-on');
      await back.press('Save sign-in settings');
      await new LanternPage(back.page).arrive('How people sign in');
    }
  }, 240_000);

  it('with passwords off, break glass sends the person back to the issuer and brings them back to their answers, never asking for a password', async () => {
    const saved = await switchPasswordsOffAs(lantern, 'Di Admin');
    try {
      const { agencies, teamId, otherTeamId } = lantern.partnership;
      const lead = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId });
      const olu = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: otherTeamId, name: 'Olu Night' });
      const { reference } = await lantern.services.families.createFamily(lead, { family: aFamily({ familyName: 'Walsh' }), members: [aMember()] });
      provider.accounts.set('olu', { email: olu.email, email_verified: true, name: 'Olu Night' });
      const page = await lantern.newPage();
      await (await TestProviderLogin.from(await SignInPage.open(page), 'Testshire Council account')).signInToMyFamilies('olu');
      // As if Olu signed in at the issuer an hour ago.
      await lantern.db.query("UPDATE session SET authenticated_at = authenticated_at - interval '1 hour' WHERE user_id = $1", [olu.id]);

      const ask = await EmergencyAccessPage.open(page);
      expect(await page.getByLabel('Your password', { exact: true }).count()).toBe(0);
      const reason = 'Police called out of hours about the children';
      await (await ask.askThroughIssuer(reference, reason)).continueAs('olu');
      const back = await new EmergencyAccessPage(page).arrive('Ask for emergency access');
      expect(await page.locator('#confirmed').innerText()).toContain('You have signed in again with your Testshire Council account.');
      expect(await back.valueOf('Why do you need access now?')).toBe(reason);
      await back.press('Get emergency access');
      const family = await new LanternPage(page).arrive('Walsh family');
      expect(await family.page.locator('.govuk-notification-banner').first().innerText()).toContain('You have emergency read-only access until');
    } finally {
      await saved.page.goto('/admin/sign-in-settings');
      const on = await new LanternPage(saved.page).arrive('How people sign in');
      await on.choose('Can people sign in with a Lantern password?', 'Yes, a password or single sign-on');
      await on.press('Save sign-in settings');
      await new LanternPage(on.page).arrive('How people sign in');
    }
  }, 240_000);

  it('shows the sign-in settings to an administrator and hides the password form when passwords are off', async () => {
    const saved = await switchPasswordsOffAs(lantern, 'Bo Admin');
    expect(await saved.successBanner()).toBe('Sign-in settings saved');
    try {
      const signIn = await SignInPage.open(await lantern.newPage());
      expect(await signIn.page.getByLabel('Password', { exact: true }).count()).toBe(0);
      expect(await signIn.page.getByRole('button', { name: 'Sign in with Testshire Council account' }).count()).toBe(1);
    } finally {
      await saved.choose('Can people sign in with a Lantern password?', 'Yes, a password or single sign-on');
      await saved.press('Save sign-in settings');
    }
  });
});

/** An administrator switches Lantern passwords off; the test switches them back on. */
async function switchPasswordsOffAs(lantern: Lantern, name: string): Promise<LanternPage> {
  const admin = await makeUser(lantern.db, { role: 'administrator', agencyId: lantern.partnership.agencies.childrens_social_care, name });
  const adminArea = await AdminPage.fromMenu(await lantern.signedIn(admin));
  await adminArea.clickAndLoad(adminArea.page.locator('main').getByRole('link', { name: 'How people sign in', exact: true }));
  const settings = await new LanternPage(adminArea.page).arrive('How people sign in');
  await settings.choose('Can people sign in with a Lantern password?', 'No, only single sign-on');
  await settings.press('Save sign-in settings');
  return new LanternPage(settings.page).arrive('How people sign in');
}

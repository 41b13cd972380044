import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanternPage, MyFamiliesPage, SecondFactorSetUpPage, SignInCodePage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { makeUser, testPassword } from '../support/factories.ts';
import { codeFor, currentCode } from '../support/second-factor.ts';

/** An administrator sets up a second factor at their first sign-in, then signs in with a code. */
describe('the second factor, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let email = '';

  beforeAll(async () => {
    lantern = await startLantern();
    const admin = await makeUser(lantern.db, { role: 'administrator', agencyId: lantern.partnership.agencies.childrens_social_care, name: 'Ada Admin' });
    // A new administrator has no second factor yet.
    await lantern.db.query('DELETE FROM second_factor WHERE user_id = $1', [admin.id]);
    email = admin.email;
  });
  afterAll(async () => {
    await lantern?.close();
  });

  async function password(page: LanternPage) {
    await page.fill('Email address', email);
    await page.fill('Password', testPassword);
    await page.press('Sign in');
  }

  it('sets one up after the password, then asks for a code at every sign-in', async () => {
    const signIn = await SignInPage.open(await lantern.newPage());
    await password(signIn);
    const setUp = await new SecondFactorSetUpPage(signIn.page).arrive('Set up your second factor');
    const secret = await setUp.secret();
    expect(secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await setUp.confirm('123');
    const again = await new SecondFactorSetUpPage(signIn.page).arrive('Set up your second factor');
    expect(await again.title()).toBe('Error: Set up your second factor – Lantern');
    expect(await again.errorSummary()).toEqual([{ text: 'The code is not right. Check the time on your phone is correct, and enter the code your app shows now', href: '#code' }]);
    expect(await again.secret()).toBe(secret);
    await again.confirm(codeFor(secret));
    const done = await new LanternPage(signIn.page).arrive('Your second factor is set up');
    expect(await signIn.page.locator('#recovery-codes li').count()).toBe(10);
    await done.press('Continue');
    const home = await new MyFamiliesPage(signIn.page).arrive('My families');
    expect(await home.signedInAs()).toContain('Ada Admin');

    const out = await home.signOut();
    await password(out);
    const codePage = await new SignInCodePage(out.page).arrive(SignInCodePage.heading);
    // Nothing opens until the code is given.
    expect(new URL(out.page.url()).search).toBe('?next=%2Fmy-families');
    await codePage.enterCode('000000');
    const wrong = await new SignInCodePage(out.page).arrive(SignInCodePage.heading);
    expect(await wrong.errorSummary()).toEqual([{ text: 'The code is not right. Enter the 6-digit code your app shows now', href: '#code' }]);
    await wrong.page.goto('/admin');
    const stillOwed = await new SignInCodePage(out.page).arrive(SignInCodePage.heading);
    await stillOwed.enterCode(await currentCode(lantern.db, email));
    const admin = await new LanternPage(out.page).arrive('Administration');

    // The rule forms are accessible pages that fit a phone, with the error summary.
    await admin.clickAndLoad(admin.page.getByRole('link', { name: 'Identification rules', exact: true }));
    const identification = await new LanternPage(admin.page).arrive('Identification rules');
    await identification.fill('A household is eligible when it has at least this many of those problems', '9');
    await identification.press('Save rules');
    const refused = await new LanternPage(admin.page).arrive('Identification rules');
    expect(await refused.errorSummary()).toEqual([{ text: 'Enter how many problems make a household eligible, a whole number from 1 to 6', href: '#minimumProblems' }]);
    await refused.page.goto('/admin/claim-rules');
    const claims = await new LanternPage(admin.page).arrive('Claim rules');
    await claims.page.getByLabel('Value').first().fill('ninety');
    await claims.press('Save rules');
    const claimsRefused = await new LanternPage(admin.page).arrive('Claim rules');
    expect(await claimsRefused.errorSummary()).toEqual([{ text: 'Getting a good education: enter the value as a number, like 90', href: '#education-0-value' }]);
  });
});

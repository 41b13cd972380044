import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { LanternPage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';

// A generous per-test timeout: a real browser on a busy machine can be several times slower.
describe('signing in and out, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;
  let worker: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId } = lantern.partnership;
    worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId, name: 'Priya Shah', email: 'priya.shah@test.example' });
    await lantern.services.families.createFamily(worker, { family: aFamily({ familyName: 'Walsh' }), members: [aMember()] });
    // A family she is not working with: it must not be listed.
    const other = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId: lantern.partnership.otherTeamId });
    await lantern.services.families.createFamily(other, { family: aFamily({ familyName: 'Okafor' }), members: [aMember({ givenName: 'Ada', familyName: 'Okafor' })] });
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('shows an error summary for a wrong password and keeps the email typed', async () => {
    const page = await lantern.newPage();
    const signIn = await SignInPage.open(page);
    expect(await signIn.title()).toBe('Sign in to Lantern – Lantern');
    expect(await signIn.errorSummary()).toEqual([]);

    const again = await signIn.signInExpectingError(worker.email, 'not the password');
    expect(await again.title()).toMatch(/^Error: /);
    expect(await again.errorSummaryTitle()).toBe('There is a problem');
    expect(await again.errorSummary()).toEqual([{ text: 'Enter a correct email address and password', href: '#email' }]);
    expect(await again.fieldError('email')).toBe('Enter a correct email address and password');
    expect(await again.valueOf('Email address')).toBe(worker.email);
    expect(await again.valueOf('Password')).toBe('');
    expect(await again.signedInAs()).toBeNull();
    expect(await again.followErrorLink('Enter a correct email address and password')).toBe('email');
  });

  it('asks for both fields when they are left blank', async () => {
    const page = await lantern.newPage();
    const signIn = await SignInPage.open(page);
    const again = await signIn.signInExpectingError('', '');
    expect(await again.errorSummary()).toEqual([
      { text: 'Enter your email address', href: '#email' },
      { text: 'Enter your password', href: '#password' },
    ]);
    expect(await again.followErrorLink('Enter your password')).toBe('password');
  });

  it('signs in to My families, listing only the practitioner’s families', async () => {
    const page = await lantern.newPage();
    const myFamilies = await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    expect(myFamilies.url.pathname).toBe('/my-families');
    expect(await myFamilies.signedInAs()).toBe("Priya Shah, Testshire Children's Services");
    const rows = await myFamilies.families();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ family: 'Walsh family', postcode: 'NV1 4AB', children: '0', yourRole: 'Key worker', lead: 'Priya Shah' });
    expect(rows[0].reference).not.toBe('');
    const walsh = await myFamilies.openFamily('Walsh');
    expect(await walsh.memberNames()).toEqual(['Kerry Walsh']);
  });

  it('sends a signed-out visitor to sign in and back to the page they asked for', async () => {
    const page = await lantern.newPage();
    await page.goto('/my-families');
    const signIn = await LanternPage.expectAt(page, 'Sign in to Lantern');
    expect(signIn.url.pathname).toBe('/sign-in');
    expect(signIn.url.searchParams.get('next')).toBe('/my-families');
    const myFamilies = await new SignInPage(page).signIn(worker.email, testPassword);
    expect(myFamilies.url.pathname).toBe('/my-families');
  });

  it('signs out to the sign-in page, after which My families needs signing in again', async () => {
    const page = await lantern.newPage();
    const myFamilies = await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    const signedOut = await myFamilies.signOut();
    expect(signedOut.url.pathname).toBe('/sign-in');
    expect(await signedOut.signedInAs()).toBeNull();
    expect(await page.locator('#site-search').count()).toBe(0);

    await page.goto('/my-families');
    const signIn = await LanternPage.expectAt(page, 'Sign in to Lantern');
    expect(signIn.url.pathname).toBe('/sign-in');
    expect(await signIn.signedInAs()).toBeNull();
  });

  it('runs its scripts under the real Content-Security-Policy', async () => {
    const page = await lantern.newStrictPage();
    const problems: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto('/sign-in');
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
    // govuk-frontend marks the body once its module script has run.
    await page.locator('body.govuk-frontend-supported').waitFor({ state: 'attached' });
    // A wrong sign-in: the error summary component (JavaScript) takes focus.
    const signIn = new SignInPage(page);
    await signIn.fill('Email address', worker.email);
    await signIn.fill('Password', 'wrong');
    await signIn.press('Sign in');
    await page.locator('.govuk-error-summary').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    expect(problems).toEqual([]);
  });
});

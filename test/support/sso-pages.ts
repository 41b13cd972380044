import type { Page } from 'playwright-core';
import { LanternPage, MyFamiliesPage, SignInPage } from './browser.ts';

/** Page objects for single sign-on: the issuer's button, the test provider's login page, and the pages after it. */

/** The test provider's own login page (not Lantern's, so no axe or h1 rules of ours apply). */
export class TestProviderLogin {
  constructor(readonly page: Page) {}

  /** From a Lantern page with the issuer's button: the sign-in page, or an invitation link's page. */
  static async from(signIn: SignInPage | LanternPage, issuerLabel: string): Promise<TestProviderLogin> {
    await signIn.clickAndLoad(signIn.page.getByRole('button', { name: `Sign in with ${issuerLabel}`, exact: true }));
    await signIn.page.locator('h1', { hasText: 'Sign in to the test provider' }).waitFor();
    return new TestProviderLogin(signIn.page);
  }

  /** Signs in at the provider and follows it back to Lantern. */
  async continueAs(accountId: string): Promise<void> {
    await this.page.getByLabel('Username', { exact: true }).fill(accountId);
    const back = this.page.waitForURL((url) => !url.pathname.startsWith('/interaction/') && !url.pathname.startsWith('/auth') && !url.pathname.startsWith('/sso/callback'));
    await this.page.getByRole('button', { name: 'Continue', exact: true }).click();
    await back;
  }

  async signInToMyFamilies(accountId: string): Promise<MyFamiliesPage> {
    await this.continueAs(accountId);
    return new MyFamiliesPage(this.page).arrive('My families');
  }

  async signInToWaiting(accountId: string): Promise<LanternPage> {
    await this.continueAs(accountId);
    return new LanternPage(this.page).arrive('An administrator needs to give you a role');
  }
}

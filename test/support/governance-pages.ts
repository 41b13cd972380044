import type { Page } from 'playwright-core';
import { LanternPage } from './browser.ts';
import { TestProviderLogin } from './sso-pages.ts';

/** Ask for emergency access (break glass): the family reference, why, and the password again. */
export class EmergencyAccessPage extends LanternPage {
  static async open(page: Page): Promise<EmergencyAccessPage> {
    await page.goto('/emergency-access');
    return new EmergencyAccessPage(page).arrive('Ask for emergency access');
  }

  private async submit(reference: string, reason: string, password: string) {
    await this.fill('Family reference', reference);
    await this.fill('Why do you need access now?', reason);
    await this.fill('Your password', password);
    await this.press('Get emergency access');
  }

  async askExpectingError(reference: string, reason: string, password: string): Promise<EmergencyAccessPage> {
    await this.submit(reference, reason, password);
    return new EmergencyAccessPage(this.page).arrive('Ask for emergency access');
  }

  /** From a session signed in through single sign-on (no password box): asks, and arrives at the issuer's login page to sign in again. */
  async askThroughIssuer(reference: string, reason: string): Promise<TestProviderLogin> {
    await this.fill('Family reference', reference);
    await this.fill('Why do you need access now?', reason);
    await this.press('Get emergency access');
    await this.page.locator('h1', { hasText: 'Sign in to the test provider' }).waitFor();
    return new TestProviderLogin(this.page);
  }

  /** Asks, and arrives on the family's page (its h1 is the family's name). */
  async ask(reference: string, reason: string, password: string, familyHeading: string | RegExp): Promise<LanternPage> {
    await this.submit(reference, reason, password);
    return new LanternPage(this.page).arrive(familyHeading);
  }
}

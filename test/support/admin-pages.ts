import type { Page } from 'playwright-core';
import { LanternPage, MyFamiliesPage, SignInPage } from './browser.ts';

/** Page objects for the admin area (/admin) and the invitation link a new user opens. */

export class AdminPage extends LanternPage {
  /** From any signed-in page, through the menu. */
  static async fromMenu(from: LanternPage): Promise<AdminPage> {
    await from.clickAndLoad(from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Administration', exact: true }));
    return new AdminPage(from.page).arrive('Administration');
  }

  async open(section: 'Users' | 'Agencies' | 'Teams' | 'Districts' | 'Programmes'): Promise<AdminListPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: section, exact: true }));
    return new AdminListPage(this.page).arrive(section);
  }
}

export class AdminListPage extends LanternPage {
  /** The table's rows, each cell's text with white space collapsed. */
  async rows(): Promise<string[][]> {
    return this.page.locator('main table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((c) => (c as HTMLElement).innerText.replace(/\s+/g, ' ').trim())));
  }

  /** Presses the "Add ..." button and arrives at the form. */
  async add(button: string, heading: string): Promise<AdminFormPage> {
    // A GOV.UK start-style link button has role="button".
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: button, exact: true }));
    return new AdminFormPage(this.page).arrive(heading);
  }

  async openRecord(name: string, heading: string | RegExp): Promise<AdminFormPage> {
    await this.clickAndLoad(this.page.locator('main table').getByRole('link', { name, exact: true }));
    return new AdminFormPage(this.page).arrive(heading);
  }

  async backToAdmin(): Promise<AdminPage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: 'Administration', exact: true }).last());
    return new AdminPage(this.page).arrive('Administration');
  }
}

export class AdminFormPage extends LanternPage {
  /** Submits and expects to come back to this form with the error summary. */
  async submitExpectingErrors(button: string, heading: string | RegExp): Promise<AdminFormPage> {
    await this.press(button);
    return new AdminFormPage(this.page).arrive(heading);
  }

  async submit(button: string, listHeading: string): Promise<AdminListPage> {
    await this.press(button);
    return new AdminListPage(this.page).arrive(listHeading);
  }

  /** Adds a user and reads the one-time invitation link shown next. */
  async addUser(name: string): Promise<string> {
    await this.press('Add user');
    await new LanternPage(this.page).arrive(`Invitation link for ${name}`);
    return (await this.page.locator('#invitation-link').innerText()).trim();
  }

  async check(legend: string, label: string): Promise<void> {
    await this.page.getByRole('group', { name: legend, exact: true }).getByLabel(label, { exact: true }).check();
  }
}

export class InvitationPage extends LanternPage {
  static async open(page: Page, link: string): Promise<InvitationPage> {
    await page.goto(link);
    return new InvitationPage(page).arrive('Set your password');
  }

  async setPassword(password: string, confirm = password): Promise<SignInPage> {
    await this.fill('Password', password);
    await this.fill('Confirm password', confirm);
    await this.press('Set password');
    return new SignInPage(this.page).arrive('Sign in to Lantern');
  }

  async setPasswordExpectingErrors(password: string, confirm: string): Promise<InvitationPage> {
    await this.fill('Password', password);
    await this.fill('Confirm password', confirm);
    await this.press('Set password');
    return new InvitationPage(this.page).arrive('Set your password');
  }
}

export { MyFamiliesPage };

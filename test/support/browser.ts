import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import type axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Response } from 'playwright-core';
import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { SsoOptions } from '../../src/modules/sso/service.ts';
import { buildApp, type LanternApp } from '../../src/app.ts';
import { testDatabase } from './database.ts';
import { makePartnership, testPassword } from './factories.ts';
import { TEST_TODAY, testClock } from './clock.ts';
import { codeFor, currentCode } from './second-factor.ts';

/** The running app's database, for the codes of people who must pass a second factor. */
let harnessDb: Database | undefined;

/**
 * Real-browser end-to-end support: the app on an ephemeral port, Debian's Chromium driven by
 * playwright-core, and page objects that check each page's h1 and run axe on arrival.
 */

/** The day the app believes it is, so ages and "since" dates are stable. */
export const TODAY = TEST_TODAY;

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** A phone's width in CSS pixels: every page must fit it without scrolling sideways. */
export const phoneWidth = 375;

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe-core's browser bundle (the minified build of what `axe.source` holds: it parses faster on every page). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Lantern {
  db: Database;
  services: Services;
  app: LanternApp;
  browser: Browser;
  /** http://localhost:PORT: Chromium accepts the Secure session cookie on localhost over plain HTTP. */
  baseUrl: string;
  partnership: Awaited<ReturnType<typeof makePartnership>>;
  /** A fresh browser context (its own cookies) and a page in it. */
  newPage(): Promise<Page>;
  /** A page in a context that enforces the app's CSP, for checking the page's own scripts run under it. */
  newStrictPage(): Promise<Page>;
  /**
   * A new context signed in as `user`, on My families. The first call signs in through the
   * sign-in page; later calls reuse that session's cookie (so do not sign that user out).
   */
  signedIn(user: { email: string }): Promise<MyFamiliesPage>;
  close(): Promise<void>;
}

/**
 * Starts the app on PGlite and launches Chromium: call once per test file, in beforeAll.
 * `empty` leaves the database as a first run finds it (no partnership; `partnership` is then unset).
 * logStream: receives the app's request log, as `npm start` would write it.
 * sso: single sign-on issuers; Lantern's own address (the redirect URI's) is filled in once it listens.
 */
export async function startLantern(options: { empty?: boolean; logStream?: Writable; sso?: Omit<SsoOptions, 'baseUrl'> } = {}): Promise<Lantern> {
  const launching = chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  launching.catch(() => undefined); // awaited below; this only stops an unhandled rejection meanwhile
  const { db, drop } = await testDatabase('pglite');
  harnessDb = db;
  const sso: SsoOptions | undefined = options.sso && { ...options.sso, baseUrl: '' };
  const services = buildServices(db, { sessionHours: 8, clock: testClock(TODAY), sso });
  const app = await buildApp({ services, sessionHours: 8, ...(options.logStream ? { logger: { level: 'info', stream: options.logStream } } : {}) });
  let browser: Browser;
  let baseUrl: string;
  let partnership: Lantern['partnership'];
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://localhost:${(app.server.address() as AddressInfo).port}`;
    if (sso) sso.baseUrl = baseUrl;
    partnership = options.empty ? (undefined as unknown as Lantern['partnership']) : await makePartnership(db);
    browser = await launching;
  } catch (error) {
    await launching.then((b) => b.close()).catch(() => undefined);
    await app.close();
    await drop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const sessions = new Map<string, StorageState>();
  const open = async (bypassCSP: boolean, storageState?: StorageState) => {
    // bypassCSP: the app still sends its real CSP header, but axe's injected script may run.
    const context = await browser.newContext({ baseURL: baseUrl, bypassCSP, storageState, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(20_000);
    contexts.push(context);
    const page = await context.newPage();
    // Every stylesheet, script and image a page asks for must load: axe on an unstyled page proves little.
    const problems = new Map<string, string>(); // asset path → first problem seen
    assetProblems.set(page, problems);
    const note = (path: string, problem: string) => { if (!problems.has(path)) problems.set(path, problem); };
    page.on('response', (response) => {
      const url = new URL(response.url());
      const from = response.request().redirectedFrom();
      if (url.pathname.startsWith('/assets/') && response.status() >= 400) note(url.pathname, `${response.status()} ${url.pathname}`);
      else if (from && new URL(from.url()).pathname.startsWith('/assets/')) {
        note(new URL(from.url()).pathname, `${new URL(from.url()).pathname} was redirected to ${url.pathname}${url.search}`);
      }
    });
    page.on('requestfailed', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/assets/')) note(url.pathname, `${request.failure()?.errorText ?? 'failed'} ${url.pathname}`);
    });
    return page;
  };
  return {
    db, services, app, browser, baseUrl, partnership,
    newPage: () => open(true),
    newStrictPage: () => open(false),
    async signedIn(user) {
      const saved = sessions.get(user.email);
      if (saved) return MyFamiliesPage.open(await open(true, saved));
      const page = await open(true);
      const myFamilies = await (await SignInPage.open(page)).signIn(user.email, testPassword);
      sessions.set(user.email, await page.context().storageState());
      return myFamilies;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await app.close();
      await drop();
    },
  };
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const assetProblems = new WeakMap<Page, Map<string, string>>();

/** Assets (CSS, JavaScript, images) that failed to load in this page so far, one line each. */
export function failedAssets(page: Page): string[] {
  return [...(assetProblems.get(page)?.values() ?? [])];
}

export interface AxeViolationSummary {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; failureSummary: string | undefined }[];
}

/** Runs axe (WCAG 2.0/2.1/2.2 A and AA rules) on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolationSummary[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // page.evaluate rather than a <script> tag: V8 caches the compiled source, so later pages inject quickly.
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(async (values) => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    return runner.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
  }, wcagTags);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html, failureSummary: n.failureSummary })),
  }));
}

export function formatViolations(url: string, violations: AxeViolationSummary[]): string {
  return [`${violations.length} axe violation(s) on ${url}:`, ...violations.flatMap((v) => [
    `- ${v.id} (${v.impact}): ${v.help} ${v.helpUrl}`,
    ...v.nodes.map((n) => `    ${n.target}\n      ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`),
  ])].join('\n');
}

export interface ErrorSummaryLink {
  text: string;
  href: string;
}

/** Base page object: navigation, the h1, the error summary, the header, and axe. */
export class LanternPage {
  constructor(readonly page: Page) {}

  get url(): URL {
    return new URL(this.page.url());
  }

  /** Opens a path on the app and returns the HTTP response of the page. */
  async goto(path: string): Promise<Response | null> {
    return this.page.goto(path);
  }

  /** The page's h1 text. */
  async heading(): Promise<string> {
    return (await this.page.locator('h1').first().innerText()).trim();
  }

  async title(): Promise<string> {
    return this.page.title();
  }

  /** The GOV.UK error summary's title, or null when there is no summary. */
  async errorSummaryTitle(): Promise<string | null> {
    const summary = this.page.locator('.govuk-error-summary');
    if (!(await summary.count())) return null;
    return (await summary.locator('.govuk-error-summary__title').innerText()).trim();
  }

  /** Texts and hrefs of the GOV.UK error summary links, top to bottom ([] when there is no summary). */
  async errorSummary(): Promise<ErrorSummaryLink[]> {
    return this.page.locator('.govuk-error-summary__list a').evaluateAll((links) =>
      links.map((a) => ({ text: (a.textContent ?? '').trim(), href: a.getAttribute('href') ?? '' })));
  }

  /** Clicks an error summary link (by its text) and returns the id of the element that then has focus. */
  async followErrorLink(text: string): Promise<string | undefined> {
    await this.page.locator('.govuk-error-summary__list').getByRole('link', { name: text, exact: true }).click();
    return this.focusedId();
  }

  async focusedId(): Promise<string | undefined> {
    return this.page.evaluate(() => document.activeElement?.id || undefined);
  }

  /** The inline error message shown for a field, without the visually hidden "Error:" prefix. */
  async fieldError(id: string): Promise<string | null> {
    const message = this.page.locator(`#${id}-error`);
    if (!(await message.count())) return null;
    return (await message.innerText()).replace(/^Error:\s*/, '').trim();
  }

  async expectNoAxeViolations(): Promise<void> {
    const violations = await axeViolations(this.page);
    if (violations.length) throw new Error(formatViolations(this.page.url(), violations));
  }

  /** Waits until this page shows an h1 matching `heading`, asserts it, and runs axe. */
  async arrive(heading: string | RegExp): Promise<this> {
    const h1 = this.page.locator('h1', { hasText: heading }).first();
    await h1.waitFor({ state: 'visible' }).catch(async () => {
      throw new Error(`Expected an h1 matching ${String(heading)} at ${this.page.url()}, found "${await this.page.locator('h1').first().textContent().catch(() => null)}"`);
    });
    const text = await this.heading();
    if (typeof heading === 'string') expect(text).toBe(heading);
    else expect(text).toMatch(heading);
    await this.page.waitForLoadState('load');
    const failed = failedAssets(this.page);
    if (failed.length) throw new Error(`Assets failed to load by ${this.page.url()}:\n  ${failed.join('\n  ')}`);
    await this.expectNoAxeViolations();
    await this.expectFitsPhoneWidth();
    return this;
  }

  /**
   * At 375 CSS pixels wide (a phone, as practitioners use on home visits) the page must not
   * scroll sideways. Names the widest elements that stick out when it does.
   */
  async expectFitsPhoneWidth(): Promise<void> {
    const viewport = this.page.viewportSize() ?? { width: 1280, height: 900 };
    await this.page.setViewportSize({ width: phoneWidth, height: viewport.height });
    try {
      const found = await this.page.evaluate((limit) => {
        const width = document.documentElement.scrollWidth;
        if (width <= limit) return { width, culprits: [] as string[] };
        const culprits = Array.from(document.body.querySelectorAll('*'))
          .filter((e) => e.getBoundingClientRect().right > limit && !Array.from(e.children).some((c) => c.getBoundingClientRect().right > limit))
          .slice(0, 5).map((e) => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') ?? ''}"> ${(e.textContent ?? '').trim().slice(0, 60)}`);
        return { width, culprits };
      }, phoneWidth);
      if (found.width > phoneWidth) {
        throw new Error(`${this.page.url()} is ${found.width} pixels wide on a ${phoneWidth}-pixel screen:\n  ${found.culprits.join('\n  ')}`);
      }
    } finally {
      await this.page.setViewportSize(viewport);
    }
  }

  /** Clicks something that loads a new page (a link or a form's button) and waits for it to load. */
  async clickAndLoad(target: Locator): Promise<void> {
    const loaded = this.page.waitForEvent('load');
    await target.click();
    await loaded;
  }

  /** Types into a text input found by its exact label. */
  async fill(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  async valueOf(label: string): Promise<string> {
    return this.page.getByLabel(label, { exact: true }).inputValue();
  }

  /** Chooses a radio button by its label, within the fieldset whose legend is `legend`. */
  async choose(legend: string, option: string): Promise<void> {
    await this.page.getByRole('group', { name: legend, exact: true }).getByLabel(option, { exact: true }).check();
  }

  async chosen(legend: string): Promise<string | null> {
    const checked = this.page.getByRole('group', { name: legend, exact: true }).locator('input[type=radio]:checked');
    if (!(await checked.count())) return null;
    return (await checked.locator('xpath=following-sibling::label').innerText()).trim();
  }

  async select(label: string, option: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).selectOption({ label: option });
  }

  /** Fills a GOV.UK date input (Day, Month, Year boxes) inside the fieldset whose legend is `legend`. */
  async fillDate(legend: string, [day, month, year]: [string, string, string]): Promise<void> {
    const group = this.page.getByRole('group', { name: legend, exact: true });
    await group.getByLabel('Day', { exact: true }).fill(day);
    await group.getByLabel('Month', { exact: true }).fill(month);
    await group.getByLabel('Year', { exact: true }).fill(year);
  }

  async dateValue(legend: string): Promise<[string, string, string]> {
    const group = this.page.getByRole('group', { name: legend, exact: true });
    return [
      await group.getByLabel('Day', { exact: true }).inputValue(),
      await group.getByLabel('Month', { exact: true }).inputValue(),
      await group.getByLabel('Year', { exact: true }).inputValue(),
    ];
  }

  /** Presses the page's main form button, named `text`. */
  async press(text: string): Promise<void> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: text, exact: true }));
  }

  /** The text of the GOV.UK success banner, or null. */
  async successBanner(): Promise<string | null> {
    const banner = this.page.locator('.govuk-notification-banner--success');
    if (!(await banner.count())) return null;
    return (await banner.locator('.govuk-notification-banner__content').innerText()).trim();
  }

  /** The name shown in the header when signed in, or null when signed out. */
  async signedInAs(): Promise<string | null> {
    const who = this.page.locator('.lantern-header__who');
    return (await who.count()) ? (await who.innerText()).trim() : null;
  }

  /** Searches with the header search box, present on every signed-in page. */
  async search(query: string): Promise<SearchPage> {
    const box = this.page.locator('#site-search');
    await box.fill(query);
    const loaded = this.page.waitForEvent('load');
    await box.press('Enter');
    await loaded;
    return new SearchPage(this.page).arrive(/^Search( results)?$/);
  }

  async signOut(): Promise<SignInPage> {
    await this.clickAndLoad(this.page.locator('header').getByRole('button', { name: 'Sign out', exact: true }));
    return new SignInPage(this.page).arrive('Sign in to Lantern');
  }

  async goToMyFamilies(): Promise<MyFamiliesPage> {
    await this.clickAndLoad(this.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'My families', exact: true }));
    return new MyFamiliesPage(this.page).arrive('My families');
  }

  /** Any page identified only by its h1 (error pages, for example). */
  static async expectAt(page: Page, heading: string | RegExp): Promise<LanternPage> {
    return new LanternPage(page).arrive(heading);
  }
}

export class SignInPage extends LanternPage {
  static async open(page: Page, path = '/sign-in'): Promise<SignInPage> {
    await page.goto(path);
    return new SignInPage(page).arrive('Sign in to Lantern');
  }

  private async submit(email: string, password: string) {
    await this.fill('Email address', email);
    await this.fill('Password', password);
    await this.press('Sign in');
  }

  async signIn(email: string, password: string): Promise<MyFamiliesPage> {
    await this.submit(email, password);
    await passSecondFactor(this.page, email);
    return new MyFamiliesPage(this.page).arrive('My families');
  }

  /** Signs in expecting to be sent back to the sign-in page with an error. */
  async signInExpectingError(email: string, password: string): Promise<SignInPage> {
    await this.submit(email, password);
    return new SignInPage(this.page).arrive('Sign in to Lantern');
  }
}

/** After the password: the code from the authenticator app (or a recovery code). */
export class SignInCodePage extends LanternPage {
  static readonly heading = 'Enter the code from your authenticator app';

  async enterCode(code: string): Promise<void> {
    await this.fill(SignInCodePage.heading, code);
    await this.press('Continue');
  }
}

/** Setting up a second factor: the key to type into the app, then a code from it. */
export class SecondFactorSetUpPage extends LanternPage {
  async secret(): Promise<string> {
    return (await this.page.locator('#secret').innerText()).trim();
  }

  async confirm(code: string): Promise<void> {
    await this.fill('Code from your app', code);
    await this.press('Confirm and continue');
  }
}

/**
 * Administrators and analysts (and anyone with a second factor) are asked for a code after the
 * password: the harness enters what their app would show, or sets one up from the page's key.
 */
export async function passSecondFactor(page: Page, email: string): Promise<void> {
  await page.waitForLoadState('load');
  const path = new URL(page.url()).pathname;
  if (path === '/sign-in/code') {
    const codePage = await new SignInCodePage(page).arrive(SignInCodePage.heading);
    await codePage.enterCode(await currentCode(harnessDb!, email));
  } else if (path === '/second-factor/set-up') {
    const setUp = await new SecondFactorSetUpPage(page).arrive('Set up your second factor');
    await setUp.confirm(codeFor(await setUp.secret()));
    const done = await new LanternPage(page).arrive('Your second factor is set up');
    await done.press('Continue');
  }
}

export interface FamilyListRow {
  family: string;
  reference: string;
  district: string;
  postcode: string;
  children: string;
  yourRole: string;
  lead: string;
}

/** Reads a GOV.UK table's body rows as objects, using the given keys for the columns in order. */
async function tableRows<K extends string>(table: Locator, keys: readonly K[]): Promise<Record<K, string>[]> {
  const cells = await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td, th')).map((c) => (c as HTMLElement).innerText.trim())));
  return cells.map((row) => Object.fromEntries(keys.map((k, i) => [k, row[i] ?? ''])) as Record<K, string>);
}

export class MyFamiliesPage extends LanternPage {
  static async open(page: Page): Promise<MyFamiliesPage> {
    await page.goto('/my-families');
    return new MyFamiliesPage(page).arrive('My families');
  }

  async families(): Promise<FamilyListRow[]> {
    const table = this.page.locator('main table');
    if (!(await table.count())) return [];
    return tableRows(table, ['family', 'reference', 'district', 'postcode', 'children', 'yourRole', 'lead'] as const);
  }

  async openFamily(familyName: string): Promise<FamilyPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: `${familyName} family`, exact: true }));
    return FamilyPage.arrived(this.page, familyName);
  }

  async addFamily(): Promise<AddFamilyJourney> {
    await this.clickAndLoad(this.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Add a family', exact: true }));
    return new AddFamilyJourney(this.page).arrive('Household details');
  }
}

export interface SearchResultRow {
  name: string;
  dateOfBirth: string;
  role: string;
  family: string;
  postcode: string;
  familyHref: string;
}

export class SearchPage extends LanternPage {
  /** The search page; with a query, typed into its form and searched (searches are posted, never in the URL). */
  static async open(page: Page, query?: string): Promise<SearchPage> {
    await page.goto('/search');
    const searchPage = await new SearchPage(page).arrive('Search');
    if (query === undefined) return searchPage;
    await page.locator('#q').fill(query);
    await searchPage.clickAndLoad(page.locator('main').getByRole('button', { name: 'Search', exact: true }));
    return new SearchPage(page).arrive(/^Search( results)?$/);
  }

  /** What the header search box shows now. */
  async headerQuery(): Promise<string> {
    return this.page.locator('#site-search').inputValue();
  }

  /** The "N people found" or "No one matching" message. */
  async status(): Promise<string> {
    return (await this.page.locator('main [role=status]').innerText()).trim();
  }

  async results(): Promise<SearchResultRow[]> {
    const table = this.page.locator('main table');
    if (!(await table.count())) return [];
    const rows = await tableRows(table, ['name', 'dateOfBirth', 'role', 'family', 'postcode'] as const);
    const hrefs = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('a')?.getAttribute('href') ?? ''));
    return rows.map((r, i) => ({ ...r, familyHref: hrefs[i] }));
  }

  async openFamilyOf(personName: string, familyName: string): Promise<FamilyPage> {
    const row = this.page.locator('main tbody tr').filter({ has: this.page.getByRole('cell', { name: personName, exact: true }) }).first();
    await this.clickAndLoad(row.getByRole('link'));
    return FamilyPage.arrived(this.page, familyName);
  }
}

export interface MemberCard {
  name: string;
  role: string;
  age: string;
  relationships: string;
  legalStatus: string | null;
  needs: { text: string; code: string | null; tag: string | null }[];
}

export interface TeamRow {
  name: string;
  roleInFamily: string;
  agency: string;
  contact: string;
  since: string;
}

export class FamilyPage extends LanternPage {
  static async open(page: Page, familyId: string, familyName: string): Promise<FamilyPage> {
    await page.goto(`/families/${familyId}`);
    return FamilyPage.arrived(page, familyName);
  }

  static async arrived(page: Page, familyName: string): Promise<FamilyPage> {
    return new FamilyPage(page).arrive(`${familyName} family`);
  }

  async reference(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').first().innerText()).trim();
  }

  async levelOfNeed(): Promise<string> {
    return (await this.page.locator('#level-of-need').innerText()).trim();
  }

  async levelOfNeedReason(): Promise<string> {
    return (await this.page.locator('#level-of-need ~ .govuk-inset-text').first().innerText()).trim();
  }

  private card(name: string): Locator {
    return this.page.locator('.lantern-member-card').filter({ has: this.page.locator('.govuk-summary-card__title', { hasText: new RegExp(`^${escapeRegExp(name)} –`) }) });
  }

  async memberNames(): Promise<string[]> {
    const titles = await this.page.locator('.lantern-member-card .govuk-summary-card__title').allInnerTexts();
    return titles.map((t) => t.split(' – ')[0].trim());
  }

  async member(name: string): Promise<MemberCard> {
    const card = this.card(name);
    await card.waitFor();
    const title = (await card.locator('.govuk-summary-card__title').innerText()).trim();
    const value = async (key: string) => {
      const row = card.locator('.govuk-summary-list__row').filter({ has: this.page.locator('dt', { hasText: new RegExp(`^${escapeRegExp(key)}$`) }) });
      return (await row.count()) ? (await row.locator('dd').innerText()).trim() : null;
    };
    const needs = await card.locator('.govuk-summary-list__row', { hasText: 'Needs and vulnerabilities' }).locator('dd li').evaluateAll((items) =>
      items.map((li) => ({
        text: (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
        code: li.querySelector('strong')?.textContent?.trim() ?? null,
        tag: li.querySelector('.govuk-tag')?.textContent?.trim() ?? null,
      })));
    return {
      name, role: title.split(' – ')[1]?.trim() ?? '', age: (await value('Age')) ?? '', relationships: (await value('Relationships')) ?? '',
      legalStatus: await value('Legal status'), needs,
    };
  }

  /** Need to know: the sentences of the "Information not shared with you" banner ([] when everything is shared). */
  async withheld(): Promise<string[]> {
    const banner = this.page.locator('#withheld');
    if (!(await banner.count())) return [];
    return (await banner.locator('li').allInnerTexts()).map((t) => t.trim());
  }

  async team(): Promise<TeamRow[]> {
    const table = this.page.locator('main table').filter({ has: this.page.locator('caption', { hasText: 'Practitioners working with this family' }) });
    return tableRows(table, ['name', 'roleInFamily', 'agency', 'contact', 'since'] as const);
  }

  async addMember(): Promise<MemberFormPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Add a family member', exact: true }));
    return new MemberFormPage(this.page).arrive('Add a family member');
  }

  async recordNeed(memberName: string): Promise<NeedFormPage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: `Record a need for ${memberName}`, exact: true }));
    return new NeedFormPage(this.page).arrive(`Record a need for ${memberName}`);
  }

  async recordLegalStatus(memberName: string): Promise<StatusFormPage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: `Record legal status for ${memberName}`, exact: true }));
    return new StatusFormPage(this.page).arrive(`Record a legal status for ${memberName}`);
  }
}

export interface HouseholdAnswers {
  familyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  town?: string;
  postcode?: string;
  district?: string;
}

export interface MemberAnswers {
  givenName?: string;
  familyName?: string;
  /** The role's label, e.g. "Mother". */
  role?: string;
  /** "Female", "Male" or "Not known". */
  sex?: string;
  dateOfBirth?: [string, string, string];
  expectedDate?: [string, string, string];
}

/** The member form, used both in the add-family journey and on an existing family. */
export class MemberFormPage extends LanternPage {
  async fillMember(m: MemberAnswers): Promise<void> {
    if (m.givenName !== undefined) await this.fill('First name', m.givenName);
    if (m.familyName !== undefined) await this.fill('Last name', m.familyName);
    if (m.role !== undefined) await this.choose('Who is this person in the family?', m.role);
    if (m.sex !== undefined) await this.choose('Sex', m.sex);
    if (m.dateOfBirth) await this.fillDate('Date of birth', m.dateOfBirth);
    if (m.expectedDate) await this.fillDate('Expected date of birth (unborn babies only)', m.expectedDate);
  }

  async answers(): Promise<Required<Omit<MemberAnswers, 'expectedDate'>>> {
    return {
      givenName: await this.valueOf('First name'), familyName: await this.valueOf('Last name'),
      role: (await this.chosen('Who is this person in the family?')) ?? '', sex: (await this.chosen('Sex')) ?? '',
      dateOfBirth: await this.dateValue('Date of birth'),
    };
  }

  /** Saves a member of an existing family; lands back on the family page. */
  async save(familyName: string): Promise<FamilyPage> {
    await this.press('Save family member');
    return FamilyPage.arrived(this.page, familyName);
  }

  async saveExpectingErrors(heading: string | RegExp): Promise<this> {
    await this.press('Save family member');
    return this.arrive(heading);
  }
}

export class NeedFormPage extends LanternPage {
  async fillNeed(n: { code?: string; agency?: string; identifiedOn?: [string, string, string]; current?: boolean; notes?: string }): Promise<void> {
    if (n.code) await this.page.getByLabel('Assessment factor (if not offending)', { exact: true }).selectOption({ value: n.code });
    if (n.agency) await this.select('Agency that identified it', n.agency);
    if (n.identifiedOn) await this.fillDate('Date identified', n.identifiedOn);
    if (n.current !== undefined) await this.choose('Is this need current?', n.current ? 'Yes' : 'No, it is in the past');
    if (n.notes !== undefined) await this.fill('Notes (optional)', n.notes);
  }

  async save(familyName: string): Promise<FamilyPage> {
    await this.press('Record need');
    return FamilyPage.arrived(this.page, familyName);
  }
}

export class StatusFormPage extends LanternPage {
  async fillStatus(s: { status: string; startDate: [string, string, string] }): Promise<void> {
    await this.choose('Legal status', s.status);
    await this.fillDate('Start date', s.startDate);
  }

  async save(familyName: string): Promise<FamilyPage> {
    await this.press('Record legal status');
    return FamilyPage.arrived(this.page, familyName);
  }
}

export interface CheckAnswersCard {
  name: string;
  rows: Record<string, string>;
}

/**
 * Add a family: household page → member page(s) → check your answers → add family. One object
 * follows the user through the journey; `arrive` checks each step's h1 and runs axe.
 */
export class AddFamilyJourney extends MemberFormPage {
  static async start(page: Page): Promise<AddFamilyJourney> {
    await page.goto('/families/new/household');
    return new AddFamilyJourney(page).arrive('Household details');
  }

  async fillHousehold(h: HouseholdAnswers): Promise<void> {
    if (h.familyName !== undefined) await this.fill('Family name', h.familyName);
    if (h.addressLine1 !== undefined) await this.fill('Address line 1', h.addressLine1);
    if (h.addressLine2 !== undefined) await this.fill('Address line 2 (optional)', h.addressLine2);
    if (h.town !== undefined) await this.fill('Town or city (optional)', h.town);
    if (h.postcode !== undefined) await this.fill('Postcode', h.postcode);
    if (h.district !== undefined) await this.select('District', h.district);
  }

  async householdAnswers(): Promise<Required<HouseholdAnswers>> {
    const district = this.page.getByLabel('District', { exact: true });
    return {
      familyName: await this.valueOf('Family name'), addressLine1: await this.valueOf('Address line 1'),
      addressLine2: await this.valueOf('Address line 2 (optional)'), town: await this.valueOf('Town or city (optional)'),
      postcode: await this.valueOf('Postcode'),
      district: (await district.locator('option:checked').innerText()).trim(),
    };
  }

  /** Continue from the household page: valid answers lead to the member page (or back to check answers). */
  async continueFromHousehold(next: 'member' | 'check' | 'errors' = 'member'): Promise<this> {
    await this.press('Continue');
    return this.arrive(next === 'member' ? 'Add a family member' : next === 'check' ? checkAnswersHeading : 'Household details');
  }

  /** Continue from a member page: valid answers lead to check your answers; otherwise the same page with errors. */
  async continueFromMember(next: 'check' | string = 'check'): Promise<this> {
    await this.press('Continue');
    return this.arrive(next === 'check' ? checkAnswersHeading : next);
  }

  async addAnotherMember(): Promise<this> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Add another family member', exact: true }));
    return this.arrive('Add another family member');
  }

  /** The member summary cards on check your answers. */
  async checkAnswersMembers(): Promise<CheckAnswersCard[]> {
    return this.page.locator('main .govuk-summary-card').evaluateAll((cards) => cards.map((card) => ({
      name: (card.querySelector('.govuk-summary-card__title')?.textContent ?? '').trim(),
      rows: Object.fromEntries(Array.from(card.querySelectorAll('.govuk-summary-list__row')).map((row) => [
        (row.querySelector('dt')?.textContent ?? '').trim(), (row.querySelector('dd')?.textContent ?? '').trim(),
      ])),
    })));
  }

  async checkAnswersHousehold(): Promise<Record<string, string>> {
    const list = this.page.locator('main h2', { hasText: 'Household' }).locator('xpath=following-sibling::dl[1]');
    return list.evaluate((dl) => Object.fromEntries(Array.from(dl.querySelectorAll('.govuk-summary-list__row')).map((row) => [
      (row.querySelector('dt')?.textContent ?? '').trim(), ((row.querySelector('dd') as HTMLElement | null)?.innerText ?? '').trim(),
    ])));
  }

  /** Follows a member card's "Change" link (its accessible name includes the member's name). */
  async changeMember(name: string): Promise<this> {
    await this.clickAndLoad(this.page.getByRole('link', { name: `Change ${name}`, exact: true }));
    return this.arrive('Change family member');
  }

  async addFamily(familyName: string): Promise<FamilyPage> {
    await this.press('Add family');
    return FamilyPage.arrived(this.page, familyName);
  }
}

const checkAnswersHeading = 'Check the family’s details before adding them';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aFamily, aMember, makeUser, testPassword } from '../support/factories.ts';
import { LanternPage, SignInCodePage, SignInPage, startLantern, type Lantern } from '../support/browser.ts';
import { currentCode } from '../support/second-factor.ts';

/** Each test walks through several pages, with axe on every one. */
const journeyTimeout = 180_000;

/** A table's caption, header and body cells as the reader sees them. */
async function readTable(table: Locator): Promise<{ header: string[]; rows: string[][] }> {
  return table.evaluate((t) => ({
    header: Array.from(t.querySelectorAll('thead th')).map((c) => (c as HTMLElement).innerText.trim()),
    rows: Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('th, td')).map((c) => (c as HTMLElement).innerText.trim())),
  }));
}

/** Page objects for needs analysis: every page's h1 is checked and axe is run on arrival. */
class NeedsAnalysisPage extends LanternPage {
  /** The section menu under the h1. */
  async section<T extends NeedsAnalysisPage>(name: string, heading: string, as: new (page: Page) => T): Promise<T> {
    await this.clickAndLoad(this.page.getByRole('navigation', { name: 'Needs analysis' }).getByRole('link', { name, exact: true }));
    return new as(this.page).arrive(heading);
  }

  table(caption: string | RegExp): Locator {
    return this.page.locator('main table').filter({ has: this.page.locator('caption', { hasText: caption }) });
  }

  async tableRows(caption: string | RegExp) {
    return (await readTable(this.table(caption))).rows;
  }

  /** The chart with this accessible name (its <title>), as rendered. */
  chart(name: string | RegExp): Locator {
    return this.page.getByRole('img', { name });
  }

  async pressSecondary(text: string): Promise<void> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: text, exact: true }));
  }
}

class HiddenHarmPage extends NeedsAnalysisPage {
  static async fromMenu(from: LanternPage): Promise<HiddenHarmPage> {
    await from.clickAndLoad(from.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Needs analysis', exact: true }));
    return new HiddenHarmPage(from.page).arrive('Hidden harm estimates');
  }

  async loadEssexExample(): Promise<HiddenHarmPage> {
    await this.pressSecondary('Load the Essex example');
    return new HiddenHarmPage(this.page).arrive('Hidden harm estimates');
  }

  async choosePopulation(name: string): Promise<HiddenHarmPage> {
    await this.select('Population', name);
    await this.pressSecondary('Show estimates');
    return new HiddenHarmPage(this.page).arrive('Hidden harm estimates');
  }

  async estimates(): Promise<{ vulnerability: string; rate: string; appliedTo: string; estimated: string; known: string; gap: string }[]> {
    return (await this.tableRows(/^Prevalence estimates of hidden harm/)).map(([vulnerability, rate, appliedTo, estimated, known, gap]) => ({ vulnerability, rate, appliedTo, estimated, known, gap }));
  }
}

class PopulationsPage extends NeedsAnalysisPage {
  async createPopulation(): Promise<NewPopulationPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('button', { name: 'Create a population', exact: true }));
    return new NewPopulationPage(this.page).arrive('Create a population');
  }
}

class NewPopulationPage extends LanternPage {
  /** Names and describes the population; arrives at its figures, or back here when `name` is blank. */
  async submit(name: string, description: string, covers: string): Promise<LanternPage> {
    await this.fill('Name', name);
    await this.fill('Description (optional)', description);
    await this.choose('What do the figures cover?', covers);
    await this.press('Create population');
    return name ? new PopulationPage(this.page).arrive(name) : new NewPopulationPage(this.page).arrive('Create a population');
  }
}

class PopulationPage extends NeedsAnalysisPage {
  async estimates(): Promise<HiddenHarmPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'See the hidden harm estimates for these figures', exact: true }));
    return new HiddenHarmPage(this.page).arrive('Hidden harm estimates');
  }

  async importCsv(name: string, file: string, outcome: 'saved' | 'errors'): Promise<PopulationPage> {
    await this.page.getByLabel('CSV file', { exact: true }).setInputFiles(file);
    await this.pressSecondary('Import figures');
    const next = await new PopulationPage(this.page).arrive(name);
    expect(await next.title()).toMatch(outcome === 'errors' ? /^Error: / : new RegExp(`^${name}`));
    return next;
  }
}

class AuditsPage extends NeedsAnalysisPage {
  async loadEssexAudit(): Promise<AuditPage> {
    await this.pressSecondary('Load the Essex audit example');
    return new AuditPage(this.page).arrive('Essex case-file audit of looked-after children (2010)');
  }

  async startSample(): Promise<LanternPage> {
    await this.clickAndLoad(this.page.locator('main').getByRole('link', { name: 'Audit a random sample of case files', exact: true }));
    return new LanternPage(this.page).arrive('Audit a random sample of case files');
  }
}

class AuditPage extends NeedsAnalysisPage {
  async backToAudits(): Promise<AuditsPage> {
    await this.clickAndLoad(this.page.getByRole('link', { name: 'Back to case-file audits', exact: true }));
    return new AuditsPage(this.page).arrive('Case-file audits');
  }

  async results() {
    return (await this.tableRows(/case files, indicated in/)).map(([vulnerability, files, share, interval, indicated]) => ({ vulnerability, files, share, interval, indicated }));
  }
}

async function csvFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-na-'));
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('needs analysis, in a real browser', () => {
  let lantern: Lantern;
  let analyst: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    lantern = await startLantern();
    const { agencies, teamId, districtId } = lantern.partnership;
    const worker = await makeUser(lantern.db, { agencyId: agencies.childrens_social_care, teamId });
    analyst = await makeUser(lantern.db, { role: 'analyst', agencyId: agencies.childrens_social_care, name: 'Ruth Evans', email: 'ruth.evans@test.example' });
    const { families } = lantern.services;
    for (const [name, codes] of [['Walsh', ['2B', '4B']], ['Okafor', ['3B']], ['Hall', []]] as const) {
      const { id } = await families.createFamily(worker, {
        family: aFamily({ familyName: name, districtId }),
        members: [aMember({ familyName: name }), aMember({ givenName: 'Tyler', familyName: name, role: 'child', dateOfBirth: '2016-08-09' })],
      });
      const mother = (await families.family(worker, id)).members.find((m) => m.role === 'mother')!;
      for (const code of codes) {
        await families.addNeed(worker, id, mother.id, { needType: 'cin_factor', code, sourceAgencyId: agencies.police, identifiedOn: '2026-06-01', isCurrent: true, notes: '' });
      }
    }
  });

  afterAll(async () => {
    await lantern?.close();
  });

  it('shows the Essex table with its chart, then the partnership’s own estimates with the known numbers and the gap', async () => {
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn(analyst.email, testPassword);
    const empty = await HiddenHarmPage.fromMenu(home);
    const essex = await empty.loadEssexExample();
    expect(await essex.estimates()).toEqual([
      { vulnerability: 'Children of dependent drug misusing parents', rate: '2.8%', appliedTo: '262,000 children', estimated: '7,300', known: '–', gap: '–' },
      { vulnerability: 'Children of alcohol misusing parents', rate: '22.1%', appliedTo: '262,000 children', estimated: '57,902', known: '–', gap: '–' },
      { vulnerability: 'Children of parents with mental health problems', rate: '17.8%', appliedTo: '262,000 children', estimated: '46,636', known: '–', gap: '–' },
      { vulnerability: 'Children of parents with drug, alcohol and mental health problems', rate: '1%', appliedTo: '262,000 children', estimated: '2,620', known: '–', gap: '–' },
      { vulnerability: 'Children experiencing parental domestic abuse', rate: '10%', appliedTo: '262,000 children', estimated: '26,200', known: '–', gap: '–' },
      { vulnerability: 'Births to substance misusing mothers', rate: '4.5%', appliedTo: '16,264 births', estimated: '732', known: '–', gap: '–' },
      { vulnerability: 'Complex families with four or more vulnerabilities', rate: '2%', appliedTo: '160,000 families', estimated: '3,200', known: '–', gap: '–' },
    ]);
    const chart = essex.chart(/^Estimated number, by parental vulnerability$/);
    await expect.poll(() => chart.count()).toBe(1);
    expect((await chart.boundingBox())!.height).toBeGreaterThan(100);
    expect(await chart.locator('text', { hasText: '57,902' }).count()).toBe(1);

    // The partnership's own districts, named and described by the analyst: a blank name is refused first.
    const populations = await essex.section('Populations', 'Populations', PopulationsPage);
    const form = await populations.createPopulation();
    const unnamed = await form.submit('', 'ONS mid-2024 estimates', 'The partnership’s districts') as NewPopulationPage;
    expect(await unnamed.errorSummary()).toEqual([{ text: 'Enter a name for the population, for example Northvale districts, mid-2024', href: '#name' }]);
    expect(await unnamed.valueOf('Description (optional)')).toBe('ONS mid-2024 estimates');
    const district = await unnamed.submit('Testshire districts, mid-2024', 'ONS mid-2024 estimates', 'The partnership’s districts') as PopulationPage;
    // Then figures from a CSV file, with a bad row first.
    const withErrors = await district.importCsv('Testshire districts, mid-2024', await csvFile('bad.csv', 'district,age_band,children,births,families,people\nRiverside,0-4,1000,100,0,0\nRiverside,5-15,lots,0,0,0\nAtlantis,0-4,1,1,1,1\n'), 'errors');
    expect(await withErrors.errorSummary()).toEqual([
      { text: "row 3: children 'lots' is not a whole number", href: '#csvFile' },
      { text: "row 4: district 'Atlantis' is not one of the partnership’s districts (Riverside)", href: '#csvFile' },
    ]);
    expect(await withErrors.followErrorLink("row 3: children 'lots' is not a whole number")).toBe('csvFile');
    const imported = await withErrors.importCsv('Testshire districts, mid-2024', await csvFile('good.csv', 'district,age_band,children,births,families,people\nRiverside,0-4,1000,100,0,0\nRiverside,5-15,3000,0,2000,20000\n'), 'saved');
    expect(await imported.successBanner()).toBe('The CSV file’s figures have been imported');

    const own = await imported.estimates();
    expect(await own.page.locator('main .govuk-summary-list').first().innerText()).toContain('ONS mid-2024 estimates');
    const ownEstimates = await own.estimates();
    expect(ownEstimates[0]).toEqual({ vulnerability: 'Children of dependent drug misusing parents', rate: '2.8%', appliedTo: '4,000 children', estimated: '100', known: '1', gap: '99' });
    expect(ownEstimates[2]).toMatchObject({ estimated: '712', known: '1', gap: '711' });
    expect(ownEstimates[4]).toMatchObject({ estimated: '400', known: '1', gap: '399' });
    await expect.poll(() => own.chart(/and number known to services/).count()).toBe(1);
    expect(await own.tableRows('Children of dependent drug misusing parents, by district')).toEqual([['Riverside', '4,000', '100', '1', '99', '1.0%']]);
  }, journeyTimeout);

  it('shows the overlap, the area comparison and the rates, each passing axe', async () => {
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn(analyst.email, testPassword);
    const start = await HiddenHarmPage.fromMenu(home);
    const overlap = await start.section('Overlap of vulnerabilities', 'Overlap of parental vulnerabilities', NeedsAnalysisPage);
    expect(await overlap.tableRows('Families by number of parental vulnerabilities')).toEqual([
      ['1', '1', '50.0%', '1'], ['2', '1', '50.0%', '1'], ['3', '0', '0.0%', '0'], ['4 or more', '0', '0.0%', '0'],
    ]);
    expect(await overlap.chart('Families by number of parental vulnerabilities').count()).toBe(1);
    const areas = await overlap.section('Area comparison', 'Area comparison', NeedsAnalysisPage);
    expect(await areas.chart(/per 1,000 people, by district$/).count()).toBe(1);
    const rates = await areas.section('Prevalence rates', 'Prevalence rates', NeedsAnalysisPage);
    // The first rate's fields, inside the fieldset named after it.
    await page.getByRole('group', { name: 'Children of dependent drug misusing parents' }).getByLabel('Rate', { exact: true }).fill('0');
    await rates.press('Save rates');
    const again = await new NeedsAnalysisPage(page).arrive('Prevalence rates');
    expect(await again.errorSummary()).toEqual([{ text: 'The rate must be more than 0%', href: '#r0-rate' }]);
    expect(await again.followErrorLink('The rate must be more than 0%')).toBe('r0-rate');
  }, journeyTimeout);

  it('extrapolates the Essex audit, and runs an audit on a random sample of case files', async () => {
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn(analyst.email, testPassword);
    const audits = await (await HiddenHarmPage.fromMenu(home)).section('Case-file audits', 'Case-file audits', AuditsPage);
    const essex = await audits.loadEssexAudit();
    expect(await essex.results()).toEqual([
      { vulnerability: 'Mental health problems', files: '12', share: '28.6%', interval: '17.2% to 43.6%', indicated: '421' },
      { vulnerability: 'Substance misuse', files: '14', share: '33.3%', interval: '21.0% to 48.4%', indicated: '492' },
      { vulnerability: 'Alcohol misuse', files: '6', share: '14.3%', interval: '6.7% to 27.8%', indicated: '211' },
      { vulnerability: 'Domestic abuse', files: '15', share: '35.7%', interval: '23.0% to 50.8%', indicated: '527' },
      { vulnerability: 'Offending', files: '11', share: '26.2%', interval: '15.3% to 41.1%', indicated: '386' },
    ]);

    const list = await essex.backToAudits();
    const form = await list.startSample();
    await form.fill('Name of the audit', 'Autumn sample');
    await form.choose('Which cases to sample from', 'Families');
    await form.fill('Number of case files to sample', '2');
    await form.press('Draw the sample');
    const files = await new NeedsAnalysisPage(page).arrive('Review the sampled case files');
    const legends = await page.locator('main legend').allInnerTexts();
    expect(legends).toHaveLength(2);
    expect(legends[0]).toMatch(/^File 1: NV-\d{6}$/);
    await page.getByRole('group', { name: legends[0] }).getByLabel('Mental health problems', { exact: true }).check();
    await page.getByRole('group', { name: legends[1] }).getByLabel('None of these', { exact: true }).check();
    await files.press('Save what the files show');
    const results = await new AuditPage(page).arrive('Autumn sample');
    expect(await results.successBanner()).toBe('What each case file shows has been saved');
    const mental = (await results.results())[0];
    expect(mental).toMatchObject({ vulnerability: 'Mental health problems', files: '1', share: '50.0%', indicated: '2' });
  }, journeyTimeout);

  it('refuses the pages to a practitioner', async () => {
    const worker = await makeUser(lantern.db, { agencyId: lantern.partnership.agencies.childrens_social_care, teamId: lantern.partnership.teamId, email: 'kw.na@test.example' });
    const page = await lantern.newPage();
    const home = await (await SignInPage.open(page)).signIn(worker.email, testPassword);
    expect(await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Needs analysis' }).count()).toBe(0);
    const response = await home.goto('/needs-analysis');
    expect(response?.status()).toBe(403);
    await LanternPage.expectAt(page, 'You cannot see this page');
  }, journeyTimeout);

  it('draws the charts under the app’s own Content-Security-Policy', async () => {
    const page = await lantern.newStrictPage();
    await SignInPage.open(page);
    await page.getByLabel('Email address', { exact: true }).fill(analyst.email);
    await page.getByLabel('Password', { exact: true }).fill(testPassword);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
    // Analysts give a code from their authenticator app after the password.
    await page.getByLabel(SignInCodePage.heading, { exact: true }).fill(await currentCode(lantern.db, analyst.email));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continue' }).click()]);
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto('/needs-analysis/overlap');
    const chart = page.getByRole('img', { name: 'Families by number of parental vulnerabilities' });
    expect((await chart.boundingBox())!.width).toBeGreaterThan(300);
    const fill = await chart.locator('rect[fill="#1d70b8"]').first().evaluate((r) => getComputedStyle(r).fill);
    expect(fill).toBe('rgb(29, 112, 184)');
    expect(violations).toEqual([]);
  }, journeyTimeout);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startLantern, TODAY, type Lantern } from '../support/browser.ts';
import { DirectorySearchPage } from '../support/directory-pages.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';
import { northvaleDemoServices } from '../../src/domain/directory/northvale.ts';

describe('the public service directory on a phone, signed out, in a real browser', { timeout: 120_000 }, () => {
  let lantern: Lantern;

  /** A signed-out browser the width of a small phone (375 CSS pixels). */
  async function phone(): Promise<Page> {
    const context = await lantern.browser.newContext({ baseURL: lantern.baseUrl, bypassCSP: true, viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(15_000);
    return context.newPage();
  }

  beforeAll(async () => {
    lantern = await startLantern();
    await seedDirectoryDemo(lantern.db, lantern.services.directory);
  });
  afterAll(async () => {
    await lantern?.close();
  });

  it('a parent finds a parenting course near NV1 5SE in two steps, with no sideways scrolling', async () => {
    const page = await phone();
    const search = await DirectorySearchPage.open(page);
    expect(await search.scrollsSideways()).toBe(false);

    // Step 1: postcode and kind of help, then Search.
    const results = await search.find({ where: 'NV1 5SE', kind: 'Parenting' });
    expect(await results.resultsHeading()).toMatch(/^\d+ services? within 10 miles of NV1 5SE$/);
    expect(new URL(page.url()).search).toBe('');
    expect(page.url()).not.toContain('NV1');
    const found = await results.results();
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].detail).toMatch(/^\d+\.\d miles? away/);
    expect(await results.scrollsSideways()).toBe(false);

    // Step 2: the nearest one.
    const course = await results.open(found[0].name);
    const details = await course.details();
    expect(details['Kind of help']).toContain('Parenting');
    expect(details.Phone).toMatch(/^0300 555 \d{4}$/);
    expect(details.When).not.toBe('');
    expect(await course.hasExitThisPage()).toBe(false);
    expect(await course.scrollsSideways()).toBe(false);
    await page.context().close();
  });

  it('shows Exit this page on a domestic abuse service, and no refuge address', async () => {
    const refuge = northvaleDemoServices(TODAY).find((s) => s.hideAddress)!;
    const page = await phone();
    await page.goto(`/services/${refuge.id}`);
    const service = await new DirectorySearchPage(page).arrive(refuge.name);
    expect(await page.locator('.govuk-exit-this-page').count()).toBe(1);
    expect(await page.locator('main').innerText()).not.toContain(refuge.service_at_locations[0].location.addresses[0].postal_code);
    expect(await service.scrollsSideways()).toBe(false);
    await page.context().close();
  });
});

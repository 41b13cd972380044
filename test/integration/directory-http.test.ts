import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';
import { northvaleDemoServices, northvalePoint } from '../../src/domain/directory/northvale.ts';
import { haversineMetres, metresPerMile } from '../../src/domain/directory/geo.ts';
import { categories, categoryByCode } from '../../src/domain/directory/taxonomy.ts';

const today = TEST_TODAY;
const unescape = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe.each(engines)('the public service directory on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  const demo = northvaleDemoServices(today);

  const search = (form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    return app.inject({ method: 'POST', url: '/services', payload: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  };
  const resultIds = (html: string) => [...html.matchAll(/href="\/services\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

  beforeAll(async () => {
    t = await testDatabase(engine);
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock(today) });
    await seedDirectoryDemo(t.db, s.directory);
    app = await testApp(t.db, today);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('has about 150 demo services in every category', () => {
    expect(demo.length).toBeGreaterThanOrEqual(140);
    expect(demo.length).toBeLessThanOrEqual(160);
    const codes = new Set(demo.flatMap((s) => s.attributes.map((a) => a.taxonomy_term.id)));
    expect(codes.size).toBe(12);
  });

  it('shows the search form to anyone, signed out', async () => {
    const response = await app.inject({ method: 'GET', url: '/services' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Find family services near you');
    expect(response.body).toContain('contains OS data © Crown copyright');
  });

  it('finds parenting courses near NV1 5SE, nearest first, with distances in miles', async () => {
    const response = await search({ where: 'nv15se', category: 'parenting' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('within 10 miles of NV1 5SE');
    const ids = resultIds(response.body);
    expect(ids.length).toBeGreaterThan(0);
    const origin = northvalePoint('NV1 5SE')!;
    const parenting = categoryByCode('parenting')!.id;
    const distances = ids.map((id) => {
      const s = demo.find((d) => d.id === id)!;
      expect(s.attributes.map((a) => a.taxonomy_term.id)).toContain(parenting);
      const l = s.service_at_locations[0]?.location;
      return l ? haversineMetres(origin, { latitude: l.latitude!, longitude: l.longitude! }) : Infinity;
    });
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances[0]).toBeLessThanOrEqual(10 * metresPerMile);
    const firstMiles = (Math.round((distances[0] / metresPerMile) * 10) / 10).toFixed(1);
    expect(response.body).toContain(`${firstMiles} miles away`);
  });

  it('keeps the postcode out of the URL: the search is posted and its results link only to service ids', async () => {
    const response = await search({ where: 'NV1 5SE' });
    expect(response.body).toMatch(/<form method="post" action="\/services"/);
    const links = [...response.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links.filter((l) => /NV1/i.test(l))).toEqual([]);
  });

  it('finds a service with no location through the areas it serves', async () => {
    const outreach = demo.find((s) => s.service_at_locations.length === 0 && !s.hideAddress)!;
    const district = outreach.service_areas[0].extent!.split(' ')[0];
    const category = categories.find((c) => c.id === outreach.attributes[0].taxonomy_term.id)!.code;
    const response = await search({ where: `${district} 5SE`, category });
    expect(resultIds(response.body)).toContain(outreach.id);
    expect(response.body).toContain('Works across your area');
  });

  it('filters by age, cost and weekend opening', async () => {
    const paid = resultIds((await search({ where: 'Brackenford', age: '2', cost: 'paid' })).body);
    expect(paid.length).toBeGreaterThan(0);
    for (const id of paid) {
      const s = demo.find((d) => d.id === id)!;
      expect(s.cost_options.length).toBeGreaterThan(0);
      expect((s.minimum_age ?? 0) <= 2 && (s.maximum_age ?? 130) >= 2).toBe(true);
    }
    const weekends = resultIds((await search({ where: 'Brackenford', when: 'weekends' })).body);
    expect(weekends.length).toBeGreaterThan(0);
    for (const id of weekends) expect(demo.find((d) => d.id === id)!.schedules.some((sc) => /SA|SU/.test(sc.byday ?? ''))).toBe(true);
    const free = resultIds((await search({ where: 'Brackenford', cost: 'free' })).body);
    expect(free.length).toBeGreaterThan(0);
    for (const id of free) expect(demo.find((d) => d.id === id)!.cost_options).toEqual([]);
  });

  it('says what is wrong with an unknown postcode or a bad age, with the error summary', async () => {
    const response = await search({ where: 'ZZ9 9ZZ', age: 'seven' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<title>Error: ');
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain('href="#where"');
    expect(response.body).toContain('We could not find the postcode ZZ9 9ZZ');
    expect(response.body).toContain('Enter an age as a whole number, like 7');
    expect(response.body).toContain('value="ZZ9 9ZZ"');
  });

  it('never shows a refuge address: the page names only the area, and carries Exit this page', async () => {
    const refuge = demo.find((s) => s.hideAddress)!;
    const address = refuge.service_at_locations[0].location.addresses[0];
    const page = unescape((await app.inject({ method: 'GET', url: `/services/${refuge.id}` })).body);
    expect(page).toContain('The address is not shared');
    expect(page).toContain(refuge.service_areas[0].name);
    expect(page).not.toContain(address.postal_code);
    expect(page).toContain('govuk-exit-this-page');
    const api = (await app.inject({ method: 'GET', url: `/openreferral/services/${refuge.id}` })).json();
    expect(api.service_at_locations).toEqual([]);
    expect(JSON.stringify(api)).not.toContain(address.postal_code);
    // A search from the refuge's own postcode finds it through its area, with no distance.
    const near = await search({ where: address.postal_code, category: 'domestic_abuse' });
    expect(resultIds(near.body)).toContain(refuge.id);
  });

  it('marks an entry not checked for a year to the public', async () => {
    const stale = demo.find((s) => s.assured_date! <= '2025-11-25' && !s.hideAddress)!;
    const page = (await app.inject({ method: 'GET', url: `/services/${stale.id}` })).body;
    expect(page).toContain('We have not checked these details for over a year');
    const fresh = demo.find((s) => s.assured_date! > '2025-11-25')!;
    expect((await app.inject({ method: 'GET', url: `/services/${fresh.id}` })).body).not.toContain('We have not checked these details');
  });

  it('answers 404 for a service that does not exist', async () => {
    const response = await app.inject({ method: 'GET', url: '/services/9b7e6f43-3b5e-4c1a-9d0e-000000000000' });
    expect(response.statusCode).toBe(404);
  });
});

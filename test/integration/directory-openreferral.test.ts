import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { testApp } from '../support/http.ts';
import { openApi, validateAnswer, validateCompiled } from '../support/open-referral-schemas.ts';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';
import { ImportRefused } from '../../src/modules/directory/service.ts';
import { northvaleDemoServices, northvalePoint } from '../../src/domain/directory/northvale.ts';
import { categoryByCode, lanternTaxonomyId } from '../../src/domain/directory/taxonomy.ts';
import { haversineMetres } from '../../src/domain/directory/geo.ts';

const today = TEST_TODAY;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(engines)('the Open Referral UK API and feeds on %s', (engine) => {
  let t: TestDatabase;
  let fresh: TestDatabase;
  let app: LanternApp;
  let s: Services;
  const demo = northvaleDemoServices(today);
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as Json };
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    fresh = await testDatabase(engine);
    s = buildServices(t.db, { sessionHours: 8, clock: testClock(today) });
    await seedDirectoryDemo(t.db, s.directory);
    app = await testApp(t.db, today);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
    await fresh.drop();
  });

  it('answers every path in openapi.json, each valid against its schema (Ajv 2020-12, formats on, strict)', async () => {
    const located = demo.find((d) => d.service_at_locations.length > 0)!;
    const ids: Record<string, string> = {
      '/services/{id}': located.id,
      '/taxonomies/{id}': lanternTaxonomyId,
      '/taxonomy_terms/{id}': categoryByCode('parenting')!.id,
      '/service_at_locations/{id}': located.service_at_locations[0].id,
    };
    const answered: string[] = [];
    for (const apiPath of Object.keys(openApi.paths)) {
      const url = `/openreferral${apiPath.replace('{id}', ids[apiPath] ?? '')}`;
      const { status, body } = await get(url);
      expect({ url, status }).toEqual({ url, status: 200 });
      expect({ url, errors: validateAnswer(apiPath, body) }).toEqual({ url, errors: '' });
      answered.push(apiPath);
    }
    expect(answered.sort()).toEqual(['/', '/service_at_locations', '/service_at_locations/{id}', '/services', '/services/{id}', '/taxonomies', '/taxonomies/{id}', '/taxonomy_terms', '/taxonomy_terms/{id}']);
  });

  it('has validators that refuse what the schemas forbid', () => {
    const errors = validateCompiled('service.json', { id: 'not-a-uuid', name: 'A service', email: 'nobody' });
    expect(errors).toContain("must have required property 'status'");
    expect(errors).toContain('must match format "uuid"');
    expect(errors).toContain('must match format "email"');
    expect(validateAnswer('/services', { total_items: 'many', contents: [{ id: 'x' }] })).toContain('must be integer');
  });

  it('pages services with total_items and contents, and filters them as openapi.json describes', async () => {
    const all = (await get('/openreferral/services?per_page=10&page=2')).body;
    expect(all.total_items).toBe(demo.length);
    expect(all.contents).toHaveLength(10);
    expect(all.page_number).toBe(2);
    expect(all.first_page).toBe(false);
    const parenting = categoryByCode('parenting')!.id;
    const byTerm = (await get(`/openreferral/services?taxonomy_term_id=${parenting}&per_page=200`)).body;
    expect(byTerm.total_items).toBe(demo.filter((d) => d.attributes.some((a) => a.taxonomy_term.id === parenting)).length);
    expect((await get(`/openreferral/services?taxonomy_id=${lanternTaxonomyId}`)).body.total_items).toBe(demo.length);
    const teens = (await get('/openreferral/services?minimum_age=11&maximum_age=18&per_page=200')).body;
    expect(teens.total_items).toBeGreaterThan(0);
    for (const c of teens.contents) expect(c.minimum_age >= 11 && c.maximum_age <= 18).toBe(true);
    const saturday = (await get('/openreferral/services?day=SA&start_time=09:00&per_page=200')).body;
    expect(saturday.total_items).toBe(demo.filter((d) => d.schedules.some((sc) => sc.byday!.includes('SA') && sc.opens_at! >= '09:00')).length);
    const searched = (await get('/openreferral/services?search=freedom%20programme')).body;
    expect(searched.contents.map((c: Json) => c.name).every((n: string) => n.startsWith('Freedom Programme'))).toBe(true);
    expect(searched.total_items).toBeGreaterThan(0);
  });

  it('finds service at locations within proximity metres of a postcode, nearest first', async () => {
    const { body } = await get('/openreferral/service_at_locations?postcode=NV1%205SE&proximity=3000&per_page=200');
    expect(body.total_items).toBeGreaterThan(0);
    const origin = northvalePoint('NV1 5SE')!;
    const metres: number[] = body.contents.map((c: Json) => haversineMetres(origin, c.location));
    for (const m of metres) expect(m).toBeLessThanOrEqual(3000);
    expect(metres).toEqual([...metres].sort((a, b) => a - b));
    const all = (await get('/openreferral/service_at_locations?per_page=200')).body;
    expect(all.total_items).toBeGreaterThan(body.total_items);
    expect(validateAnswer('/service_at_locations', body)).toBe('');
  });

  it('answers 400 with the field for a bad filter, and 404 for an unknown id', async () => {
    const bad = await get('/openreferral/services?minimum_age=old&day=someday&per_page=0');
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual({ minimum_age: 'expected an age from 0 to 130', day: expect.stringContaining('expected a day'), per_page: 'expected a whole number from 1 to 200' });
    expect((await get('/openreferral/service_at_locations?postcode=NV1%205SE&proximity=far')).body.fields).toEqual({ proximity: 'expected a distance in metres from 1 to 1000000' });
    expect((await get('/openreferral/services/9b7e6f43-3b5e-4c1a-9d0e-000000000000')).status).toBe(404);
    expect((await get('/openreferral/services/not-an-id')).status).toBe(404);
  });

  it('exports a full feed whose every service is a valid compiled service, and that imports into a fresh Lantern unchanged', async () => {
    const exported = (await get('/openreferral/export')).body;
    expect(exported.total_items).toBe(demo.length);
    for (const service of exported.contents) expect(validateCompiled('service.json', service)).toBe('');
    const other = buildServices(fresh.db, { sessionHours: 8, clock: testClock(today) });
    expect(await other.directory.importFeed(null, JSON.parse(JSON.stringify(exported)))).toEqual({ created: demo.length, updated: 0 });
    expect(await other.directory.exportFeed()).toEqual(exported);
    // Again: the same ids update what is there instead of adding to it.
    expect(await other.directory.importFeed(null, exported)).toEqual({ created: 0, updated: demo.length });
    expect((await other.directory.exportFeed()).total_items).toBe(demo.length);
  });

  it('refuses a feed with problems whole, saying which service and field and what was expected', async () => {
    const before = (await s.directory.exportFeed()).total_items;
    const good = structuredClone(demo[0]) as Json;
    good.id = '3f0c9a52-8d1e-4b7a-9c44-5a1e2b3c4d5e';
    const feed = [
      good,
      { ...structuredClone(demo[1]), minimum_age: -3 },
      { ...structuredClone(demo[2]), id: 'abc', status: 'open' },
      { ...structuredClone(demo[3]), id: good.id },
    ];
    const refused = await s.directory.importFeed(null, feed).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportRefused);
    expect((refused as ImportRefused).problems).toEqual([
      'service 2: minimum_age: expected a whole number of years from 0 to 130',
      'service 3: id: expected a UUID',
      'service 3: status: expected active, inactive, defunct or temporarily closed',
      'service 4: id: expected a different id from service 1',
    ]);
    expect((refused as ImportRefused).message).toBe('The file was not imported: 4 problems. Nothing was changed.');
    expect((await s.directory.exportFeed()).total_items).toBe(before);
    const notAFeed = await s.directory.importFeed(null, { hello: 'world' }).catch((e: unknown) => e);
    expect((notAFeed as ImportRefused).problems).toEqual(['feed: expected a list of services, or an object with the services in "contents"']);
  });
});

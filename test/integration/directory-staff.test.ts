import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { addCaseEvent, makeContact, makeDatedCase } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { testClock, TEST_TODAY } from '../support/clock.ts';
import type { LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';
import { editorFields } from '../../src/domain/directory/editor.ts';

const unescape = (html: string) => html.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x27;/g, "'");

/** The directory's staff side over HTTP: editors add, change and retire services; practitioners signpost families from a case. */
describe.each(engines)('the service directory staff side on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let priya: Actor & { email: string };
  let manager: Actor & { email: string };
  const ids: Record<string, string> = {};
  const signedIn = async (email: string) => {
    const client = new PageClient(app);
    await client.signIn(email, testPassword);
    return client;
  };
  const version = async (id: string) => String((await t.db.query<{ version: number }>('SELECT version FROM directory_service WHERE id = $1', [id]))[0].version);
  const audits = async (action: string, recordId: string) =>
    (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND record_id = $2', [action, recordId]))[0].n;
  const course = {
    name: 'Brackenford Parenting Together', organisation: 'Northvale Family Hub', description: 'A six-week course for parents of children aged 5 to 11.',
    category: 'parenting', minimumAge: '5', maximumAge: '11', cost: '', phone: '01632 960 123', email: 'hub@northvale.example', website: 'https://hub.northvale.example',
    address: '1 Mill Lane', town: 'Brackenford', postcode: 'NV1 5SE', areas: '', days: ['TU', 'TH'], opensAt: '10:00', closesAt: '12:00',
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    priya = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId], name: 'Mo Khan' });
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    await seedDirectoryDemo(t.db, s.directory);
    app = await testApp(t.db);
    ids.family = (await s.families.createFamily(priya, { family: aFamily({ familyName: 'Okafor' }), members: [aMember({ familyName: 'Okafor' })] })).id;
    ids.case = (await makeDatedCase(t.db, { familyId: ids.family, referredAt: '2026-11-01T09:00:00Z', state: 'intervention', keyWorkerId: priya.id })).caseId;
    await addCaseEvent(t.db, ids.case, 'agree_plan', '2026-11-10T10:00:00Z', 'planning');
    ids.contact = (await makeContact(t.db, { caseId: ids.case, recordedBy: priya.id, date: '2026-11-24', startTime: '10:00', endTime: '11:00' })).contactId;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('keeps the editor to directory editors', async () => {
    const client = await signedIn(priya.email);
    expect((await client.get('/directory')).statusCode).toBe(403);
    expect((await client.post('/directory/new', course)).statusCode).toBe(403);
  });

  it('refuses a field sent as a list with its own message, never a 500 (every field)', async () => {
    const client = await signedIn(manager.email);
    await client.get('/directory/new');
    for (const field of editorFields.filter((f) => f !== 'days' && f !== 'version')) {
      const post = await client.post('/directory/new', { ...course, [field]: ['a', 'b'] });
      expect(post.statusCode, field).toBe(303);
      expect(post.headers.location).toBe('/directory/new');
      const page = unescape((await client.get('/directory/new')).body);
      expect(page, field).toContain('There is a problem');
      expect(page, field).toMatch(new RegExp(`href="#${field}"[^>]*>(The [a-z ]+ must be text|Choose[^<]*)<`));
    }
    const cost = await client.post('/directory/new', { ...course, cost: ['a', 'b'] });
    expect(cost.statusCode).toBe(303);
    expect(unescape((await client.get('/directory/new')).body)).toContain('The cost must be text');
  });

  it('shows every problem at once in the error summary', async () => {
    const client = await signedIn(manager.email);
    await client.get('/directory/new');
    await client.post('/directory/new', { ...course, name: '', category: 'astrology', minimumAge: '12', maximumAge: '3', postcode: 'nowhere', hideAddress: 'yes' });
    const page = unescape((await client.get('/directory/new')).body);
    for (const message of ['Enter the name of the service', 'Choose the kind of help from the list', 'The oldest age must be the same as or more than the youngest age',
      'Enter a full postcode, like NV1 5SE', 'Enter the areas served: a service with a hidden address is found through them']) expect(page).toContain(message);
  });

  it('adds a service that the public then finds near NV1 5SE, audited', async () => {
    const client = await signedIn(manager.email);
    await client.get('/directory/new');
    const post = await client.post('/directory/new', course);
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe('/directory');
    const list = await client.get('/directory');
    expect(list.body).toContain('Service added to the directory');
    const [row] = await t.db.query<{ id: string; assured_date: string }>(`SELECT id, assured_date::text FROM directory_service WHERE name = $1`, [course.name]);
    ids.course = row.id;
    expect(row.assured_date).toBe(TEST_TODAY);
    expect(await audits('create-directory-service', row.id)).toBe(1);
    const page = await app.inject({ method: 'GET', url: `/services/${row.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('01632 960 123');
    expect(page.body).toContain('Tuesday and Thursday');
    const near = await app.inject({ method: 'GET', url: '/openreferral/service_at_locations?postcode=NV1%205SE&proximity=500' });
    expect(near.json().contents.map((c: { service_id: string }) => c.service_id)).toContain(row.id);
  });

  it('flags entries not checked for 12 months to editors, and saving marks them checked', async () => {
    await t.db.query(`UPDATE directory_service SET assured_date = '2025-11-01' WHERE id = $1`, [ids.course]);
    const client = await signedIn(manager.email);
    const list = await client.get('/directory');
    expect(list.body).toMatch(/Not checked for over a year: \d+ entr(y|ies)\. Check and save them\./);
    expect(list.body).toMatch(new RegExp(`${ids.course}">${course.name}</a></td>\\s*<td[^>]*>[^<]*</td>\\s*<td[^>]*>1 November 2025 <strong[^>]*>Needs checking`));
    const publicPage = await app.inject({ method: 'GET', url: `/services/${ids.course}` });
    expect(publicPage.body).toContain('We have not checked these details for over a year');
    const form = await client.get(`/directory/${ids.course}`);
    expect(form.body).toContain('over a year ago');
    const post = await client.post(`/directory/${ids.course}`, { ...course, cost: '£5 a session', version: await version(ids.course) });
    expect(post.headers.location).toBe('/directory');
    const [row] = await t.db.query<{ assured_date: string; is_free: boolean }>('SELECT assured_date::text, is_free FROM directory_service WHERE id = $1', [ids.course]);
    expect(row).toEqual({ assured_date: TEST_TODAY, is_free: false });
    expect(await audits('update-directory-service', ids.course)).toBe(1);
  });

  it('refuses a change made on an out-of-date page (optimistic locking)', async () => {
    const client = await signedIn(manager.email);
    await client.get(`/directory/${ids.course}`);
    const stale = String(Number(await version(ids.course)) - 1);
    const post = await client.post(`/directory/${ids.course}`, { ...course, name: 'Renamed', version: stale });
    expect(post.statusCode).toBe(409);
    expect(unescape(post.body)).toContain('Someone else changed this service while you were editing it');
    expect((await t.db.query<{ name: string }>('SELECT name FROM directory_service WHERE id = $1', [ids.course]))[0].name).toBe(course.name);
  });

  it('hides a refuge address from the public and the API, keeping only the areas it serves', async () => {
    const client = await signedIn(manager.email);
    await client.get('/directory/new');
    const refuge = { ...course, name: 'Northvale Safe House', category: 'domestic_abuse', address: '9 Secret Row', postcode: 'NV2 1AA', hideAddress: 'yes', areas: 'NV1 NV2' };
    expect((await client.post('/directory/new', refuge)).statusCode).toBe(303);
    const [{ id }] = await t.db.query<{ id: string }>(`SELECT id FROM directory_service WHERE name = 'Northvale Safe House'`);
    const page = await app.inject({ method: 'GET', url: `/services/${id}` });
    expect(page.body).not.toContain('9 Secret Row');
    expect(page.body).toContain('The address is not shared');
    expect(page.body).toContain('Exit this page');
    const api = await app.inject({ method: 'GET', url: `/openreferral/services/${id}` });
    expect(api.body).not.toContain('Secret Row');
    expect(api.json().service_at_locations).toEqual([]);
    const exported = await app.inject({ method: 'GET', url: '/openreferral/export' });
    expect(exported.body).not.toContain('Secret Row');
    // Found through the areas it serves.
    const search = await app.inject({ method: 'POST', url: '/services', payload: 'where=NV1+5SE&category=domestic_abuse', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(search.body).toContain(`/services/${id}`);
    // Its editors still see the address.
    expect((await client.get(`/directory/${id}`)).body).toContain('9 Secret Row');
  });

  it('lets a practitioner signpost the family: on the case, in the chronology, in the letter, offered at closure', async () => {
    const priyaClient = await signedIn(priya.email);
    const empty = await priyaClient.get(`/cases/${ids.case}/services`);
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('has not been signposted to any service');
    const bad = await priyaClient.post(`/cases/${ids.case}/services`, { serviceId: 'not-a-service', kind: 'told', note: ['a', 'b'] });
    expect(bad.statusCode).toBe(303);
    const errors = unescape((await priyaClient.get(`/cases/${ids.case}/services`)).body);
    for (const m of ['Choose a service from the directory', 'Choose whether you signposted or referred the family', 'The note must be text']) expect(errors).toContain(m);
    const post = await priyaClient.post(`/cases/${ids.case}/services`, { serviceId: ids.course, kind: 'signposted', note: 'Mum keen to go on Tuesdays', inLetter: 'yes' });
    expect(post.statusCode).toBe(303);
    const page = await priyaClient.get(`/cases/${ids.case}/services`);
    expect(page.body).toContain(course.name);
    expect(page.body).toContain('Mum keen to go on Tuesdays');

    const chronology = unescape((await priyaClient.get(`/families/${ids.family}/chronology`)).body);
    expect(chronology).toContain('Signposted to a service in the directory');
    expect(chronology).toContain(`${course.name} (${course.organisation}). Mum keen to go on Tuesdays`);

    const letter = unescape((await priyaClient.get(`/cases/${ids.case}/contacts/${ids.contact}/family-letter`)).body);
    expect(letter).toContain('Services near you');
    expect(letter).toContain('Phone: 01632 960 123');
    expect(letter).toContain('Address: 1 Mill Lane, Brackenford, NV1 5SE');

    const managerClient = await signedIn(manager.email);
    const close = await managerClient.get(`/cases/${ids.case}/close`);
    expect(close.body).toContain('Services the family was signposted to');
    expect(unescape(close.body)).toContain(`value="${ids.course}"`);
    const [{ version: caseVersion }] = await t.db.query<{ version: number }>('SELECT version FROM casefile WHERE id = $1', [ids.case]);
    const closed = await managerClient.post(`/cases/${ids.case}/close`, {
      reason: 'goals_achieved', stepDownTier: '1', stepDownServiceId: ids.course, stepDownTo: '', closingSummary: 'Going to the parenting course.', version: String(caseVersion),
    });
    expect(closed.statusCode).toBe(303);
    expect(closed.headers.location).toBe(`/cases/${ids.case}/follow-ups?closed=yes`);
    const [row] = await t.db.query<{ step_down_to: string; step_down_service_id: string }>('SELECT step_down_to, step_down_service_id FROM casefile WHERE id = $1', [ids.case]);
    expect(row).toEqual({ step_down_to: course.name, step_down_service_id: ids.course });
  });

  it('retires a service: gone from the public directory, audited', async () => {
    const client = await signedIn(manager.email);
    await client.get(`/directory/${ids.course}`);
    const post = await client.post(`/directory/${ids.course}/retire`, { version: await version(ids.course) });
    expect(post.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: `/services/${ids.course}` })).statusCode).toBe(404);
    expect(await audits('retire-directory-service', ids.course)).toBe(1);
    const near = await app.inject({ method: 'POST', url: '/services', payload: 'where=NV1+5SE&category=parenting', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(near.body).not.toContain(`/services/${ids.course}`);
  });

  it('answers service_at_locations near a postcode in a fixed number of statements, however many it finds (no N+1)', async () => {
    let statements = 0;
    const counting = new Proxy(t.db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === 'query') return (...args: unknown[]) => { statements += 1; return (value as (...a: unknown[]) => unknown).apply(target, args); };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const s = services(counting, { sessionHours: 8, clock: testClock() });
    const count = async (query: Record<string, string>) => {
      statements = 0;
      const page = await s.directory.apiServiceAtLocations(query) as { contents: unknown[] };
      return { statements, size: page.contents.length };
    };
    const one = await count({ postcode: 'NV1 5SE', proximity: '3000', per_page: '1' });
    const many = await count({ postcode: 'NV1 5SE', proximity: '30000', per_page: '100' });
    expect(one.size).toBe(1);
    expect(many.size).toBeGreaterThan(20);
    expect(many.statements).toBe(one.statements);
  });

  it('refuses an Open Referral UK parameter given twice (400, not 500)', async () => {
    const response = await app.inject({ method: 'GET', url: '/openreferral/services?search=a&search=b' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Give search once: it was sent more than once');
  });
});

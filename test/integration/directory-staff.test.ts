import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeCase, makeContact } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import type { LanternApp } from '../../src/web/app.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { seedDirectoryDemo } from '../../src/modules/demo/directory.ts';
import { addMonths } from '../../src/domain/casework/due.ts';
import { urls } from '../../src/web/urls.ts';

const today = TEST_TODAY;

function errorSummary(html: string): { text: string; href: string }[] {
  const list = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<a href="([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1], text: m[2].trim().replace(/&#39;/g, '\'').replace(/&quot;/g, '"') }));
}

const aService = (over: Record<string, unknown> = {}) => ({
  organisationName: 'Ashby Vale Family Hub', name: 'Saturday Dads Group', description: 'A group for dads and their children, with play and a chat.',
  categories: ['parenting'], minimumAge: '0', maximumAge: '11', cost: 'free', locationName: 'Ashby Vale Family Hub', address1: '12 Mill Lane', town: 'Ashby Vale',
  postcode: 'nv1 5se', areaName: 'Ashby Vale', days: ['SA'], opensAt: '10:00', closesAt: '12:00', contactName: 'Hub reception', phone: '0300 555 7788',
  email: 'dads@ashbyhub.example', website: 'https://ashbyhub.example/dads', languages: 'English, Polish', accessibility: 'Step-free access', ...over,
});

describe.each(engines)('the directory staff side on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  let editor: Actor & { email: string };
  let practitioner: Actor & { email: string };
  let manager: Actor & { email: string };
  let editorToken: string;
  let practitionerToken: string;
  let caseId: string;
  let familyId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    editor = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Eddie Editor' });
    await t.db.query('UPDATE app_user SET directory_editor = true WHERE id = $1', [editor.id]);
    practitioner = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Shah' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.teamId, manages: [p.teamId], name: 'Dan Okafor' });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock(today) });
    await seedDirectoryDemo(t.db, s.directory);
    app = await testApp(t.db, today);
    editorToken = await s.access.createApiToken(editor.email, 'test');
    practitionerToken = await s.access.createApiToken(practitioner.email, 'test');
    familyId = (await s.families.createFamily(practitioner, { family: aFamily(), members: [aMember()] })).id;
    caseId = (await makeCase(t.db, { familyId, state: 'intervention', keyWorkerId: practitioner.id })).caseId;
    await t.db.query('INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES (gen_random_uuid(), $1, $2, $3, true, $4) ON CONFLICT DO NOTHING',
      [familyId, practitioner.id, 'Key worker', today]);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

  it('refuses the editor pages and API to someone without the permission, with a message, and audits the refusal', async () => {
    const client = new PageClient(app);
    await client.signIn(practitioner.email, testPassword);
    const page = await client.get(urls.directoryEditor());
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Only directory editors can change the service directory. Ask your Lantern administrator to make you a directory editor.');
    const created = await api('POST', '/api/v1/directory/services', practitionerToken, aService());
    expect(created.statusCode).toBe(403);
    expect(created.json().message).toContain('Only directory editors');
    const denied = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE user_id = $1 AND outcome = 'denied' AND record_type = 'directory_service'`, [practitioner.id]);
    expect(denied[0].n).toBe(2);
    expect((await t.db.query('SELECT 1 FROM directory_service WHERE name = $1', ['Saturday Dads Group'])).length).toBe(0);
  });

  it('lets an administrator make someone a directory editor from the user form', async () => {
    const p = await t.db.query<{ id: string }>('SELECT id FROM agency ORDER BY name LIMIT 1');
    const admin = await makeUser(t.db, { role: 'administrator', agencyId: p[0].id, name: 'Ada Admin' });
    const adminToken = await s.access.createApiToken(admin.email, 'test');
    const before = (await api('GET', `/api/v1/users/${manager.id}`, adminToken)).json();
    expect(before.directoryEditor).toBe(false);
    const client = new PageClient(app);
    await client.signIn(admin.email, testPassword);
    const form = await client.get(`/admin/users/${manager.id}`);
    expect(form.body).toContain('Directory editor');
    const { id: _id, status: _s, lastSignInAt: _l, agencyName: _a, teamName: _t, ...fields } = before;
    const saved = await client.post(`/admin/users/${manager.id}`, { ...fields, managedTeamIds: before.managedTeamIds, version: String(before.version), directoryEditor: 'yes' });
    expect(saved.statusCode).toBe(303);
    expect((await api('GET', `/api/v1/users/${manager.id}`, adminToken)).json().directoryEditor).toBe(true);
    // An API update that does not mention the permission leaves it as it was.
    const after = (await api('GET', `/api/v1/users/${manager.id}`, adminToken)).json();
    const put = await api('PUT', `/api/v1/users/${manager.id}`, adminToken, { displayName: after.displayName, email: after.email, role: after.role, agencyId: after.agencyId, teamId: after.teamId, managedTeamIds: after.managedTeamIds, version: after.version });
    expect(put.statusCode).toBe(200);
    expect(put.json().directoryEditor).toBe(true);
  });

  it('lists stale entries first, by the clock', async () => {
    const client = new PageClient(app);
    await client.signIn(editor.email, testPassword);
    const list = await api('GET', '/api/v1/directory/services', editorToken);
    expect(list.statusCode).toBe(200);
    const body = list.json() as { stale: number; services: { stale: boolean; assured_date: string | null }[] };
    const cutoff = addMonths(today, -12);
    expect(body.stale).toBeGreaterThan(0);
    const flags = body.services.map((x) => x.stale);
    expect(flags.slice(0, body.stale).every(Boolean)).toBe(true);
    expect(flags.slice(body.stale).some(Boolean)).toBe(false);
    for (const x of body.services) expect(x.stale).toBe(x.assured_date === null || x.assured_date <= cutoff);
    const page = await client.get(urls.directoryEditor());
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Not checked for over a year');
    expect(page.body.indexOf('Not checked for over a year')).toBeLessThan(page.body.lastIndexOf('<tr class="govuk-table__row">'));

    // Marking a stale one as checked moves it out of the stale group.
    const stale = (await t.db.query<{ id: string; version: number }>(`SELECT id, version FROM directory_service WHERE assured_date IS NULL OR assured_date <= $1::date ORDER BY name LIMIT 1`, [cutoff]))[0];
    const checked = await api('POST', `/api/v1/directory/services/${stale.id}/checked`, editorToken, { version: stale.version });
    expect(checked.statusCode).toBe(200);
    expect(checked.json().checkedOn).toBe(today);
    expect((await api('GET', '/api/v1/directory/services', editorToken)).json().stale).toBe(body.stale - 1);
  });

  it('shows the GOV.UK error summary with every problem and keeps the answers', async () => {
    const client = new PageClient(app);
    await client.signIn(editor.email, testPassword);
    await client.get(urls.directoryEditorNew());
    const posted = await client.post(urls.directoryEditorNew(), { name: 'Half a service', cost: 'paid', costAmount: 'lots', postcode: 'SW1A 9ZZ', address1: '1 High St', town: 'Ashby', opensAt: '18:00', closesAt: '17:00', days: ['MO'], email: 'not-an-email' });
    expect(posted.statusCode).toBe(303);
    const page = await client.get(urls.directoryEditorNew());
    expect(page.body).toContain('<title>Error: Add a service – Lantern</title>');
    expect(errorSummary(page.body)).toEqual([
      { text: 'Enter the name of the organisation that runs the service', href: '#organisationName' },
      { text: 'Describe the service: what it offers and who it is for', href: '#description' },
      { text: 'Select at least one kind of help', href: '#categories' },
      { text: 'The cost must be an amount in pounds more than 0, like 5 or 4.50', href: '#costAmount' },
      { text: 'We could not find the postcode SW1A 9ZZ in the postcode directory: check it', href: '#postcode' },
      { text: 'The closing time must be after the opening time', href: '#closesAt' },
      { text: 'Enter an email address in the correct format, like name@example.org', href: '#email' },
    ]);
    expect(page.body).toContain('value="Half a service"');
  });

  let serviceId: string;

  it('adds a service every Open Referral field of the public page shows, audited, and finds it publicly', async () => {
    const created = await api('POST', '/api/v1/directory/services', editorToken, aService());
    expect(created.statusCode).toBe(201);
    serviceId = created.json().id;
    const page = await app.inject({ method: 'GET', url: urls.directoryService(serviceId) });
    expect(page.statusCode).toBe(200);
    for (const shown of ['Saturday Dads Group', 'Ashby Vale Family Hub', 'Ages up to 11', 'Saturday, 10am to 12pm', '12 Mill Lane, Ashby Vale, NV1 5SE', '0300 555 7788',
      'dads@ashbyhub.example', 'https://ashbyhub.example/dads', 'English, Polish', 'Step-free access', 'Parenting', 'Free']) expect(page.body).toContain(shown);
    const search = await app.inject({ method: 'POST', url: '/services', payload: new URLSearchParams({ where: 'NV1 5SE', category: 'parenting', when: 'weekends' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(search.body).toContain(`/services/${serviceId}`);
    const audit = await t.db.query<{ detail: { before: unknown; after: { name: string } } }>(`SELECT detail FROM audit_event WHERE action = 'create-directory-service' AND record_id = $1`, [serviceId]);
    expect(audit[0].detail.before).toBeNull();
    expect(audit[0].detail.after.name).toBe('Saturday Dads Group');
  });

  it('changes a service from the version read, refuses a stale save with 409, and audits before and after', async () => {
    const read = (await api('GET', `/api/v1/directory/services/${serviceId}`, editorToken)).json();
    expect(read.postcode).toBe('NV1 5SE');
    const changed = await api('PUT', `/api/v1/directory/services/${serviceId}`, editorToken, { ...aService({ cost: 'paid', costAmount: '3.50', hideAddress: true, areaDistricts: 'NV1', days: ['MO', 'SU'], closesAt: '19:30' }), version: read.version });
    expect(changed.statusCode).toBe(200);
    const again = await api('PUT', `/api/v1/directory/services/${serviceId}`, editorToken, { ...aService({ name: 'Overwritten' }), version: read.version });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('Someone else changed this service after you opened it');
    const page = await app.inject({ method: 'GET', url: urls.directoryService(serviceId) });
    expect(page.body).toContain('The address is not shared');
    expect(page.body).not.toContain('12 Mill Lane');
    expect(page.body).toContain('£3.50');
    const audit = await t.db.query<{ detail: { before: { cost: string; hideAddress: string }; after: { cost: string; hideAddress: string } } }>(
      `SELECT detail FROM audit_event WHERE action = 'update-directory-service' AND record_id = $1 AND outcome = 'allowed' AND detail ? 'after'`, [serviceId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].detail.before.cost).toBe('free');
    expect(audit[0].detail.after).toMatchObject({ cost: 'paid', hideAddress: 'yes' });
  });

  it('signposts the family to a service from the case: recorded on the case and in the chronology', async () => {
    const client = new PageClient(app);
    await client.signIn(practitioner.email, testPassword);
    const searched = await client.get(`${urls.caseServices(caseId)}?search=dads&category=parenting`);
    expect(searched.statusCode).toBe(200);
    expect(searched.body).toContain(`value="${serviceId}"`);
    const missing = await client.post(urls.caseServices(caseId), { note: 'x' });
    expect(missing.statusCode).toBe(303);
    const withErrors = await client.get(urls.caseServices(caseId));
    expect(errorSummary(withErrors.body).map((e) => e.text)).toEqual(['Choose a service from the directory', 'Select whether you signposted or referred the family']);
    const saved = await client.post(urls.caseServices(caseId), { serviceId, kind: 'signpost', note: 'Dad keen to go on Saturdays' });
    expect(saved.statusCode).toBe(303);
    const page = await client.get(urls.caseServices(caseId));
    expect(page.body).toContain('Signposted to Saturday Dads Group');
    const chronology = await s.contacts.chronology(practitioner, familyId);
    const event = chronology.events.find((e) => e.title === 'Signposted to a service');
    expect(event?.detail).toBe('Saturday Dads Group (Ashby Vale Family Hub). Dad keen to go on Saturdays');
    const viaApi = await api('POST', `/api/v1/cases/${caseId}/services`, practitionerToken, { serviceId, kind: 'referral' });
    expect(viaApi.statusCode).toBe(201);
    expect((await api('GET', `/api/v1/cases/${caseId}/services`, practitionerToken)).json().services.map((x: { kind: string }) => x.kind)).toEqual(['signpost', 'referral']);
  });

  it('puts the service and its contact details in the family letter as "Services near you"', async () => {
    const { contactId } = await makeContact(t.db, { caseId, recordedBy: practitioner.id, date: today, startTime: '10:00', endTime: '11:00' });
    const draft = await s.contacts.letterDraft(practitioner, caseId, contactId, 'family');
    expect(draft.headings.servicesNearYou).toBe('Services near you');
    expect(draft.draft.servicesNearYou).toContain('Saturday Dads Group (Ashby Vale Family Hub)');
    expect(draft.draft.servicesNearYou).toContain('Phone: 0300 555 7788');
    expect(draft.draft.servicesNearYou).toContain('not shared');
    const { id } = await s.contacts.saveLetter(practitioner, caseId, { ...draft.draft, progress: 'You have been to every group.', contactId, approved: true });
    const letter = await s.contacts.letter(practitioner, caseId, id);
    const section = letter.letter.document.sections.find((x) => x.heading === 'Services near you');
    expect(section?.paragraphs.flat()).toContain('Phone: 0300 555 7788');
    const referrer = await s.contacts.letterDraft(practitioner, caseId, contactId, 'referrer');
    expect(referrer.draft.servicesNearYou).toBe('');
  });

  it('offers the signposted services at closure as the step-down destination', async () => {
    const client = new PageClient(app);
    await client.signIn(manager.email, testPassword);
    await t.db.query('INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES (gen_random_uuid(), $1, $2, $3, false, $4)', [familyId, manager.id, 'Manager', today]);
    const form = await client.get(urls.closeCase(caseId));
    expect(form.body).toContain('Which service is the family stepping down to?');
    expect(form.body).toContain(`value="${serviceId}"`);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const closed = await client.post(urls.closeCase(caseId), { reason: 'other', reasonOther: 'Family moving on', stepDownTier: '2', stepDownServiceId: serviceId, stepDownTo: '', closingSummary: 'Going well.', version });
    expect(closed.statusCode).toBe(303);
    const row = await t.db.query<{ step_down_to: string }>('SELECT step_down_to FROM casefile WHERE id = $1', [caseId]);
    expect(row[0].step_down_to).toBe('Saturday Dads Group');
  });

  it('retires a service: gone from the public directory, 409 on a stale version', async () => {
    const read = (await api('GET', `/api/v1/directory/services/${serviceId}`, editorToken)).json();
    const retired = await api('POST', `/api/v1/directory/services/${serviceId}/retire`, editorToken, { version: read.version });
    expect(retired.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: urls.directoryService(serviceId) })).statusCode).toBe(404);
    const again = await api('POST', `/api/v1/directory/services/${serviceId}/retire`, editorToken, { version: read.version });
    expect(again.statusCode).toBe(409);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';
import { redactedMark } from '../../src/domain/governance/redaction.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeContact, makeDatedCase } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { testClock } from '../support/clock.ts';

describe.each(engines)('break glass, the data protection officer, subject access and retention on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let family: { id: string; reference: string };
  let users: Record<'keyWorker' | 'manager' | 'stranger' | 'strangerManager' | 'dpo' | 'admin', Awaited<ReturnType<typeof makeUser>>>;
  let kerryId: string;
  const client = async (who: keyof typeof users, on: LanternApp = app) => {
    const c = new PageClient(on);
    await c.signIn(users[who].email, testPassword);
    return c;
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    users = {
      keyWorker: await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' }),
      manager: await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId] }),
      stranger: await makeUser(t.db, { agencyId: csc, teamId: p.otherTeamId, name: 'Olu Night' }),
      strangerManager: await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.otherTeamId, manages: [p.otherTeamId] }),
      dpo: await makeUser(t.db, { role: 'dpo', agencyId: csc, name: 'Ruth Adeyemi' }),
      admin: await makeUser(t.db, { role: 'administrator', agencyId: csc }),
    };
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    const created = await s.families.createFamily(users.keyWorker, {
      family: aFamily({ districtId: p.districtId }),
      members: [aMember(), aMember({ givenName: 'Dean', role: 'father', sex: 'male', dateOfBirth: '1986-02-03' }), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    });
    family = { id: created.id, reference: created.reference };
    [{ id: kerryId }] = await t.db.query<{ id: string }>(`SELECT id FROM person WHERE family_id = $1 AND given_name = 'Kerry'`, [family.id]);
    app = await testApp(t.db);
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('gives read-only emergency access after a reason and the password again; a wrong password is refused with a message', async () => {
    const stranger = await client('stranger');
    const search = await stranger.post('/search', { q: 'Walsh' });
    expect((await stranger.get(search.headers.location as string)).body).toContain('ask for emergency access');
    const refused = await stranger.get(`/families/${family.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('ask for emergency access');

    await stranger.get('/emergency-access');
    const wrong = await stranger.post('/emergency-access', { familyReference: family.reference, reason: 'Police called out of hours about the children', password: 'not my password' });
    expect(wrong.headers.location).toBe('/emergency-access');
    const again = await stranger.get('/emergency-access');
    expect(again.body).toContain('There is a problem');
    expect(again.body).toContain('Enter your password correctly to confirm it is you');
    expect(again.body).toContain('Police called out of hours about the children');
    expect(again.body).not.toContain('not my password');
    expect((await stranger.get(`/families/${family.id}`)).statusCode).toBe(403);
    const [denied] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'break-glass' AND outcome = 'denied' AND family_id = $1`, [family.id]);
    expect(denied.n).toBe(1);

    const noReason = await stranger.post('/emergency-access', { familyReference: family.reference, reason: '', password: testPassword });
    expect(noReason.headers.location).toBe('/emergency-access');
    expect((await stranger.get('/emergency-access')).body).toContain('Enter why you need emergency access to this family');

    // An unknown family, no reason and no password: every problem in one summary (issue 15 item 11).
    await stranger.post('/emergency-access', { familyReference: 'LAN-9999-9999', reason: '', password: '' });
    const all = (await stranger.get('/emergency-access')).body;
    expect(all).toContain('No family has the reference LAN-9999-9999');
    expect(all).toContain('Enter why you need emergency access to this family');
    expect(all).toContain('Enter your password to confirm it is you');

    const granted = await stranger.post('/emergency-access', { familyReference: family.reference, reason: 'Police called out of hours about the children', password: testPassword });
    expect(granted.headers.location).toBe(`/families/${family.id}?saved=emergency-access`);
    const page = await stranger.get(`/families/${family.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You have emergency read-only access until');
    expect(page.body).toContain('26 November 2026');

    // Read only: every change is still refused.
    expect((await stranger.post(`/families/${family.id}/edit`, { familyName: 'Changed' })).statusCode).toBe(403);
    const [{ family_name }] = await t.db.query<{ family_name: string }>('SELECT family_name FROM family WHERE id = $1', [family.id]);
    expect(family_name).toBe('Walsh');

    const reads = await t.db.query<{ action: string; basis: string }>(
      `SELECT action, basis FROM audit_event WHERE user_id = $1 AND family_id = $2 AND outcome = 'allowed' AND action LIKE 'view-%'`, [users.stranger.id, family.id]);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.basis === 'break glass')).toBe(true);
  });

  it('ends the access by the app’s clock', async () => {
    const later = await testApp(t.db, '2026-11-27');
    try {
      const stranger = await client('stranger', later);
      expect((await stranger.get(`/families/${family.id}`)).statusCode).toBe(403);
    } finally {
      await later.close();
    }
  });

  it('tells the family’s lead and the actor’s manager, until each marks it read', async () => {
    const lead = await client('keyWorker');
    const home = await lead.get('/my-families');
    expect(home.body).toContain(`Olu Night (Testshire Children&#39;s Services) used emergency read-only access to family ${family.reference}, which you lead`);
    const boss = await client('strangerManager');
    expect((await boss.get('/my-families')).body).toContain(`used emergency read-only access to family ${family.reference}: they are in a team you manage`);
    const [form] = [...home.body.matchAll(/action="(\/emergency-access\/notices\/[0-9a-f-]{36}\/read)"/g)].map((m) => m[1]);
    expect((await lead.post(form, {})).headers.location).toBe('/my-families');
    expect((await lead.get('/my-families')).body).not.toContain('used emergency read-only access');
    expect((await boss.get('/my-families')).body).toContain('used emergency read-only access');
    // The lead sees it on the family page too.
    expect((await lead.get(`/families/${family.id}`)).body).toContain('has read-only emergency access until');
  });

  it('puts it on the review list of the data protection officer and the actor’s manager, not another manager', async () => {
    const boss = await client('strangerManager');
    const list = await boss.get('/emergency-access/reviews');
    expect(list.body).toContain('Police called out of hours about the children');
    expect((await (await client('manager')).get('/emergency-access/reviews')).body).toContain('Nobody has used emergency access.');
    expect((await (await client('keyWorker')).get('/emergency-access/reviews')).statusCode).toBe(403);

    const dpo = await client('dpo');
    const page = await dpo.get('/emergency-access/reviews');
    const [action] = [...page.body.matchAll(/action="(\/emergency-access\/reviews\/[0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect((await dpo.post(action, { note: '' })).headers.location).toBe('/emergency-access/reviews');
    expect((await dpo.get('/emergency-access/reviews')).body).toContain('Enter a note of your review');
    expect((await dpo.post(action, { note: 'Checked with the police: justified' })).headers.location).toBe('/emergency-access/reviews?saved=reviewed');
    const done = await dpo.get('/emergency-access/reviews?saved=reviewed');
    expect(done.body).toContain('Marked as reviewed');
    expect(done.body).toContain('Checked with the police: justified');
    expect((await boss.post(action, { note: 'Me too' })).headers.location).toBe('/emergency-access/reviews');
    expect((await boss.get('/emergency-access/reviews')).body).toContain('Someone has already reviewed this emergency access.');
    const [{ review_note }] = await t.db.query<{ review_note: string }>('SELECT review_note FROM break_glass_grant');
    expect(review_note).toBe('Checked with the police: justified');
  });

  it('lets the data protection officer see who has seen any family, never the record itself', async () => {
    const dpo = await client('dpo');
    const seen = await dpo.get(`/families/${family.id}/seen-by`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Olu Night');
    expect(seen.body).toContain('break glass');
    expect(seen.body).not.toContain('Requests to join a referral');
    expect((await dpo.get(`/families/${family.id}`)).statusCode).toBe(403);
    expect((await dpo.post(`/families/${family.id}/edit`, { familyName: 'X' })).statusCode).toBe(403);
    expect((await dpo.post('/emergency-access', { familyReference: family.reference, reason: 'Just curious about it', password: testPassword })).statusCode).toBe(403);
    const found = await dpo.post('/data-protection/seen-by', { familyReference: family.reference.toLowerCase() });
    expect(found.headers.location).toBe(`/families/${family.id}/seen-by`);
    // Other roles have no data protection pages.
    expect((await (await client('keyWorker')).get('/data-protection')).statusCode).toBe(403);
    expect((await (await client('admin')).get(`/families/${family.id}/seen-by`)).statusCode).toBe(403);
  });

  it('exports what is held about one person with other people’s names redacted and listed', async () => {
    const { caseId } = await makeDatedCase(t.db, { familyId: family.id, referredAt: '2026-10-01T09:00:00Z', keyWorkerId: users.keyWorker.id });
    const { contactId } = await makeContact(t.db, { caseId, recordedBy: users.keyWorker.id, date: '2026-10-05', startTime: '10:00', endTime: '11:00', notes: 'Kerry said Dean Walsh shouted at her; Dean left before we arrived.' });
    await t.db.query('INSERT INTO contact_person (contact_id, person_id) VALUES ($1, $2)', [contactId, kerryId]);

    const dpo = await client('dpo');
    const json = await dpo.get(`/data-protection/subject-access/people/${kerryId}/export.json`);
    expect(json.statusCode).toBe(200);
    const data = JSON.parse(json.body);
    expect(data.person).toMatchObject({ givenName: 'Kerry', familyName: 'Walsh', dateOfBirth: '1990-05-17' });
    expect(data.contacts[0].notes).toBe(`Kerry said ${redactedMark} shouted at her; ${redactedMark} left before we arrived.`);
    expect(json.body).not.toContain('Dean');
    expect(data.redacted).toContainEqual({ where: 'contact on 2026-10-05, case note', what: 'names of other people', count: 2 });
    expect(data.views.length).toBeGreaterThan(0);

    const pdf = await dpo.get(`/data-protection/subject-access/people/${kerryId}/export.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const [audited] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'export-subject-access' AND record_id = $1 AND user_id = $2`, [kerryId, users.dpo.id]);
    expect(audited.n).toBe(2);
    expect((await (await client('admin')).get(`/data-protection/subject-access/people/${kerryId}/export.json`)).statusCode).toBe(403);
    expect((await (await client('keyWorker')).get(`/data-protection/subject-access/people/${kerryId}/export.pdf`)).statusCode).toBe(403);
  });

  it('anonymises a closed family that is due, skips one under a legal hold, and keeps the audit', async () => {
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    const make = async (name: string) => {
      const f = await s.families.createFamily(users.keyWorker, { family: aFamily({ familyName: name }), members: [aMember({ familyName: name })] });
      await makeDatedCase(t.db, { familyId: f.id, referredAt: '2014-06-01T09:00:00Z', state: 'closed', closedAt: '2015-03-01T12:00:00Z', keyWorkerId: users.keyWorker.id });
      return f;
    };
    const due = await make('Ostrowski');
    const held = await make('Pennington');

    const dpo = await client('dpo');
    await dpo.get('/data-protection/legal-holds');
    expect((await dpo.post('/data-protection/legal-holds', { familyReference: held.reference, reason: 'Court proceedings under way for the children' })).headers.location)
      .toBe('/data-protection/legal-holds?saved=placed');
    // A hold already on the family comes with the missing reason, in one round (issue 15 item 11).
    await dpo.post('/data-protection/legal-holds', { familyReference: held.reference, reason: '' });
    const holds = (await dpo.get('/data-protection/legal-holds')).body;
    expect(holds).toContain(`Family ${held.reference} already has a legal hold`);
    expect(holds).toContain('Enter why the family’s records must be kept');

    const report = await dpo.get('/data-protection/retention');
    expect(report.body).toContain(due.reference);
    expect(report.body).toContain('Kept: legal hold');
    const csv = await dpo.get('/data-protection/retention/due.csv');
    expect(csv.body).toContain(`Closed family records,${held.reference},2022-03-01,anonymised,yes: kept`);

    const auditBefore = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event'))[0].n;
    const result = await s.governance.runRetention(null);
    expect(result.anonymisedFamilies).toBe(1);
    expect(result.held).toBe(1);
    const names = await t.db.query<{ id: string; family_name: string; given: string }>(
      `SELECT f.id, f.family_name, (SELECT string_agg(given_name, ',') FROM person WHERE family_id = f.id) AS given FROM family f WHERE f.id = ANY($1::uuid[])`, [[due.id, held.id]]);
    expect(names.find((n) => n.id === due.id)).toMatchObject({ family_name: 'Anonymised', given: 'Anonymised' });
    expect(names.find((n) => n.id === held.id)).toMatchObject({ family_name: 'Pennington', given: 'Kerry' });
    const auditAfter = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event'))[0].n;
    expect(auditAfter).toBeGreaterThan(auditBefore);
    // A second run finds nothing more to do while the hold is on.
    expect((await s.governance.runRetention(null)).anonymisedFamilies).toBe(0);
  });

  it('lets an administrator change retention periods, with GOV.UK errors', async () => {
    const admin = await client('admin');
    const page = await admin.get('/admin/retention');
    expect(page.body).toContain('Closed family records: months kept');
    const version = /name="closed_family-version" value="(\d+)"/.exec(page.body)![1];
    expect((await admin.post('/admin/retention', { 'closed_family-months': '0', 'closed_family-version': version })).headers.location).toBe('/admin/retention');
    const error = await admin.get('/admin/retention');
    expect(error.body).toContain('There is a problem');
    expect(error.body).toContain('Keep records for at least 1 month');
    expect((await admin.post('/admin/retention', { 'closed_family-months': '96', 'closed_family-version': version })).headers.location).toBe('/admin/retention?saved=yes');
    expect((await admin.get('/admin/retention')).body).toMatch(/id="closed_family-months" name="closed_family-months" type="text" value="96"/);
    expect((await (await client('dpo')).get('/admin/retention')).statusCode).toBe(403);
  });
});

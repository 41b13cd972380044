import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { addCaseEvent, makeDatedCase } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock } from '../support/clock.ts';

/** The pages and API of the work module, over HTTP; the app believes it is 25 November 2026. */
describe.each(engines)('my work, team work and closure over HTTP on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let priya: Actor & { email: string };
  let manager: Actor & { email: string };
  let priyaToken: string;
  let managerToken: string;
  const ids: Record<string, string> = {};

  const version = async (caseId: string) => String((await t.db.query<{ version: number }>('SELECT version FROM casefile WHERE id = $1', [caseId]))[0].version);
  const api = (method: 'GET' | 'POST', url: string, bearer: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${bearer}` } });
  const signedIn = async (email: string) => {
    const client = new PageClient(app);
    await client.signIn(email, testPassword);
    return client;
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    priya = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId], name: 'Mo Khan' });
    app = await testApp(t.db);
    const s = services(t.db, { sessionHours: 8, clock: testClock() });
    priyaToken = await s.access.createApiToken(priya.email, 'test');
    managerToken = await s.access.createApiToken(manager.email, 'test');
    const family = async (name: string) => (await s.families.createFamily(priya, { family: aFamily({ familyName: name }), members: [aMember({ familyName: name })] })).id;
    ids.walsh = await family('Walsh');
    ids.okafor = await family('Okafor');
    ids.young = await family('Young');
    ids.patel = await family('Patel');
    ids.walshCase = (await makeDatedCase(t.db, { familyId: ids.walsh, referredAt: '2026-11-21T10:00:00Z', keyWorkerId: priya.id })).caseId;
    ids.okaforCase = (await makeDatedCase(t.db, { familyId: ids.okafor, referredAt: '2026-11-01T09:00:00Z', state: 'intervention', keyWorkerId: priya.id })).caseId;
    await addCaseEvent(t.db, ids.okaforCase, 'record_contact', '2026-11-02T10:00:00Z');
    await addCaseEvent(t.db, ids.okaforCase, 'agree_plan', '2026-11-10T10:00:00Z', 'planning');
    await addCaseEvent(t.db, ids.okaforCase, 'record_contact', '2026-11-23T10:00:00Z');
    ids.youngCase = (await makeDatedCase(t.db, { familyId: ids.young, referredAt: '2026-11-24T09:00:00Z', state: 'awaiting_allocation' })).caseId;
    ids.patelCase = (await makeDatedCase(t.db, { familyId: ids.patel, referredAt: '2026-11-03T09:00:00Z', state: 'assessment', keyWorkerId: priya.id })).caseId;
    await addCaseEvent(t.db, ids.patelCase, 'record_contact', '2026-11-04T10:00:00Z', 'allocated');
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  describe('pages', () => {
    it('shows a practitioner what is due today and overdue, with My work in the menu', async () => {
      const client = await signedIn(priya.email);
      const page = await client.get('/my-work');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>My work – Lantern</title>');
      expect(page.body).toContain('Nothing due today');
      expect(page.body).toContain('First visit due within 72 hours of referral');
      expect(page.body).toContain('Overdue by 1 day');
      expect(page.body).toMatch(/href="\/my-work" aria-current="page">My work</);
      expect(page.body).not.toContain('>Team work<');
    });

    it('keeps the team page from practitioners', async () => {
      const client = await signedIn(priya.email);
      const page = await client.get('/team-work');
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain('Your role cannot use this page.');
    });

    it('tells a practitioner to ask their manager to close a case, and refuses their closure', async () => {
      const client = await signedIn(priya.email);
      const page = await client.get(`/cases/${ids.walshCase}/close`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Only a manager can close a case. Ask your manager to close this case.');
      expect(page.body).not.toContain('Close the case</button>');
      const post = await client.post(`/cases/${ids.walshCase}/close`, { reason: 'goals_achieved', stepDownTier: '1', stepDownTo: 'School', closingSummary: 'Done', version: '1' });
      expect(post.statusCode).toBe(403);
      expect(post.body).toContain('Your role cannot use this page.');
    });

    it('shows a manager the team’s cases, and filters to drifting ones', async () => {
      const client = await signedIn(manager.email);
      const page = await client.get('/team-work');
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/href="\/team-work" aria-current="page">Team work</);
      for (const name of ['Walsh family', 'Okafor family', 'Patel family']) expect(page.body).toContain(name);
      const drifting = await client.get('/team-work?drifting=yes');
      expect(drifting.body).toContain('Walsh family');
      expect(drifting.body).toContain('First visit overdue by 1 day (due within 72 hours of referral)');
      expect(drifting.body).toContain('No contact for 21 days (the programme expects contact at least every 7 days)');
      expect(drifting.body).toContain('Patel family');
      expect(drifting.body).not.toContain('Okafor family');
      expect(drifting.body).toContain('2 cases shown');
      expect(drifting.body).toMatch(/<input class="govuk-checkboxes__input" id="drifting" name="drifting" type="checkbox" value="yes" checked>/);
    });

    it('sends an incomplete closure back with every problem and the answers given', async () => {
      const client = await signedIn(manager.email);
      await client.get(`/cases/${ids.okaforCase}/close`);
      const post = await client.post(`/cases/${ids.okaforCase}/close`, { reason: 'other', stepDownTo: 'Riverside school nurse', closingSummary: '', version: await version(ids.okaforCase) });
      expect(post.statusCode).toBe(303);
      expect(post.headers.location).toBe(`/cases/${ids.okaforCase}/close`);
      const page = await client.get(post.headers.location!);
      expect(page.body).toContain('<title>Error: Close the case – Lantern</title>');
      expect(page.body).toContain('There is a problem');
      const links = [...page.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      expect(links).toEqual([
        ['#reasonOther', 'Enter the reason the case is closing'],
        ['#stepDownTier', 'Select the tier of service the family is stepping down to'],
        ['#closingSummary', 'Enter a closing summary'],
      ]);
      expect(page.body).toContain('value="Riverside school nurse"');
      expect(page.body).toMatch(/value="other" checked/);
    });

    it('reports a reason the case cannot close for with the other problems, at once (issue 15)', async () => {
      const client = await signedIn(manager.email);
      await client.get(`/cases/${ids.patelCase}/close`);
      const post = await client.post(`/cases/${ids.patelCase}/close`, { reason: 'goals_achieved', stepDownTo: 'Riverside school nurse', closingSummary: '', version: await version(ids.patelCase) });
      expect(post.headers.location).toBe(`/cases/${ids.patelCase}/close`);
      const page = await client.get(post.headers.location!);
      expect(page.body).toContain('<title>Error: Close the case – Lantern</title>');
      const links = [...page.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      expect(links).toEqual([
        ['#reason', 'This case never had an agreed family plan, so it cannot close as goals achieved: choose another reason, or Other and say why'],
        ['#stepDownTier', 'Select the tier of service the family is stepping down to'],
        ['#closingSummary', 'Enter a closing summary'],
      ]);
      expect(page.body).toContain('value="Riverside school nurse"');
    });

    it('closes a case with a step-down and shows the 4 follow-ups', async () => {
      const client = await signedIn(manager.email);
      await client.get(`/cases/${ids.okaforCase}/close`);
      const post = await client.post(`/cases/${ids.okaforCase}/close`, {
        reason: 'goals_achieved', stepDownTier: '1', stepDownTo: 'Riverside Primary School', closingSummary: 'Attendance is back to normal.', version: await version(ids.okaforCase),
      });
      expect(post.statusCode).toBe(303);
      expect(post.headers.location).toBe(`/cases/${ids.okaforCase}/follow-ups?closed=yes`);
      const page = await client.get(post.headers.location!);
      expect(page.body).toContain('Case closed. 4 follow-ups are scheduled.');
      expect(page.body).toContain('Tier 1: universal services: Riverside Primary School');
      for (const due of ['25 December 2026', '25 February 2027', '25 May 2027', '25 November 2027']) expect(page.body).toContain(due);
      // The close page of a closed case leads to its follow-ups.
      const again = await client.get(`/cases/${ids.okaforCase}/close`);
      expect(again.statusCode).toBe(302);
      expect(again.headers.location).toBe(`/cases/${ids.okaforCase}/follow-ups`);
    });

    it('shows why a case waiting for allocation cannot close', async () => {
      await t.db.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES (gen_random_uuid(), $1, $2, 'Team manager', false, '2026-11-24')`, [ids.young, manager.id]);
      const client = await signedIn(manager.email);
      const page = await client.get(`/cases/${ids.youngCase}/close`);
      expect(page.body).toContain('Allocate the case before closing it, or decline the referral instead');
      expect(page.body).not.toContain('Close the case</button>');
      const post = await client.post(`/cases/${ids.youngCase}/close`, {
        reason: 'goals_achieved', stepDownTier: '1', stepDownTo: 'School', closingSummary: 'Done', version: await version(ids.youngCase),
      });
      expect(post.statusCode).toBe(303);
      const back = await client.get(post.headers.location!);
      expect(back.body).toContain('Allocate the case before closing it, or decline the referral instead');
    });

    it('records a follow-up, keeping the note when the date is wrong', async () => {
      const followUp = (await t.db.query<{ id: string }>('SELECT id FROM follow_up WHERE case_id = $1 AND months_after = 1', [ids.okaforCase]))[0].id;
      const client = await signedIn(priya.email);
      const form = await client.get(`/cases/${ids.okaforCase}/follow-ups/${followUp}`);
      expect(form.body).toContain('Record the 1-month follow-up');
      const bad = await client.post(`/cases/${ids.okaforCase}/follow-ups/${followUp}`, { 'doneOn-day': '31', 'doneOn-month': '2', 'doneOn-year': '2026', outcomeNote: 'All well at home.', version: '1' });
      const back = await client.get(bad.headers.location!);
      expect(back.body).toContain('The date of the follow-up must be a real date');
      expect(back.body).toContain('All well at home.');
      const good = await client.post(`/cases/${ids.okaforCase}/follow-ups/${followUp}`, { 'doneOn-day': '25', 'doneOn-month': '11', 'doneOn-year': '2026', outcomeNote: 'All well at home.', version: '1' });
      expect(good.headers.location).toBe(`/cases/${ids.okaforCase}/follow-ups?saved=yes`);
      const list = await client.get(good.headers.location!);
      expect(list.body).toContain('Follow-up recorded.');
      expect(list.body).toContain('Done 25 November 2026');
    });
  });

  describe('API', () => {
    it('gives my work and team work as JSON', async () => {
      const mine = await api('GET', '/api/v1/my-work', priyaToken);
      expect(mine.statusCode).toBe(200);
      expect(mine.json().due.map((d: { item: { text: string } }) => d.item.text)).toContain('First visit due within 72 hours of referral: overdue by 1 day');
      expect((await api('GET', '/api/v1/team-work', priyaToken)).statusCode).toBe(403);
      const team = await api('GET', '/api/v1/team-work?drifting=true', managerToken);
      expect(team.statusCode).toBe(200);
      expect(team.json().cases.map((c: { familyName: string }) => c.familyName).sort()).toEqual(['Patel', 'Walsh']);
    });

    it('refuses a closure by a practitioner, a closure of an unallocated case, and a bad one', async () => {
      const body = { reason: 'moved_away', stepDownTier: 1, stepDownTo: 'GP in the new area', closingSummary: 'The family moved to Leeds.', version: Number(await version(ids.walshCase)) };
      const practitioner = await api('POST', `/api/v1/cases/${ids.walshCase}/closure`, priyaToken, body);
      expect(practitioner.statusCode).toBe(403);
      expect(practitioner.json().message).toBe('Your role cannot do this');
      const unallocated = await api('POST', `/api/v1/cases/${ids.youngCase}/closure`, managerToken, { ...body, version: Number(await version(ids.youngCase)) });
      expect(unallocated.statusCode).toBe(409);
      expect(unallocated.json()).toEqual({ error: 'rule', message: 'Allocate the case before closing it, or decline the referral instead' });
      const invalid = await api('POST', `/api/v1/cases/${ids.walshCase}/closure`, managerToken, { ...body, stepDownTier: 7 });
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().fields).toEqual({ stepDownTier: 'Select the tier of service the family is stepping down to' });
    });

    it('closes a case and records a follow-up', async () => {
      const closed = await api('POST', `/api/v1/cases/${ids.walshCase}/closure`, managerToken, {
        reason: 'moved_away', stepDownTier: 1, stepDownTo: 'GP in the new area', closingSummary: 'The family moved to Leeds.', version: Number(await version(ids.walshCase)),
      });
      expect(closed.statusCode).toBe(200);
      expect(closed.json().followUps).toHaveLength(4);
      const list = await api('GET', `/api/v1/cases/${ids.walshCase}/follow-ups`, priyaToken);
      const first = list.json().followUps[0];
      const recorded = await api('POST', `/api/v1/cases/${ids.walshCase}/follow-ups/${first.id}`, priyaToken, { doneOn: '2026-11-25', outcomeNote: 'Settled in Leeds.', version: first.version });
      expect(recorded.statusCode).toBe(200);
      // A date after today is reported with the missing note, at once (issue 15).
      const second = list.json().followUps[1];
      const future = await api('POST', `/api/v1/cases/${ids.walshCase}/follow-ups/${second.id}`, priyaToken, { doneOn: '2026-11-26', outcomeNote: '', version: second.version });
      expect(future.statusCode).toBe(400);
      expect(future.json().fields).toEqual({ doneOn: 'The date of the follow-up must be today or in the past', outcomeNote: 'Enter how the family is doing' });
      const early = await api('POST', `/api/v1/cases/${ids.walshCase}/follow-ups/${second.id}`, priyaToken, { doneOn: '2026-11-01', outcomeNote: 'Fine', version: second.version });
      expect(early.json().fields).toEqual({ doneOn: 'The date of the follow-up must be on or after the day the case closed (25 November 2026)' });
      const stale = await api('POST', `/api/v1/cases/${ids.walshCase}/follow-ups/${first.id}`, priyaToken, { doneOn: '2026-11-25', outcomeNote: 'Again.', version: first.version });
      expect(stale.statusCode).toBe(409);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeDatedCase } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock } from '../support/clock.ts';

type User = Actor & { email: string };

/** Outcome measures, the programme evaluation and claims: service and HTTP, on each engine. The app believes it is 25 November 2026. */
describe.each(engines)('outcomes on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  let priya: User;
  let manager: User;
  let analyst: User;
  let outsider: User;
  let priyaToken: string;
  let analystToken: string;
  const ids: Record<string, string> = {};

  const signedIn = async (email: string) => {
    const client = new PageClient(app);
    await client.signIn(email, testPassword);
    return client;
  };
  const api = (method: 'GET' | 'PUT', url: string, bearer: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${bearer}` } });
  const period = 'from-day=1&from-month=1&from-year=2026&to-day=25&to-month=11&to-year=2026';

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    priya = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId], name: 'Mo Khan' });
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: csc, name: 'Sam Whitfield' });
    outsider = await makeUser(t.db, { agencyId: csc, teamId: p.otherTeamId, name: 'Olu Other' });
    app = await testApp(t.db);
    s = services(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
    priyaToken = await s.access.createApiToken(priya.email, 'test');
    analystToken = await s.access.createApiToken(analyst.email, 'test');
    // An open case (Walsh: a mother and a child) and a closed one (Okafor) with its plan agreed and the assessment done.
    const walsh = await s.families.createFamily(priya, { family: aFamily(), members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2014-03-02' })] });
    ids.walsh = walsh.id;
    ids.walshCase = (await makeDatedCase(t.db, { familyId: walsh.id, referredAt: '2026-10-01T10:00:00Z', state: 'intervention', keyWorkerId: priya.id })).caseId;
    const okafor = await s.families.createFamily(priya, { family: aFamily({ familyName: 'Okafor' }), members: [aMember({ familyName: 'Okafor', givenName: 'Grace' }), aMember({ familyName: 'Okafor', givenName: 'Daniel', role: 'child', sex: 'male', dateOfBirth: '2012-06-01' })] });
    ids.okafor = okafor.id;
    ids.okaforCase = (await makeDatedCase(t.db, { familyId: okafor.id, referredAt: '2026-02-01T10:00:00Z', state: 'closed', keyWorkerId: priya.id, closedAt: '2026-05-01T10:00:00Z' })).caseId;
    const people = await t.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = ANY($1::uuid[])', [[walsh.id, okafor.id]]);
    for (const person of people) ids[person.given_name] = person.id;
    const assessmentId = randomUUID();
    await t.db.query(`INSERT INTO assessment (id, case_id, completed_at) VALUES ($1, $2, '2026-02-20')`, [assessmentId, ids.okaforCase]);
    const planId = randomUUID();
    await t.db.query(`INSERT INTO family_plan (id, case_id, number, status, agreed_at) VALUES ($1, $2, 1, 'agreed', '2026-02-25')`, [planId, ids.okaforCase]);
    for (const [i, area] of ['education', 'crime', 'substance_use', 'children_safe'].entries()) {
      await t.db.query(`INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area) VALUES ($1, $2, $3, $4, 'A goal', $5)`, [randomUUID(), planId, randomUUID(), i + 1, area]);
    }
    const measures = (timePoint: string, recordedOn: string, grace: object, daniel: object, household: object = {}) =>
      s.outcomes.record(priya, ids.okaforCase, { timePoint, recordedOn, household, members: [{ personId: ids.Grace, ...grace }, { personId: ids.Daniel, ...daniel }], version: 0 });
    await measures('referral', '2026-02-02', { substanceTreatment: 'not_engaged' }, { legalStatus: 'child_protection_plan', atRiskOfRemoval: true, attendancePercent: 70, offences12m: 3 }, { policeCallOuts: 6 });
    await measures('closure', '2026-05-01', { substanceTreatment: 'engaged', workSteps: ['course'] }, { legalStatus: 'child_in_need', attendancePercent: 92, exclusions: 0, offences6m: 0 }, { policeCallOuts: 1 });
    await measures('follow_up_6', '2026-11-01', { substanceTreatment: 'completed' }, { legalStatus: 'none', attendancePercent: 94, exclusions: 0, offences6m: 0 });
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  describe('recording outcome measures', () => {
    it('shows one form for the household, and records the baseline', async () => {
      const client = await signedIn(priya.email);
      const form = await client.get(`/cases/${ids.walshCase}/outcomes/referral`);
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('<title>Record outcomes: at referral (baseline) – Lantern</title>');
      expect(form.body).toContain('Kerry Walsh');
      expect(form.body).toContain('Tyler Walsh');
      const post = await client.post(`/cases/${ids.walshCase}/outcomes/referral`, {
        version: '0', 'recordedOn-day': '2', 'recordedOn-month': '10', 'recordedOn-year': '2026', [`legalStatus-${ids.Tyler}`]: 'child_in_need', [`attendancePercent-${ids.Tyler}`]: '78.5%',
        [`workSteps-${ids.Kerry}`]: 'volunteering', policeCallOuts: '3', 'star-wellbeing': '4',
      });
      expect(post.statusCode).toBe(303);
      expect(post.headers.location).toBe(`/cases/${ids.walshCase}/outcomes?saved=referral`);
      const overview = await client.get(post.headers.location!);
      expect(overview.body).toContain('Outcome measures saved: at referral (baseline)');
      expect(overview.body).toContain('Attendance 78.5%');
      const rows = await t.db.query<{ person_id: string | null; attendance_percent: string | null; work_steps: string[]; police_call_outs: number | null; family_star: object }>(
        'SELECT person_id, attendance_percent, work_steps, police_call_outs, family_star FROM outcome_measure WHERE case_id = $1 ORDER BY person_id NULLS FIRST', [ids.walshCase]);
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({ person_id: null, police_call_outs: 3, family_star: { wellbeing: 4 } });
      expect(rows.find((r) => r.person_id === ids.Tyler)!.attendance_percent).toMatch(/^78\.5/);
      expect(rows.find((r) => r.person_id === ids.Kerry)!.work_steps).toEqual(['volunteering']);
      const audit = await t.db.query<{ action: string }>(`SELECT action FROM audit_event WHERE family_id = $1 AND action = 'record-outcome-measures'`, [ids.walsh]);
      expect(audit.length).toBeGreaterThan(0);
    });

    it('sends invalid answers back with the error summary, each error linked, and what was typed', async () => {
      const client = await signedIn(priya.email);
      await client.get(`/cases/${ids.walshCase}/outcomes/referral`);
      const post = await client.post(`/cases/${ids.walshCase}/outcomes/referral`, {
        version: '0', 'recordedOn-day': '31', 'recordedOn-month': '2', 'recordedOn-year': '2026', [`attendancePercent-${ids.Tyler}`]: '120', [`exclusions-${ids.Tyler}`]: 'two', 'star-wellbeing': '11',
      });
      expect(post.statusCode).toBe(303);
      const page = await client.get(post.headers.location!);
      expect(page.body).toContain('<title>Error: Record outcomes: at referral (baseline) – Lantern</title>');
      expect(page.body).toContain('There is a problem');
      const links = [...page.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      expect(links).toEqual([
        ['#recordedOn-day', 'The date the measures were taken must be a real date'],
        [`#attendancePercent-${ids.Tyler}`, 'Enter school attendance as a number from 0 to 100 (Tyler Walsh)'],
        [`#exclusions-${ids.Tyler}`, 'Enter exclusions as a whole number, 0 or more (Tyler Walsh)'],
        ['#star-wellbeing', 'Enter a Family Star Plus score as a whole number from 1 to 10'],
      ]);
      expect(page.body).toContain('value="two"');
      expect(page.body).toContain('value="120"');
    });

    it('reports a date after today with the other problems, at once (issue 15)', async () => {
      const client = await signedIn(priya.email);
      await client.get(`/cases/${ids.walshCase}/outcomes/referral`);
      const post = await client.post(`/cases/${ids.walshCase}/outcomes/referral`, {
        version: '0', 'recordedOn-day': '26', 'recordedOn-month': '11', 'recordedOn-year': '2026', [`attendancePercent-${ids.Tyler}`]: '120',
      });
      const page = await client.get(post.headers.location!);
      const links = [...page.body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
      expect(links).toEqual([
        ['#recordedOn-day', 'The date the measures were taken must be today or in the past'],
        [`#attendancePercent-${ids.Tyler}`, 'Enter school attendance as a number from 0 to 100 (Tyler Walsh)'],
      ]);
      expect(page.body).toContain('value="120"');
      const api400 = await api('PUT', `/api/v1/cases/${ids.walshCase}/outcomes`, priyaToken, { timePoint: 'referral', recordedOn: '2026-11-26', members: [{ personId: ids.Daniel, sdqTotal: 41 }], version: 0 });
      expect(api400.json().fields).toEqual({
        recordedOn: 'The date the measures were taken must be today or in the past',
        'members.0.sdqTotal': 'Enter the SDQ total difficulties score as a whole number from 0 to 40',
        'members.0.personId': 'This person is not a member of the family',
      });
    });

    it('will not record closure measures while the case is open, and says why', async () => {
      const client = await signedIn(priya.email);
      const page = await client.get(`/cases/${ids.walshCase}/outcomes/closure`);
      expect(page.body).toContain('Record these once the case is closed');
      expect(page.body).not.toContain('Save outcome measures');
      const response = await api('PUT', `/api/v1/cases/${ids.walshCase}/outcomes`, priyaToken, { timePoint: 'closure', recordedOn: '2026-11-20', members: [], version: 0 });
      expect(response.statusCode).toBe(409);
      expect(response.json().message).toBe('Measures at closure cannot be recorded on this case: record these once the case is closed');
    });

    it('refuses someone outside the team around the family, and an analyst, and audits the refusal', async () => {
      const outsiderClient = await signedIn(outsider.email);
      expect((await outsiderClient.get(`/cases/${ids.walshCase}/outcomes/referral`)).statusCode).toBe(403);
      await expect(s.outcomes.record(analyst, ids.walshCase, { timePoint: 'referral', recordedOn: '2026-10-02' })).rejects.toThrow('Only practitioners and managers can record outcome measures');
      const analystClient = await signedIn(analyst.email);
      const post = await analystClient.post(`/cases/${ids.walshCase}/outcomes/referral`, { 'recordedOn-day': '2' });
      expect(post.statusCode).toBe(403);
      const denied = await t.db.query(`SELECT 1 FROM audit_event WHERE family_id = $1 AND user_id = $2 AND outcome = 'denied'`, [ids.walsh, outsider.id]);
      expect(denied.length).toBeGreaterThan(0);
    });

    it('answers the API with 400 and field errors', async () => {
      const response = await api('PUT', `/api/v1/cases/${ids.walshCase}/outcomes`, priyaToken, {
        timePoint: 'sometime', recordedOn: '2026-10-02', members: [{ personId: ids.Tyler, sdqTotal: 41, legalStatus: 'adopted' }], version: 0,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toEqual({
        timePoint: 'Select when these measures were taken: referral, closure or a follow-up',
        'members.0.legalStatus': 'Select the child’s status',
        'members.0.sdqTotal': 'Enter the SDQ total difficulties score as a whole number from 0 to 40',
      });
      const stranger = await api('PUT', `/api/v1/cases/${ids.walshCase}/outcomes`, priyaToken, { timePoint: 'referral', recordedOn: '2026-10-02', members: [{ personId: ids.Daniel }], version: 0 });
      expect(stranger.statusCode).toBe(400);
      expect(stranger.json().fields).toEqual({ 'members.0.personId': 'This person is not a member of the family' });
      const read = await api('GET', `/api/v1/cases/${ids.okaforCase}/outcomes`, priyaToken);
      expect(read.statusCode).toBe(200);
      expect(read.json().household.referral.policeCallOuts).toBe(6);
    });

    it('fills empty measures from agency data without overwriting a practitioner’s', async () => {
      const result = await s.outcomes.recordFromAgencyData(ids.walshCase, 'referral', '2026-10-05', {
        household: { policeCallOuts: 9, domesticAbuseIncidents: 2 }, members: [{ personId: ids.Tyler, measures: { attendancePercent: 60, exclusions: 1 } }],
      }, { kind: 'agency_data', label: 'Police incidents extract' });
      expect(result.filled.sort()).toEqual(['domesticAbuseIncidents', `${ids.Tyler}.exclusions`].sort());
      const view = await s.outcomes.overview(priya, ids.walshCase);
      expect(view.household.referral).toMatchObject({ policeCallOuts: 3, domesticAbuseIncidents: 2 });
      expect(view.members.find((m) => m.id === ids.Tyler)!.measures.referral).toMatchObject({ attendancePercent: 78.5, exclusions: 1 });
    });
  });

  describe('distance travelled on plan goals', () => {
    it('records it on a goal at a review and shows it on the plan', async () => {
      const agreed = randomUUID();
      const draft = randomUUID();
      const lineage = randomUUID();
      const goalId = randomUUID();
      await t.db.query(`INSERT INTO family_plan (id, case_id, number, status, created_by, agreed_at) VALUES ($1, $2, 1, 'superseded', $3, '2026-10-10')`, [agreed, ids.walshCase, priya.id]);
      await t.db.query(`INSERT INTO family_plan (id, case_id, number, status, based_on, created_by) VALUES ($1, $2, 2, 'draft', $3, $4)`, [draft, ids.walshCase, agreed, priya.id]);
      await t.db.query(`INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area, carried_over) VALUES ($1, $2, $3, 1, 'Tyler gets to school every day', 'education', true)`, [goalId, draft, lineage]);
      const client = await signedIn(priya.email);
      const form = await client.get(`/cases/${ids.walshCase}/plan/goals/${goalId}`);
      expect(form.body).toContain('Distance travelled towards this goal');
      const bad = await client.post(`/cases/${ids.walshCase}/plan/goals/${goalId}`, { goal: 'Tyler gets to school every day', outcomeArea: 'education', progressNote: '', distanceTravelled: '9', version: '1' });
      const errorPage = await client.get(bad.headers.location!);
      expect(errorPage.body).toContain('<a href="#distanceTravelled">Select how far the family has come towards this goal</a>');
      const good = await client.post(`/cases/${ids.walshCase}/plan/goals/${goalId}`, { goal: 'Tyler gets to school every day', outcomeArea: 'education', progressNote: 'Late twice this month', distanceTravelled: '4', version: '1' });
      expect(good.statusCode).toBe(303);
      const plan = await client.get(`/cases/${ids.walshCase}/plan`);
      expect(plan.body).toContain('4 – Mostly there');
      const row = await t.db.query<{ distance_travelled: number }>('SELECT distance_travelled FROM plan_goal WHERE id = $1', [goalId]);
      expect(row[0].distance_travelled).toBe(4);
      await t.db.query('DELETE FROM plan_goal WHERE plan_id = ANY($1::uuid[])', [[agreed, draft]]);
      await t.db.query('DELETE FROM family_plan WHERE id = $1', [draft]);
      await t.db.query('DELETE FROM family_plan WHERE id = $1', [agreed]);
    });
  });

  describe('the programme evaluation', () => {
    it('shows an analyst the figures with their cohorts, counts only', async () => {
      const client = await signedIn(analyst.email);
      const page = await client.get(`/outcomes-report?${period}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('All programmes: cases opened 1 January 2026 to 25 November 2026');
      expect(page.body).toContain('1 of 1 (100%)');
      expect(page.body).toContain('<svg');
      expect(page.body).toContain('You see counts only');
      expect(page.body).not.toContain('Okafor');
      const csv = await client.get(`/outcomes-report/figures.csv?${period}`);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.body).toContain('Children no longer on a Child Protection Plan at closure,children on a Child Protection Plan at referral,1 of 1 (100%): 1 to Child in Need,1,1,100');
      const pdf = await client.get(`/outcomes-report/report.pdf?${period}`);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('lists the cases behind each figure for a manager of the key worker', async () => {
      const client = await signedIn(manager.email);
      const page = await client.get(`/outcomes-report?${period}`);
      expect(page.body).toContain('Cases behind “Children no longer on a Child Protection Plan at closure”');
      expect(page.body).toContain(`href="/cases/${ids.okaforCase}"`);
      expect(page.body).toContain('Okafor family');
      expect(page.body).toContain('Cases behind the median changes in school attendance');
      expect(page.body).toContain('Cases behind “Police call-outs” before and after');
    });

    it('keeps the report from practitioners', async () => {
      const client = await signedIn(priya.email);
      const page = await client.get(`/outcomes-report?${period}`);
      expect(page.statusCode).toBe(403);
      await expect(s.outcomes.evaluation(priya, { from: '2026-01-01', to: '2026-11-25' })).rejects.toThrow('Only analysts, managers and administrators can read the programme evaluation');
    });

    it('says what is wrong with the period', async () => {
      const client = await signedIn(analyst.email);
      const page = await client.get('/outcomes-report?from-day=1&from-month=13&from-year=2026');
      expect(page.body).toContain('<title>Error: Programme evaluation – Lantern</title>');
      expect(page.body).toContain('<a href="#from-day">The start of the period must be a real date</a>');
      const response = await api('GET', '/api/v1/outcomes-report?from=2026-05-01&to=2026-01-01', analystToken);
      expect(response.statusCode).toBe(400);
      expect(response.json().fields).toEqual({ to: 'The end of the period must be the same as or after the start' });
      const ok = await api('GET', '/api/v1/outcomes-report?from=2026-01-01&to=2026-11-25', analystToken);
      expect(ok.json().evaluation.noLongerCp).toMatchObject({ numerator: 1, denominator: 1 });
      expect(ok.json().cases).toEqual({});
    });
  });

  describe('Supporting Families claims', () => {
    it('lists the family that can be claimed for and totals the payment', async () => {
      const client = await signedIn(manager.email);
      const page = await client.get(`/supporting-families/claims?${period}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Eligible to claim (1)');
      expect(page.body).toContain('Okafor family');
      expect(page.body).toContain('£1,800');
      expect(page.body).toMatch(/2 families: \d attached, 1 eligible for the results payment/);
      const csv = await client.get(`/supporting-families/claims.csv?${period}`);
      expect(csv.body).toContain('Okafor family,Eligible to claim,Getting a good education; Better managed substance use; Children safe from abuse and exploitation; Families diverted from crime,,1800');
    });

    it('lets a manager change the rules, and says what is wrong with them', async () => {
      const client = await signedIn(manager.email);
      const page = await client.get('/supporting-families/settings');
      // The tests are what is measured, a comparison in words and a value: never rule syntax.
      expect(page.body).not.toContain('attendancePercent at_least 90');
      expect(page.body).toMatch(/<option value="attendancePercent" selected>School attendance/);
      expect(page.body).toContain('<option value="at_least" selected>is at least</option>');
      expect(page.body).toContain('Troubled Families phase 2 (2015 to 2020)');
      const form: Record<string, string> = { paymentModel: 'supporting_families_2022_25', upfrontFunding: '£250,000', resultsPayment: '£900', minimumProblems: '3', employmentRoute: 'no' };
      for (const area of ['education', 'early_years', 'health', 'substance_use', 'family_relationships', 'children_safe', 'crime', 'domestic_abuse', 'housing', 'financial_stability']) {
        Object.assign(form, { [`rows-${area}`]: '1', [`${area}-0-measure`]: 'goalDistance', [`${area}-0-kind`]: 'at_least', [`${area}-0-value`]: '4', [`sustained-${area}`]: '6' });
      }
      const bad = await client.post('/supporting-families/settings', { ...form, upfrontFunding: '', minimumProblems: '0', 'crime-0-value': 'thirty three', 'sustained-housing': '3', 'health-0-kind': 'fall_by_percent', 'health-0-value': '120' });
      expect(bad.statusCode).toBe(303);
      const errorPage = await client.get('/supporting-families/settings');
      expect(errorPage.body).toContain('<a href="#minimumProblems">Enter the number of problems needed to attach, from 1 to 10</a>');
      // No amounts are invented for 2022 to 2025: the council's own are required.
      expect(errorPage.body).toContain('<a href="#upfrontFunding">Enter the council’s upfront funding for the period, from its grant</a>');
      expect(errorPage.body).toContain('<a href="#crime-0-value">Families diverted from crime: enter the value as a number, like 90</a>');
      // The tests are checked by the claim settings' own schema with the rest, every problem at once on its field.
      expect(errorPage.body).toContain('<a href="#health-0-value">Improved mental and physical health: a fall cannot be more than 100%</a>');
      expect(errorPage.body).toContain('<a href="#sustained-housing">Secure housing: select how long the progress must last: 0, 6 or 12 months after closure</a>');
      expect(errorPage.body).toContain('value="thirty three"');
      const good = await client.post('/supporting-families/settings', {
        ...form, 'rows-education': '2', 'education-0-measure': 'attendancePercent', 'education-0-kind': 'at_least', 'education-0-value': '90',
        'education-1-measure': 'exclusions', 'education-1-kind': 'at_most', 'education-1-value': '0',
      });
      expect(good.headers.location).toBe('/supporting-families/settings?saved=yes');
      const settings = await s.outcomes.claimSettings(manager);
      expect(settings.settings).toMatchObject({ paymentModel: 'supporting_families_2022_25', attachmentFee: 0, upfrontFunding: 250000, resultsPayment: 900 });
      const claims = await client.get(`/supporting-families/claims?${period}`);
      expect(claims.body).toContain('Payment: Supporting Families (2022 to 2025)');
      expect(claims.body).toContain('Upfront funding (the council’s grant)');
      expect(claims.body).toContain('>£250,000<');
      expect(settings.settings.rules[0].criteria).toHaveLength(2);
    });

    it('lets an analyst read claims but not change the rules', async () => {
      const client = await signedIn(analyst.email);
      expect((await client.get(`/supporting-families/claims?${period}`)).statusCode).toBe(200);
      expect((await client.post('/supporting-families/settings', { attachmentFee: '1' })).statusCode).toBe(403);
      const priyaClient = await signedIn(priya.email);
      expect((await priyaClient.get(`/supporting-families/claims?${period}`)).statusCode).toBe(403);
    });
  });
});

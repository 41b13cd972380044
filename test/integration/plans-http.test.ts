import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeCase } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { errorSummary } from '../support/forms.ts';
import type { LanternApp } from '../../src/app.ts';
import { services, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { urls } from '../../src/web/urls.ts';
import { testClock } from '../support/clock.ts';
import { fieldErrors } from '../../src/domain/errors.ts';
import { memberAssessmentSchemaFor } from '../../src/modules/plans/schemas.ts';

describe.each(engines)('plans pages and API on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  let keyWorker: Actor & { email: string };
  let colleague: Actor & { email: string };
  /** A second practitioner who sees the plan as the key worker does (children's social care: plans are theirs to record). */
  let planColleague: Actor & { email: string };
  let stranger: Actor & { email: string };
  let token: string;
  let strangerToken: string;
  let caseId: string;
  let people: Record<string, string>;
  const kw = () => new PageClient(app);

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    keyWorker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Shah' });
    colleague = await makeUser(t.db, { agencyId: p.agencies.drug_alcohol_service, name: 'Dan Okoro' });
    planColleague = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, name: 'Sam Reid' });
    stranger = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId });
    app = await testApp(t.db);
    s = services(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
    token = await s.access.createApiToken(keyWorker.email, 'test');
    strangerToken = await s.access.createApiToken(stranger.email, 'test');
    const familyId = (await s.families.createFamily(keyWorker, {
      family: aFamily(), members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    })).id;
    await joinFamily(t.db, familyId, colleague.id);
    await joinFamily(t.db, familyId, planColleague.id);
    people = Object.fromEntries((await t.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = $1', [familyId])).map((m) => [m.given_name, m.id]));
    caseId = (await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: keyWorker.id })).caseId;
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, bearer = token) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${bearer}` } });

  it('starts the assessment from the task list, then lists what is missing when completing too early', async () => {
    const client = kw();
    await client.signIn(keyWorker.email, testPassword);
    const page = await client.get(urls.assessment(caseId));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Start the assessment');
    const started = await client.post(urls.startAssessment(caseId), {});
    expect(started.statusCode).toBe(303);
    expect(started.headers.location).toBe(`${urls.assessment(caseId)}?saved=started`);

    const completed = await client.post(urls.completeAssessment(caseId), {});
    expect(completed.headers.location).toBe(urls.assessment(caseId));
    const again = await client.get(urls.assessment(caseId));
    expect(again.body).toContain('<title>Error: Assessment and family plan – Lantern</title>');
    expect(errorSummary(again.body)).toEqual([
      { text: 'Record strengths, needs or risks for Kerry Walsh', href: `#member-${people.Kerry}` },
      { text: 'Record strengths, needs or risks for Tyler Walsh', href: `#member-${people.Tyler}` },
      { text: 'Record Tyler Walsh’s wishes and feelings, or why they were not recorded', href: `#member-${people.Tyler}` },
      { text: 'Record the family’s own view', href: '#task-family-view' },
      { text: 'Record what the family wants to change', href: '#task-family-view' },
    ]);
    expect(again.body).toContain(`id="member-${people.Kerry}"`);
    expect(again.body).toContain('id="task-family-view"');
  });

  it('keeps a practitioner’s answers and shows every problem when a member’s part is invalid', async () => {
    const client = kw();
    await client.signIn(keyWorker.email, testPassword);
    await client.get(urls.memberAssessment(caseId, people.Tyler));
    const posted = await client.post(urls.memberAssessment(caseId, people.Tyler), { strengths: 'Kind to his sister', needs: 'x'.repeat(5001), factorCodes: ['7A', '16A'], version: '0' });
    expect(posted.headers.location).toBe(urls.memberAssessment(caseId, people.Tyler));
    const again = await client.get(urls.memberAssessment(caseId, people.Tyler));
    expect(errorSummary(again.body)).toEqual([{ text: 'Needs must be 5,000 characters or fewer', href: '#needs' }]);
    expect(again.body).toContain('>Kind to his sister</textarea>');
    expect(again.body).toMatch(/value="16A" checked/);
  });

  it('refuses a stale save of the plan with a clear message, keeping the second practitioner’s text', async () => {
    // Complete the assessment through the API.
    await api('PUT', `/api/v1/cases/${caseId}/assessment/members/${people.Kerry}`, { strengths: 'Loves her children', version: 0 });
    await api('PUT', `/api/v1/cases/${caseId}/assessment/members/${people.Tyler}`, { needs: 'Late for school', wishesAndFeelings: 'Wants to play football', version: 0 });
    const assessment = (await api('GET', `/api/v1/cases/${caseId}/assessment`)).json();
    expect((await api('PUT', `/api/v1/cases/${caseId}/assessment/family-view`, { familyView: 'We need help', wantsToChange: 'Mornings', version: assessment.assessment.version })).statusCode).toBe(204);
    expect((await api('POST', `/api/v1/cases/${caseId}/assessment/complete`)).statusCode).toBe(204);
    const goal = await api('POST', `/api/v1/cases/${caseId}/plan/goals`, { goal: 'Tyler gets to school on time', outcomeArea: 'education', version: 0 });
    expect(goal.statusCode).toBe(201);
    const goalId = goal.json().id;

    const mine = kw();
    await mine.signIn(keyWorker.email, testPassword);
    const theirs = kw();
    await theirs.signIn(planColleague.email, testPassword);
    const myForm = await mine.get(urls.planGoal(caseId, goalId));
    const version = /name="version" value="(\d+)"/.exec(myForm.body)![1];
    await theirs.get(urls.planGoal(caseId, goalId));
    expect((await theirs.post(urls.planGoal(caseId, goalId), { goal: 'Tyler is at school by 8:45', outcomeArea: 'education', version })).headers.location).toBe(`${urls.plan(caseId)}?saved=goal`);

    const refused = await mine.post(urls.planGoal(caseId, goalId), { goal: 'Tyler enjoys school', outcomeArea: 'education', version });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe(urls.planGoal(caseId, goalId));
    const again = await mine.get(urls.planGoal(caseId, goalId));
    expect(errorSummary(again.body)).toEqual([{ text: 'Someone else saved changes to the plan after you opened it, so your changes have not been saved. Nothing has been overwritten. Check the plan as it is now, then make your changes again.', href: '#main-content' }]);
    expect(again.body).toContain('>Tyler enjoys school</textarea>');
    expect(again.body).toContain('<strong>Tyler is at school by 8:45</strong>');
    const fresh = /name="version" value="(\d+)"/.exec(again.body)![1];
    expect(Number(fresh)).toBe(Number(version) + 1);
    const plan = (await api('GET', `/api/v1/cases/${caseId}/plan`)).json();
    expect(plan.draft.goals[0].goal).toBe('Tyler is at school by 8:45');
  });

  it('answers the API with 409 and the rule’s message, 400 with fields, and 403 for a stranger (audited)', async () => {
    const other = await makeCase(t.db, { familyId: (await t.db.query<{ family_id: string }>('SELECT family_id FROM casefile WHERE id = $1', [caseId]))[0].family_id, state: 'assessment', keyWorkerId: keyWorker.id });
    const review = await api('POST', `/api/v1/cases/${other.caseId}/plan/review`);
    expect(review.statusCode).toBe(409);
    expect(review.json()).toEqual({ error: 'rule', message: 'A plan cannot be reviewed before the assessment is complete' });

    const stale = await api('PUT', `/api/v1/cases/${caseId}/plan/review-date`, { reviewDate: '2026-12-23', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe('conflict');

    const bad = await api('POST', `/api/v1/cases/${caseId}/plan/goals`, { goal: '', outcomeArea: 'happiness', version: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual({ goal: 'Enter the goal in the family’s words', outcomeArea: 'Select the outcome this goal is about' });

    const denied = await api('GET', `/api/v1/cases/${caseId}/plan`, undefined, strangerToken);
    expect(denied.statusCode).toBe(403);
    const audit = await t.db.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_event WHERE user_id = $1', [stranger.id]);
    expect(audit).toEqual([{ action: 'view-plan', outcome: 'denied' }]);

    const plan = (await api('GET', `/api/v1/cases/${caseId}/plan`)).json();
    const extra = await api('POST', `/api/v1/cases/${caseId}/plan/goals`, { goal: 'A home of our own', outcomeArea: 'housing', version: plan.draft.version });
    expect(extra.statusCode).toBe(201);
    const noBody = await api('DELETE', `/api/v1/cases/${caseId}/plan/goals/${extra.json().id}`);
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().fields).toEqual({ body: 'Send a JSON object' });
    const removed = await api('DELETE', `/api/v1/cases/${caseId}/plan/goals/${extra.json().id}`, { version: plan.draft.version + 1 });
    expect(removed.statusCode).toBe(204);
    expect((await api('GET', `/api/v1/cases/${caseId}/plan`)).json().draft.goals.map((g: { goal: string }) => g.goal)).toEqual(['Tyler is at school by 8:45']);

    const areas = await api('GET', '/api/v1/outcome-areas');
    expect(areas.json().outcomeAreas).toHaveLength(10);
    expect(areas.json().outcomeAreas[0]).toEqual({ key: 'education', label: 'Getting a good education' });
  });

  it('links contract and safety plan row errors to the row on the form, keeping what was typed', async () => {
    const client = kw();
    await client.signIn(keyWorker.email, testPassword);
    const form = await client.get(urls.familyContract(caseId));
    // Testshire Recovery (the colleague's agency) is row 0; rows 1 and 2 are for other agencies.
    expect(form.body).toContain('What Testshire Recovery will do');
    await client.post(urls.familyContract(caseId), {
      agencyRows: '3', 'agency-0': 'Testshire Recovery', 'fixed-0': 'yes', 'commitment-0': '', 'agency-1': '', 'commitment-1': '',
      'agency-2': 'Riverside Primary School', 'commitment-2': '', familyCommitments: 'We will be up by 7am', keyWorkerCommitments: '', consequences: 'We will talk',
      'agreedOn-day': '31', 'agreedOn-month': '2', 'agreedOn-year': '2026', version: '0',
    });
    const contract = await client.get(urls.familyContract(caseId));
    expect(errorSummary(contract.body)).toEqual([
      { text: 'Enter what the key worker will do', href: '#keyWorkerCommitments' },
      { text: 'Enter what the agency will do', href: '#commitment-2' },
      { text: 'The date the family agreed must be a real date', href: '#agreedOn-day' },
    ]);
    expect(contract.body).toContain('value="Riverside Primary School"');
    expect(contract.body).toContain('>We will be up by 7am</textarea>');

    await client.get(urls.safetyPlan(caseId));
    await client.post(urls.safetyPlan(caseId), {
      contactRows: '4', risks: 'r', keepingSafe: 'k', whoDoesWhat: 'w',
      'contactName-0': 'Priya Shah', 'contactPhone-0': '01632 960 001', 'contactWhen-0': 'office_hours',
      'contactName-1': '', 'contactPhone-1': '', 'contactWhen-1': 'any_time',
      'contactName-2': 'Nan', 'contactPhone-2': 'ring her', 'contactWhen-2': 'any_time',
    });
    const safety = await client.get(urls.safetyPlan(caseId));
    expect(errorSummary(safety.body)).toEqual([{ text: 'Enter a phone number, like 01632 960 001 or 999', href: '#contactPhone-2' }]);
    expect(safety.body).toContain('value="ring her"');
  });

  it('reports every problem with an action, the contract and the review date at once, the dates against the clock among them (issue 15)', async () => {
    const client = kw();
    await client.signIn(keyWorker.email, testPassword);
    const goalId = (await api('GET', `/api/v1/cases/${caseId}/plan`)).json().draft.goals[0].id;
    await client.get(urls.newPlanAction(caseId, goalId));
    const posted = await client.post(urls.newPlanAction(caseId, goalId), {
      description: '', owner: 'agency', ownerName: '', 'dueOn-day': '1', 'dueOn-month': '11', 'dueOn-year': '2026', status: 'not_started', version: '1',
    });
    expect(posted.headers.location).toBe(urls.newPlanAction(caseId, goalId));
    const action = await client.get(urls.newPlanAction(caseId, goalId));
    expect(action.body).toContain('<title>Error: ');
    expect(errorSummary(action.body)).toEqual(expect.arrayContaining([
      { text: 'Enter what will be done', href: '#description' },
      { text: 'Enter the name of the agency or service', href: expect.stringMatching(/^#ownerName/) },
      { text: 'The due date must be today or in the future', href: '#dueOn-day' },
    ]));
    expect(errorSummary(action.body)).toHaveLength(3);
    expect(action.body).toMatch(/name="dueOn-month"[^>]*value="11"|value="11"[^>]*name="dueOn-month"/);

    const contract = await api('PUT', `/api/v1/cases/${caseId}/contract`, { familyCommitments: '', keyWorkerCommitments: 'Visit weekly', consequences: 'We talk', agreedOn: '2026-12-01', version: 0 });
    expect(contract.statusCode).toBe(400);
    expect(contract.json().fields).toEqual({ familyCommitments: 'Enter what the family will do', agreedOn: 'The date the family agreed must be today or in the past' });

    const review = await api('PUT', `/api/v1/cases/${caseId}/plan/review-date`, { reviewDate: '2026-11-25', version: 'x' });
    expect(review.statusCode).toBe(400);
    expect(review.json().fields.reviewDate).toBe('The review date must be in the future');
    expect(Object.keys(review.json().fields)).toEqual(expect.arrayContaining(['reviewDate', 'version']));

    // A member's part: a code that does not apply to them is reported with the other problems.
    const member = memberAssessmentSchemaFor({ allowed: new Set(['1B']), wrong: (code) => `${code} does not apply to a parent` })
      .safeParse({ needs: 'x'.repeat(5001), factorCodes: ['1B', '7A'], version: 0 });
    expect(fieldErrors(member.error!)).toEqual({ needs: 'Needs must be 5,000 characters or fewer', factorCodes: '7A does not apply to a parent' });
  });

  it('prints the contract and the safety plan without the service’s navigation', async () => {
    expect((await api('PUT', `/api/v1/cases/${caseId}/contract`, {
      familyCommitments: 'We will be up by 7am', keyWorkerCommitments: 'Priya will visit on Tuesdays', consequences: 'We will meet to talk it through', version: 0,
    })).statusCode).toBe(204);
    expect((await api('PUT', `/api/v1/cases/${caseId}/safety-plan`, {
      risks: 'Kerry may use when stressed', keepingSafe: 'Nan stays over', whoDoesWhat: 'Nan collects Tyler',
      contacts: [{ name: 'Emergency duty team', phone: '01632 960 999', when: 'out_of_hours' }], version: 0,
    })).statusCode).toBe(204);
    const client = kw();
    await client.signIn(keyWorker.email, testPassword);
    const contract = await client.get(urls.printFamilyContract(caseId));
    expect(contract.statusCode).toBe(200);
    expect(contract.body).toContain('<h1 class="govuk-heading-l">The Walsh family’s agreement</h1>');
    expect(contract.body).toContain('We will be up by 7am');
    expect(contract.body).not.toContain('lantern-nav');
    expect(contract.body).not.toContain('Sign out');
    const safety = await client.get(urls.printSafetyPlan(caseId));
    expect(safety.body).toContain('If anyone is in danger right now, call 999.');
    expect(safety.body).toContain('01632 960 999');
    expect(safety.body).not.toContain('<nav');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser } from '../support/factories.ts';
import { makeCase, option2Id } from '../support/casework-factories.ts';
import { familiesService } from '../../src/modules/families/service.ts';
import { casesService } from '../../src/modules/cases/service.ts';
import { plansService, staleSaveMessage, type PlansService } from '../../src/modules/plans/service.ts';
import { ConflictError, ForbiddenError, RuleViolation, ValidationError } from '../../src/domain/errors.ts';
import { IncompleteError } from '../../src/domain/casework/plan.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock } from '../support/clock.ts';

const TODAY = '2026-11-25';

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to be refused');
}

describe.each(engines)('plans service on %s', (engine) => {
  let t: TestDatabase;
  let plans: PlansService;
  let keyWorker: Actor;
  let colleague: Actor;
  /** A second practitioner who sees the plan as the key worker does (children's social care: plans are theirs to record). */
  let planColleague: Actor;
  let stranger: Actor;
  let familyId: string;
  let caseId: string;
  let people: Record<string, string>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const csc = p.agencies.childrens_social_care;
    keyWorker = await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Priya Shah' });
    colleague = await makeUser(t.db, { agencyId: p.agencies.drug_alcohol_service, name: 'Dan Okoro' });
    planColleague = await makeUser(t.db, { agencyId: csc, name: 'Sam Reid' });
    stranger = await makeUser(t.db, { agencyId: csc, teamId: p.otherTeamId });
    const families = familiesService(t.db, { clock: testClock(TODAY) });
    const cases = casesService(t.db, { clock: testClock(TODAY) });
    plans = plansService(t.db, cases, { clock: testClock(TODAY) });
    const created = await families.createFamily(keyWorker, {
      family: aFamily(),
      members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' }),
        aMember({ givenName: 'Baby', role: 'unborn', sex: 'not_known', dateOfBirth: null, expectedDate: '2027-03-01' })],
    });
    familyId = created.id;
    await t.db.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES (gen_random_uuid(), $1, $2, 'Substance misuse worker', false, $3)`,
      [familyId, colleague.id, TODAY]);
    await t.db.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES (gen_random_uuid(), $1, $2, 'Social worker', false, $3)`,
      [familyId, planColleague.id, TODAY]);
    const members = await t.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = $1', [familyId]);
    people = Object.fromEntries(members.map((m) => [m.given_name, m.id]));
    caseId = (await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: keyWorker.id })).caseId;
  });
  afterAll(async () => t.drop());

  const state = async (id = caseId) => (await t.db.query<{ state: string }>('SELECT state FROM casefile WHERE id = $1', [id]))[0].state;

  it('starts the assessment, moving the case from allocated to assessment', async () => {
    await plans.startAssessment(keyWorker, caseId);
    expect(await state()).toBe('assessment');
    const events = await t.db.query<{ event: string; to_state: string }>('SELECT event, to_state FROM case_event WHERE case_id = $1', [caseId]);
    expect(events).toEqual([{ event: 'start_assessment', to_state: 'assessment' }]);
    const view = await plans.assessment(keyWorker, caseId);
    expect(view.status).toBe('in_progress');
    expect(view.members.map((m) => [m.name, m.statusLabel])).toEqual([['Kerry Walsh', 'Not started'], ['Tyler Walsh', 'Not started'], ['Baby Walsh', 'Not started']]);
  });

  it('refuses to complete an incomplete assessment, listing everything still missing', async () => {
    await plans.saveMemberAssessment(keyWorker, caseId, people.Kerry, { strengths: 'Loves her children and wants help', factorCodes: ['2B'], version: 0 });
    const error = await refusal(plans.completeAssessment(keyWorker, caseId));
    expect(error).toBeInstanceOf(IncompleteError);
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error.message).toBe('The assessment cannot be completed yet. Still to do: record strengths, needs or risks for Tyler Walsh; '
      + 'record Tyler Walsh’s wishes and feelings, or why they were not recorded; record strengths, needs or risks for Baby Walsh; '
      + 'record the family’s own view; record what the family wants to change.');
    expect((error as IncompleteError).gaps[0]).toEqual({ field: `member-${people.Tyler}`, message: 'Record strengths, needs or risks for Tyler Walsh' });
    expect(await state()).toBe('assessment');
  });

  it('refuses a factor code that does not apply to the member', async () => {
    const error = await refusal(plans.saveMemberAssessment(keyWorker, caseId, people.Tyler, { needs: 'Misses school', factorCodes: ['2B'], version: 0 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({ factorCodes: '2B does not apply to a child' });
  });

  it('completes the assessment once every member and the family’s view are recorded, moving the case to planning', async () => {
    await plans.saveMemberAssessment(keyWorker, caseId, people.Tyler, { needs: 'Often late for school', factorCodes: ['7A'], wishesAndFeelings: 'Wants his mum to be well', version: 0 });
    await plans.saveMemberAssessment(keyWorker, caseId, people.Baby, { risks: 'Exposure to drugs in pregnancy', version: 0 });
    const before = await plans.assessment(keyWorker, caseId);
    await plans.saveFamilyView(keyWorker, caseId, { familyView: 'We are struggling but we love each other', wantsToChange: 'Get Tyler to school on time', version: before.assessment!.version });
    await plans.completeAssessment(keyWorker, caseId);
    expect(await state()).toBe('planning');
    const view = await plans.assessment(keyWorker, caseId);
    expect(view.status).toBe('complete');
    expect(view.members.every((m) => m.status === 'completed')).toBe(true);
    const error = await refusal(plans.saveMemberAssessment(keyWorker, caseId, people.Tyler, { needs: 'Changed', version: 1 }));
    expect(error.message).toBe('The assessment is complete and can no longer be changed');
  });

  let planVersion = 0;
  let goalId = '';
  it('writes version 1 of the plan and refuses to agree it until every goal has an action and a review date is set', async () => {
    await plans.addGoal(keyWorker, caseId, { goal: 'Tyler gets to school on time every day', outcomeArea: 'education', version: 0 });
    let view = await plans.plan(keyWorker, caseId);
    goalId = view.draft!.goals[0].id;
    planVersion = view.draft!.version;
    const error = await refusal(plans.agreePlan(keyWorker, caseId, { version: planVersion }));
    expect(error.message).toBe('The plan cannot be agreed yet. Still to do: add an action to the goal “Tyler gets to school on time every day”; set the date the plan will be reviewed.');
    // An owner from outside the family comes with the other problems, in one round (issue 15 item 11).
    const outsider = await plans.addAction(keyWorker, caseId, goalId, { description: '', ownerType: 'person', ownerPersonId: '00000000-0000-4000-8000-000000000000', dueOn: '2026-11-01', version: planVersion }).catch((e) => e);
    expect((outsider as ValidationError).fieldErrors).toEqual({
      description: 'Enter what will be done', ownerPersonId: 'Select a member of this family', dueOn: 'The due date must be today or in the future',
    });
    const stranger = await plans.addAction(keyWorker, caseId, goalId, { description: 'Call', ownerType: 'practitioner', ownerUserId: '00000000-0000-4000-8000-000000000000', dueOn: '2026-12-01', version: planVersion }).catch((e) => e);
    expect((stranger as ValidationError).fieldErrors).toEqual({ ownerUserId: 'Select a practitioner in the team around the family' });
    await plans.addAction(keyWorker, caseId, goalId, { description: 'Set an alarm for 7am', ownerType: 'person', ownerPersonId: people.Kerry, dueOn: '2026-12-01', version: planVersion });
    view = await plans.plan(keyWorker, caseId);
    await plans.addAction(keyWorker, caseId, goalId, { description: 'Talk to the school about a breakfast club place', ownerType: 'practitioner', ownerUserId: keyWorker.id, dueOn: '2026-12-05', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    // A review after the programme's 12 weeks would never happen.
    const late = await plans.setReviewDate(keyWorker, caseId, { reviewDate: '2027-11-25', version: view.draft!.version }).catch((e) => e);
    expect(late.fieldErrors.reviewDate).toMatch(/^The review date must be on or before \d{1,2} \w+ 20\d\d, when the 12 weeks of Early intervention \(Families Plus\) end$/);
    await plans.setReviewDate(keyWorker, caseId, { reviewDate: '2026-12-23', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    expect(view.draft!.gaps).toEqual([]);
    expect(view.draft!.goals[0].actions.map((a) => [a.description, a.ownerName, a.statusLabel])).toEqual([
      ['Set an alarm for 7am', 'Kerry Walsh', 'Not started'],
      ['Talk to the school about a breakfast club place', "Priya Shah, Testshire Children's Services", 'Not started'],
    ]);
    planVersion = view.draft!.version;
  });

  it('refuses a second practitioner’s save based on an out-of-date copy, and overwrites nothing', async () => {
    // Both open the goal at the same version; the colleague saves first.
    await plans.updateGoal(planColleague, caseId, goalId, { goal: 'Tyler is at school by 8:45 every day', outcomeArea: 'education', version: planVersion });
    const error = await refusal(plans.updateGoal(keyWorker, caseId, goalId, { goal: 'Tyler gets to school happy', outcomeArea: 'education', version: planVersion }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('Someone else saved changes to the plan after you opened it, so your changes have not been saved. Nothing has been overwritten. Check the plan as it is now, then make your changes again.');
    expect(error.message).toBe(staleSaveMessage('the plan'));
    const view = await plans.plan(keyWorker, caseId);
    expect(view.draft!.goals[0].goal).toBe('Tyler is at school by 8:45 every day');
    planVersion = view.draft!.version;
  });

  it('agrees version 1, moving the case to intervention', async () => {
    const agreed = await plans.agreePlan(keyWorker, caseId, { version: planVersion });
    expect(agreed.number).toBe(1);
    expect(await state()).toBe('intervention');
    const view = await plans.plan(keyWorker, caseId);
    expect(view.current!.number).toBe(1);
    expect(view.draft).toBeNull();
    expect(view.canStartReview).toBe(true);
    const error = await refusal(plans.addGoal(keyWorker, caseId, { goal: 'Another', outcomeArea: 'housing', version: 0 }));
    expect(error.message).toBe('The agreed plan can only be changed at a review: start a review to make a new version');
  });

  it('reviews the plan into version 2, keeping version 1 as it was', async () => {
    const started = await plans.startReview(keyWorker, caseId);
    expect(started.number).toBe(2);
    let view = await plans.plan(keyWorker, caseId);
    const draft = view.draft!;
    expect(draft.isReview).toBe(true);
    expect(draft.goals.map((g) => [g.goal, g.carriedOver, g.actions.length])).toEqual([['Tyler is at school by 8:45 every day', true, 2]]);
    const refused = await refusal(plans.agreePlan(keyWorker, caseId, { version: draft.version }));
    expect(refused.message).toBe('The reviewed plan cannot be agreed yet. Still to do: record the progress made towards “Tyler is at school by 8:45 every day”; set the date the plan will be reviewed.');

    const goal = draft.goals[0];
    await plans.updateGoal(keyWorker, caseId, goal.id, { goal: goal.goal, outcomeArea: goal.outcomeArea, progressNote: 'Late twice this fortnight, down from every day', version: draft.version });
    view = await plans.plan(keyWorker, caseId);
    await plans.updateAction(keyWorker, caseId, goal.actions[0].id, { description: 'Set an alarm for 7am', ownerType: 'person', ownerPersonId: people.Kerry, dueOn: '2026-12-01', status: 'done', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    await plans.addGoal(keyWorker, caseId, { goal: 'Kerry keeps her appointments at the recovery service', outcomeArea: 'substance_use', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    const newGoal = view.draft!.goals[1];
    await plans.addAction(keyWorker, caseId, newGoal.id, { description: 'Weekly key work sessions', ownerType: 'agency', ownerName: 'Testshire Recovery', dueOn: '2027-01-10', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    await plans.setReviewDate(keyWorker, caseId, { reviewDate: '2027-01-20', version: view.draft!.version });
    view = await plans.plan(keyWorker, caseId);
    expect(await plans.agreePlan(keyWorker, caseId, { version: view.draft!.version })).toMatchObject({ number: 2 });

    const history = await plans.planVersions(keyWorker, caseId);
    expect(history.versions.map((v) => [v.number, v.status, v.goals, v.actions])).toEqual([[2, 'agreed', 2, 3], [1, 'superseded', 1, 2]]);
    const v1 = await plans.planVersion(keyWorker, caseId, history.versions[1].id);
    expect(v1.plan.reviewDate).toBe('2026-12-23');
    expect(v1.plan.goals[0].actions.map((a) => a.status)).toEqual(['not_started', 'not_started']);
    const v2 = await plans.planVersion(keyWorker, caseId, history.versions[0].id);
    expect(v2.plan.goals[0].progressNote).toBe('Late twice this fortnight, down from every day');
    expect(v2.plan.goals[0].actions.map((a) => a.status)).toEqual(['done', 'not_started']);
    expect(v2.plan.goals[0].lineageId).toBe(v1.plan.goals[0].lineageId);
    const events = await t.db.query<{ event: string }>('SELECT event FROM case_event WHERE case_id = $1 ORDER BY id', [caseId]);
    expect(events.map((e) => e.event)).toEqual(['start_assessment', 'complete_assessment', 'agree_plan', 'review_plan']);
  });

  it('brings an action’s status up to date between reviews, but never changes an earlier version', async () => {
    const history = await plans.planVersions(keyWorker, caseId);
    const v1 = await plans.planVersion(keyWorker, caseId, history.versions[1].id);
    const error = await refusal(plans.setActionStatus(keyWorker, caseId, v1.plan.goals[0].actions[0].id, { status: 'done', version: v1.plan.version }));
    expect(error.message).toBe('This is an earlier version of the plan: it is kept as it was and cannot be changed');

    const current = (await plans.plan(keyWorker, caseId)).current!;
    const kws = current.goals[1].actions[0];
    await plans.setActionStatus(keyWorker, caseId, kws.id, { status: 'in_progress', version: current.version });
    const after = (await plans.plan(keyWorker, caseId)).current!;
    expect(after.goals[1].actions[0].statusLabel).toBe('In progress');
    expect(after.version).toBe(current.version + 1);

    // While a review is open, the status is brought up to date in the review instead.
    const review = await plans.startReview(keyWorker, caseId);
    const during = await refusal(plans.setActionStatus(keyWorker, caseId, kws.id, { status: 'done', version: after.version }));
    expect(during.message).toBe('A review of the plan is in progress: update the action’s status in the review');
    const draft = (await plans.plan(keyWorker, caseId)).draft!;
    expect(draft.number).toBe(review.number);
    await plans.cancelReview(keyWorker, caseId, { version: draft.version });
    expect((await plans.plan(keyWorker, caseId)).draft).toBeNull();
  });

  it('refuses a review before the assessment is complete, with the lifecycle’s reason', async () => {
    const other = await makeCase(t.db, { familyId, state: 'assessment', keyWorkerId: keyWorker.id });
    const error = await refusal(plans.startReview(keyWorker, other.caseId));
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error.message).toBe('A plan cannot be reviewed before the assessment is complete');
    expect(await state(other.caseId)).toBe('assessment');
  });

  it('refuses a practitioner outside the team around the family, and audits the refusal', async () => {
    const error = await refusal(plans.plan(stranger, caseId));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('You do not have access to this family');
    await expect(plans.addGoal(stranger, caseId, { goal: 'x', outcomeArea: 'housing', version: 0 })).rejects.toThrow(ForbiddenError);
    const rows = await t.db.query<{ action: string; outcome: string; record_id: string }>(
      'SELECT action, outcome, record_id FROM audit_event WHERE user_id = $1 ORDER BY id', [stranger.id]);
    expect(rows).toEqual([
      { action: 'view-plan', outcome: 'denied', record_id: caseId },
      { action: 'add-plan-goal', outcome: 'denied', record_id: caseId },
    ]);
  });

  it('saves the family contract and refuses a stale save of it', async () => {
    await plans.saveContract(keyWorker, caseId, {
      familyCommitments: 'We will be up by 7am', keyWorkerCommitments: 'Priya will visit every Tuesday',
      agencyCommitments: [{ agency: 'Testshire Recovery', commitment: 'Weekly sessions with Kerry' }],
      consequences: 'If we miss two visits in a row we will meet to talk about it', agreedOn: '2026-11-20', version: 0,
    });
    const view = await plans.contract(keyWorker, caseId);
    expect(view.contract).toMatchObject({ familyCommitments: 'We will be up by 7am', version: 1, agencyCommitments: [{ agency: 'Testshire Recovery', commitment: 'Weekly sessions with Kerry' }] });
    expect(view.agencies).toEqual(['Testshire Recovery', "Testshire Children's Services"]);
    const error = await refusal(plans.saveContract(planColleague, caseId, { familyCommitments: 'x', keyWorkerCommitments: 'y', consequences: 'z', version: 0 }));
    expect(error.message).toBe(staleSaveMessage('the family contract'));
  });

  it('asks the safety plan for a number to call out of hours', async () => {
    const base = { risks: 'Kerry may use when stressed', keepingSafe: 'Nan stays over if Kerry has used', whoDoesWhat: 'Nan collects Tyler from school', version: 0 };
    const error = await refusal(plans.saveSafetyPlan(keyWorker, caseId, { ...base, contacts: [{ name: 'Priya Shah', phone: '01632 960 001', when: 'office_hours' }] }));
    expect((error as ValidationError).fieldErrors).toEqual({ contacts: 'Add at least one number to call out of hours (evenings, nights and weekends)' });
    await plans.saveSafetyPlan(keyWorker, caseId, { ...base, contacts: [{ name: 'Priya Shah', phone: '01632 960 001', when: 'office_hours' }, { name: 'Emergency duty team', phone: '01632 960 999', when: 'out_of_hours' }] });
    const view = await plans.safetyPlan(keyWorker, caseId);
    expect(view.safetyPlan!.contacts.map((c) => c.whenLabel)).toEqual(['Office hours', 'Evenings, nights and weekends (out of hours)']);
    // The unborn baby's risks are recorded in the assessment: a safety plan is needed.
    expect(view.needed).toBe(true);
  });

  it('summarises the case for the overview and lists what is due for my work', async () => {
    const summary = await plans.summary(keyWorker, caseId);
    expect(summary).toEqual({
      assessment: expect.objectContaining({ status: 'complete', statusLabel: 'Complete' }),
      plan: expect.objectContaining({ currentVersion: 2, reviewDate: '2027-01-20', reviewOverdue: false, draftVersion: null, openActions: 2, overdueActions: 0 }),
      contract: { present: true, agreedOn: '2026-11-20' },
      safetyPlan: { present: true, needed: true },
    });
    const fromTx = await t.db.transaction((tx) => plans.summary(tx, caseId));
    expect(fromTx).toEqual(summary);

    // Later, the breakfast club action (due 5 December) is overdue and the review is due.
    const later = plansService(t.db, casesService(t.db, { clock: testClock() }), { clock: testClock('2026-12-10') });
    const due = await t.db.transaction((tx) => later.dueItems(tx, [caseId]));
    expect(due).toEqual([
      { caseId, kind: 'plan_action', dueOn: '2026-12-05', label: "Plan action overdue: Talk to the school about a breakfast club place (Priya Shah, Testshire Children's Services)" },
      { caseId, kind: 'plan_review', dueOn: '2027-01-20', label: 'Review the family plan (version 2)' },
    ]);
    expect((await later.summary(keyWorker, caseId)).plan.overdueActions).toBe(1);
    expect(await t.db.transaction((tx) => later.dueItems(tx, []))).toEqual([]);
  });

  it('shows a partner agency its own plan action with its goal and withholds the rest with the notice; refuses it the contract, the safety plan and plan and assessment writes with the reason (need to know)', async () => {
    // The drug and alcohol service's default rule has neither plans nor assessments; children's social care recorded both.
    const full = (await plans.plan(keyWorker, caseId)).current!;
    expect((await plans.plan(keyWorker, caseId)).withheld).toEqual({ total: 0, notices: [] });
    const goals = full.goals.length;
    const actions = full.goals.flatMap((g) => g.actions);
    expect(actions.length).toBeGreaterThan(1);
    const own = full.goals[0].actions[0];
    const other = actions.find((a) => a.id !== own.id)!;
    await t.db.query(`UPDATE plan_action SET owner_type = 'practitioner', owner_person_id = NULL, owner_user_id = $2, owner_name = 'Dan Okoro, Testshire Recovery' WHERE id = $1`, [own.id, colleague.id]);

    const seen = await plans.plan(colleague, caseId);
    expect(seen.current!.goals.map((g) => ({ goal: g.goal, actions: g.actions.map((a) => a.id) }))).toEqual([{ goal: full.goals[0].goal, actions: [own.id] }]);
    const withheld = goals - 1 + actions.length - 1;
    expect(seen.withheld).toEqual({ total: withheld, notices: [`${withheld} items recorded by children's social care are not shared with drug and alcohol services`] });
    const version = await plans.planVersion(colleague, caseId, full.id);
    expect(version.plan.goals.flatMap((g) => g.actions.map((a) => a.id))).toEqual([own.id]);
    expect(version.withheld.total).toBe(withheld);

    // The owner brings their own action up to date; any other plan write is refused with the rule's reason.
    await plans.setActionStatus(colleague, caseId, own.id, { status: 'in_progress', version: seen.current!.version });
    expect((await plans.plan(keyWorker, caseId)).current!.goals[0].actions[0].status).toBe('in_progress');
    const planRule = "Drug and alcohol services may not record plans and plan actions under the partnership's sharing rules. Ask the family's key worker to record it.";
    const statusRefused = await refusal(plans.setActionStatus(colleague, caseId, other.id, { status: 'done', version: seen.current!.version + 1 }));
    expect(statusRefused).toBeInstanceOf(ForbiddenError);
    expect(statusRefused.message).toBe(planRule);
    expect((await refusal(plans.startReview(colleague, caseId))).message).toBe(planRule);

    // The contract and the safety plan are refused whole, each with the reason a user sees.
    const contract = await refusal(plans.contract(colleague, caseId));
    expect(contract).toBeInstanceOf(ForbiddenError);
    expect(contract.message).toBe("This family contract was recorded by children's social care and is not shared with drug and alcohol services");
    expect((await refusal(plans.contractForPrint(colleague, caseId))).message).toBe(contract.message);
    expect((await refusal(plans.safetyPlan(colleague, caseId))).message).toBe("This safety plan was recorded by children's social care and is not shared with drug and alcohol services");
    expect((await refusal(plans.safetyPlanForPrint(colleague, caseId))).message).toBe("This safety plan was recorded by children's social care and is not shared with drug and alcohol services");
    expect((await refusal(plans.saveContract(colleague, caseId, { familyCommitments: 'x', keyWorkerCommitments: 'y', consequences: 'z', version: 1 }))).message)
      .toBe(planRule);

    // The assessment: each member's part and the family's view are withheld, what is missing still counts them.
    const assessment = await plans.assessment(colleague, caseId);
    expect(assessment.members.map((m) => ({ withheld: m.withheld, record: m.record }))).toEqual(assessment.members.map(() => ({ withheld: true, record: null })));
    expect(assessment.assessment).toMatchObject({ familyView: '', wantsToChange: '' });
    expect(assessment.familyViewWithheld).toBe(true);
    expect(assessment.withheld.notices).toEqual([`${assessment.members.length + 1} items recorded by children's social care are not shared with drug and alcohol services`]);
    expect((await plans.assessment(keyWorker, caseId)).members.every((m) => m.record && !m.withheld)).toBe(true);
    expect((await refusal(plans.saveFamilyView(colleague, caseId, { familyView: 'x', wantsToChange: 'y', version: 1 }))).message)
      .toBe("Drug and alcohol services may not record assessments under the partnership's sharing rules. Ask the family's key worker to record it.");
    // The key worker's colleague in children's social care sees and writes it all.
    expect((await plans.plan(planColleague, caseId)).withheld.total).toBe(0);
    expect((await plans.contract(planColleague, caseId)).contract).not.toBeNull();
  });

  it('asks for a safety plan where the programme wants one at the start', async () => {
    const crisis = await makeCase(t.db, { familyId, state: 'allocated', programmeId: option2Id, keyWorkerId: keyWorker.id });
    const summary = await plans.summary(keyWorker, crisis.caseId);
    expect(summary.safetyPlan).toEqual({ present: false, needed: true });
    expect(summary.assessment.status).toBe('not_started');
    expect(summary.plan.currentVersion).toBeNull();
  });
});

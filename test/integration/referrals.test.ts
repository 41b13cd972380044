import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser } from '../support/factories.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { ForbiddenError, RuleViolation, ValidationError } from '../../src/domain/errors.ts';
import { testClock } from '../support/clock.ts';

const earlyIntervention = '5d0c1e4a-0001-4a00-8000-000000000002';
const option2 = '5d0c1e4a-0001-4a00-8000-000000000001';

const aReferral = (over: Record<string, unknown> = {}) => ({
  familyName: 'Walsh', addressLine1: '12 Mill Lane', postcode: 'NV1 4AB',
  members: [{ givenName: 'Kerry', familyName: 'Walsh', role: 'mother', dateOfBirth: '1990-05-17' }, { givenName: 'Tyler', familyName: 'Walsh', role: 'child', dateOfBirth: '2016-08-09' }],
  referrerName: 'PC Tom Hughes', referrerAgency: 'Testshire Police', referrerContact: 'tom.hughes@police.example',
  needCodes: ['3B', '1B'], reasons: 'Third domestic abuse incident this year; children present.', urgency: 'urgent', consent: 'not_given',
  lawfulBasis: 'Safeguarding children at risk: public task; DPA 2018 Sch 1 para 18', ...over,
});

describe.each(engines)('referral, screening and allocation on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let police: Actor;
  let manager: Actor;
  let keyWorker: Actor;
  let busyWorker: Actor;
  let p: Awaited<ReturnType<typeof makePartnership>>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    police = await makeUser(t.db, { agencyId: p.agencies.police, name: 'Tom Hughes' });
    manager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.teamId, manages: [p.teamId], frontDoorScreener: true });
    keyWorker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Priya Shah' });
    busyWorker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Busy Worker' });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock('2026-11-25') });
  });
  afterAll(async () => t.drop());

  it('needs a lawful basis when the family has not agreed', async () => {
    const error = await s.referrals.refer(police, aReferral({ lawfulBasis: '' })).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors).toEqual({ lawfulBasis: 'Give the lawful reason for sharing without the family’s agreement' });
  });

  it('lets only the referrer and managers read a referral', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    expect((await s.referrals.referral(police, id)).referral.reference).toMatch(/^REF-\d{6}$/);
    await expect(s.referrals.referral(keyWorker, id)).rejects.toThrow(ForbiddenError);
    const denied = await t.db.query<{ outcome: string }>("SELECT outcome FROM audit_event WHERE user_id = $1 AND record_id = $2", [keyWorker.id, id]);
    expect(denied).toEqual([{ outcome: 'denied' }]);
  });

  it('shows the level of need from the referral’s coded needs, with the rule', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    const view = await s.referrals.referral(manager, id);
    expect(view.levelOfNeed.level).toBe(4);
    expect(view.levelOfNeed.reason).toContain('substance misuse');
    expect(view.levelOfNeed.reason).toContain('domestic abuse');
  });

  it('offers the existing family when the people are already known, and attaches instead of duplicating', async () => {
    const existing = await s.families.createFamily(keyWorker, {
      family: aFamily({ familyName: 'Okafor', postcode: 'NV3 1AA' }),
      members: [aMember({ givenName: 'Ada', familyName: 'Okafor', dateOfBirth: '1985-03-02' }), aMember({ givenName: 'Chidi', familyName: 'Okafor', role: 'child', dateOfBirth: '2018-01-20' })],
    });
    const { id } = await s.referrals.refer(police, aReferral({
      familyName: 'Okafor', postcode: '', members: [{ givenName: 'Adah', familyName: 'Okafor', role: 'mother', dateOfBirth: '1985-03-02' }],
    }));
    const view = await s.referrals.referral(manager, id);
    expect(view.possibleFamilies.map((f) => f.family_id)).toEqual([existing.id]);
    const families = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM family'))[0].n;
    const result = await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Meets Level 4', programmeId: earlyIntervention, familyChoice: existing.id, version: 1 });
    expect(result.familyId).toBe(existing.id);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM family'))[0].n).toBe(families);
    const caseView = await s.cases.case(manager, result.caseId!);
    expect(caseView.case.state).toBe('awaiting_allocation');
    expect(caseView.case.programme_name).toBe('Early intervention (Families Plus)');
  });

  it('accepts into a programme with a new family, sets the 72-hour first visit, and refuses a second screening', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    const received = (await s.referrals.referral(manager, id)).referral.received_at;
    const result = await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Crisis', programmeId: option2, familyChoice: 'new', version: 1 });
    const view = await s.cases.case(manager, result.caseId!);
    expect(new Date(view.case.first_visit_due_at).getTime() - new Date(received).getTime()).toBe(72 * 3_600_000);
    // The police referrer joins the team around the family, so they can follow the case.
    const family = await s.families.family(police, result.familyId!);
    expect(family.professionals.map((x) => x.roleInFamily).sort()).toEqual(['Referrer', 'Team manager']);
    const again = await s.referrals.screen(manager, id, { decision: 'declined', reason: 'x', version: 2 }).catch((e) => e);
    expect(again).toBeInstanceOf(RuleViolation);
    expect(again.message).toBe('This referral has already been screened: accepted');
  });

  it('records a level override only with a reason', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    const error = await s.referrals.screen(manager, id, { decision: 'signposted', reason: 'Better met by early help', signpostedTo: 'Family hub', levelOverride: 2, version: 1 }).catch((e) => e);
    expect(error.fieldErrors).toEqual({ levelOverrideReason: 'Give the reason for changing the level of need' });
    await s.referrals.screen(manager, id, { decision: 'signposted', reason: 'Better met by early help', signpostedTo: 'Family hub', levelOverride: 2, levelOverrideReason: 'Incidents were historic', version: 1 });
    const view = await s.referrals.referral(manager, id);
    expect(view.referral).toMatchObject({ status: 'signposted', level_of_need: 4, level_override: 2, level_override_reason: 'Incidents were historic', signposted_to: 'Family hub' });
  });

  it('allocates within the caseload limit and asks for a reason over it', async () => {
    const open = async () => {
      const { id } = await s.referrals.refer(police, aReferral());
      return (await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Crisis', programmeId: option2, familyChoice: 'new', version: 1 })).caseId!;
    };
    // Option 2 keeps each worker to 2 families.
    await s.cases.allocate(manager, await open(), { keyWorkerId: busyWorker.id });
    await s.cases.allocate(manager, await open(), { keyWorkerId: busyWorker.id });
    const third = await open();
    const options = await s.cases.allocationOptions(manager, third);
    expect(options.team.find((w) => w.id === busyWorker.id)).toMatchObject({ now: { open: 2, limit: 2, status: 'at' }, after: { open: 3, limit: 2, status: 'over' }, overAfter: true });
    const refused = await s.cases.allocate(manager, third, { keyWorkerId: busyWorker.id }).catch((e) => e);
    expect(refused.fieldErrors.overCaseloadReason).toBe('Give a reason to allocate over the caseload limit: Busy Worker would have 3 open cases and their limit is 2');
    await s.cases.allocate(manager, third, { keyWorkerId: busyWorker.id, overCaseloadReason: 'Sibling group already known to Busy' });
    const view = await s.cases.case(busyWorker, third);
    expect(view.case).toMatchObject({ state: 'allocated', key_worker_name: 'Busy Worker' });
    const family = await s.families.family(busyWorker, view.case.family_id);
    expect(family.professionals.find((x) => x.isLead)?.name).toBe('Busy Worker');
  });

  it('reports every problem with an allocation or a team member at once, the person chosen among them (issue 15 item 11)', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    const caseId = (await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Crisis', programmeId: earlyIntervention, familyChoice: 'new', version: 1 })).caseId!;
    // A manager cannot be a key worker, and the reason is too long: both in one round.
    const refused = await s.cases.allocate(manager, caseId, { keyWorkerId: manager.id, overCaseloadReason: 'x'.repeat(1001) }).catch((e) => e);
    expect(refused.fieldErrors).toEqual({ keyWorkerId: 'Select a practitioner who can be a key worker', overCaseloadReason: 'The reason must be 1,000 characters or fewer' });
    await s.cases.allocate(manager, caseId, { keyWorkerId: keyWorker.id });
    // The key worker is already in the team, and no role is given.
    const again = await s.cases.joinTeam(manager, caseId, { userId: keyWorker.id, roleInFamily: ' ' }).catch((e) => e);
    expect(again.fieldErrors).toEqual({ userId: `${keyWorker.displayName} is already in the team around the family`, roleInFamily: 'Enter their role with this family' });
  });

  it('counts all of a worker’s open cases against the lowest limit among their programmes, whatever the new case’s programme', async () => {
    const open = async (programmeId: string) => {
      const { id } = await s.referrals.refer(police, aReferral());
      return (await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Needs support', programmeId, familyChoice: 'new', version: 1 })).caseId!;
    };
    const worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Ana Lopes' });
    await s.cases.allocate(manager, await open(option2), { keyWorkerId: worker.id });
    await s.cases.allocate(manager, await open(earlyIntervention), { keyWorkerId: worker.id });
    // A third early intervention case: 3 of early intervention's 6, but her Option 2 case sets her limit at 2.
    const third = await open(earlyIntervention);
    const refused = await s.cases.allocate(manager, third, { keyWorkerId: worker.id }).catch((e) => e);
    expect(refused.fieldErrors).toEqual({ overCaseloadReason: 'Give a reason to allocate over the caseload limit: Ana Lopes would have 3 open cases and their limit is 2' });
    await s.cases.allocate(manager, third, { keyWorkerId: worker.id, overCaseloadReason: 'Crisis case ends next week' });
    const [row] = await t.db.query<{ over_caseload_reason: string }>('SELECT over_caseload_reason FROM casefile WHERE id = $1', [third]);
    expect(row.over_caseload_reason).toBe('Crisis case ends next week');
  });

  it('does not let a practitioner allocate', async () => {
    const { id } = await s.referrals.refer(police, aReferral());
    const { caseId } = await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'ok', programmeId: earlyIntervention, familyChoice: 'new', version: 1 });
    await expect(s.cases.allocate(keyWorker, caseId!, { keyWorkerId: keyWorker.id })).rejects.toThrow('Only managers allocate cases');
  });
});

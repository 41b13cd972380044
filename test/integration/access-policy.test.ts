import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TODAY, testClock } from '../support/clock.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser } from '../support/factories.ts';
import { makeCase } from '../support/casework-factories.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import {
  awaitingAllocationFilterSql, decideAwaitingAllocation, decideFamily, decideReferral, familyFilterSql, permissions, referralFilterSql, type FamilyPermission,
} from '../../src/domain/access/policy.ts';
import { loadFacts } from '../../src/modules/access/policy.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';

const earlyIntervention = '5d0c1e4a-0001-4a00-8000-000000000002';
const familyPermissions = permissions.filter((p): p is FamilyPermission => p.startsWith('family.'));

const aReferral = (over: Record<string, unknown> = {}) => ({
  familyName: 'Okoro', addressLine1: '3 Weir Street', postcode: 'NV2 7QP',
  members: [{ givenName: 'Grace', familyName: 'Okoro', role: 'mother', dateOfBirth: '1988-03-14' }],
  referrerName: 'Amina Begum', referrerAgency: 'Testshire Schools', referrerContact: 'dsl@school.example',
  needCodes: ['4B'], reasons: 'Grace told the school she is struggling.', urgency: 'routine', consent: 'given', ...over,
});

describe.each(engines)('one access policy on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let p: Awaited<ReturnType<typeof makePartnership>>;
  let lead: Actor;
  let ownManager: Actor;
  let frontDoor: Actor;
  let otherManager: Actor;
  let school: Actor;
  let analyst: Actor;
  let admin: Actor;
  let familyId: string;
  let caseId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    p = await makePartnership(t.db);
    s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    ownManager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.teamId, manages: [p.teamId], name: 'Own Manager' });
    lead = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId, name: 'Lead Worker' });
    frontDoor = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId, frontDoorScreener: true, name: 'Front Door' });
    otherManager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId, manages: [p.otherTeamId], name: 'Other Manager' });
    school = await makeUser(t.db, { agencyId: p.agencies.police, name: 'Amina Begum' });
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care, name: 'Sam Analyst' });
    admin = await makeUser(t.db, { role: 'administrator', agencyId: p.agencies.childrens_social_care, name: 'Jo Admin' });
    ({ id: familyId } = await s.families.createFamily(lead, {
      family: aFamily({ familyName: 'Okoro' }),
      members: [aMember({ givenName: 'Grace', familyName: 'Okoro', role: 'mother', dateOfBirth: '1988-03-14' })],
    }));
    await t.db.query('UPDATE family_professional SET is_lead = true WHERE family_id = $1 AND user_id = $2', [familyId, lead.id]);
    caseId = (await makeCase(t.db, { familyId, keyWorkerId: lead.id })).caseId;
  });
  afterAll(async () => t.drop());

  it('finding 1: a manager sees and screens only the referrals routed to a team they manage (or the front door, if they screen it)', async () => {
    const toOwnTeam = await s.referrals.refer(school, aReferral({ routedTeamId: p.teamId }));
    const toFrontDoor = await s.referrals.refer(school, aReferral());
    const ids = async (actor: Actor) => (await s.referrals.queue(actor)).map((r) => r.id);
    expect(await ids(ownManager)).toEqual([toOwnTeam.id]);
    expect(await ids(frontDoor)).toEqual([toFrontDoor.id]);
    expect(await ids(otherManager)).toEqual([]);
    await expect(s.referrals.referral(otherManager, toOwnTeam.id)).rejects.toThrow('Only the referrer and the managers the referral is routed to can see this referral');
    const screening = { decision: 'declined', reason: 'Not for us', version: 1 };
    await expect(s.referrals.screen(otherManager, toOwnTeam.id, screening)).rejects.toThrow(ForbiddenError);
    const audited = await t.db.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_event WHERE user_id = $1 AND record_id = $2 ORDER BY id', [otherManager.id, toOwnTeam.id]);
    expect(audited).toEqual([{ action: 'view-referral', outcome: 'denied' }, { action: 'screen-referral', outcome: 'denied' }]);
  });

  it('finding 1: a referrer sees "Referrals I made" with each one’s status, and no one else’s', async () => {
    const mine = await s.referrals.mine(school);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(new Set(mine.map((r) => r.status))).toEqual(new Set(['received']));
    expect(await s.referrals.mine(lead)).toEqual([]);
  });

  it('finding 2: a screener who may not open a matching family sees only that a known family may match, cannot take it, and asks its lead', async () => {
    const { id } = await s.referrals.refer(school, aReferral());
    const view = await s.referrals.referral(frontDoor, id);
    expect(view.possibleFamilies).toEqual([]);
    expect(view.knownFamilies).toEqual([{ family_id: familyId, matching_people: 1 }]);
    const [{ reference }] = await t.db.query<{ reference: string }>('SELECT reference FROM family WHERE id = $1', [familyId]);
    expect(JSON.stringify(view)).not.toContain(reference);
    const taking = await s.referrals.screen(frontDoor, id, { decision: 'accepted', reason: 'Fits', programmeId: earlyIntervention, familyChoice: familyId, version: 1 }).catch((e) => e);
    expect(taking).toBeInstanceOf(ValidationError);
    expect(taking.fieldErrors).toEqual({ familyChoice: 'Select one of the matching families, or create a new one' });
    await expect(s.families.family(frontDoor, familyId)).rejects.toThrow(ForbiddenError);

    const request = await s.referrals.requestJoin(frontDoor, id, { familyId });
    // The screener cannot answer their own request.
    await expect(s.referrals.decideJoinRequest(frontDoor, familyId, request.id, { decision: 'accept' })).rejects.toThrow(ForbiddenError);
    expect(await s.referrals.decideJoinRequest(lead, familyId, request.id, { decision: 'accept' })).toEqual({ status: 'accepted' });
    expect((await s.families.family(frontDoor, familyId)).family.familyName).toBe('Okoro');
    const screened = await s.referrals.screen(frontDoor, id, { decision: 'accepted', reason: 'Fits', programmeId: earlyIntervention, familyChoice: familyId, version: 2 });
    expect(screened.familyId).toBe(familyId);
    const seen = await s.audit.seenBy(lead, familyId);
    expect(seen.find((e) => e.action === 'team-member-added' && e.basis === 'request accepted')?.detail).toMatchObject({ added: 'Front Door' });
  });

  it('finding 2: a refused join request opens nothing, and refusing needs a reason', async () => {
    const screener = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, frontDoorScreener: true, name: 'Second Screener' });
    const { id } = await s.referrals.refer(school, aReferral());
    const request = await s.referrals.requestJoin(screener, id, { familyId });
    const noReason = await s.referrals.decideJoinRequest(ownManager, familyId, request.id, { decision: 'refuse' }).catch((e) => e);
    expect(noReason.fieldErrors).toEqual({ reason: 'Enter why you are refusing the request' });
    expect(await s.referrals.decideJoinRequest(ownManager, familyId, request.id, { decision: 'refuse', reason: 'Not the same family' })).toEqual({ status: 'refused' });
    await expect(s.families.family(screener, familyId)).rejects.toThrow(ForbiddenError);
    expect((await s.referrals.referral(screener, id)).referral.family_id).toBeNull();
    // The failure after the check (no reason) was audited even though its work was rolled back.
    const failed = await t.db.query<{ detail: { failed?: string } }>(
      "SELECT detail FROM audit_event WHERE user_id = $1 AND action = 'join-request-refused' ORDER BY id", [ownManager.id]);
    expect(failed.map((f) => f.detail.failed ?? null)).toEqual([null, 'ValidationError', null]);
  });

  it('finding 3: analysts and administrators cannot be added to a team around the family, and membership would not open it', async () => {
    for (const outsider of [analyst, admin]) {
      const error = await s.cases.joinTeam(lead, caseId, { userId: outsider.id, roleInFamily: 'Helper' }).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.fieldErrors).toEqual({ userId: 'Select an active practitioner or manager of an agency that works with families' });
    }
    await joinFamily(t.db, familyId, analyst.id, 'Planted by hand');
    await expect(s.families.family(analyst, familyId)).rejects.toThrow(ForbiddenError);
    const officer = await makeUser(t.db, { agencyId: p.agencies.police, name: 'Tom Gallagher' });
    await s.cases.joinTeam(lead, caseId, { userId: officer.id, roleInFamily: 'Police safeguarding officer' });
    const seen = await s.audit.seenBy(lead, familyId);
    expect(seen.find((e) => e.action === 'team-member-added' && e.detail.added === 'Tom Gallagher')).toMatchObject({ user_name: 'Lead Worker', basis: 'team around the family' });
    // In the team, but neither its lead nor a manager: not who may see who has seen the family.
    await expect(s.audit.seenBy(officer, familyId)).rejects.toThrow(ForbiddenError);
  });

  it('finding 4: lists record each family shown, and a failure after the check keeps its audit row', async () => {
    await s.families.myFamilies(lead);
    await s.families.search(lead, 'Grace Okoro');
    const shown = await t.db.query<{ action: string }>(
      `SELECT e.action FROM audit_family_shown f JOIN audit_event e ON e.id = f.event_id WHERE f.family_id = $1 AND e.user_id = $2 ORDER BY e.id`, [familyId, lead.id]);
    expect(shown.map((r) => r.action)).toEqual(['list-families', 'search']);
    const missing = await s.families.updateMember(lead, familyId, randomUUID(), {}).catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    const rows = await t.db.query<{ outcome: string; detail: { failed?: string } }>(
      "SELECT outcome, detail FROM audit_event WHERE user_id = $1 AND action = 'update-member' ORDER BY id", [lead.id]);
    expect(rows).toEqual([{ outcome: 'allowed', detail: {} }, { outcome: 'failed', detail: { failed: 'NotFoundError' } }]);
    const seen = await s.audit.seenBy(lead, familyId);
    expect(seen.filter((e) => e.basis === 'list').map((e) => e.action).sort()).toEqual(['list-families', 'search']);
  });
});

describe.each(engines)('the policy’s single decision and its SQL agree on the demo (%s)', (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await testDatabase(engine);
    await seedDemo(t.owner, { families: 60, seed: 7, today: TEST_TODAY, passwordHash: '$argon2id$test' });
  }, 120_000);
  afterAll(async () => t.drop());

  it('for every demo user, family and family permission', async () => {
    const users = await t.db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null }>(
      'SELECT id, role, display_name, agency_id, team_id FROM app_user ORDER BY email');
    const families = (await t.db.query<{ id: string }>('SELECT id FROM family ORDER BY id')).map((f) => f.id);
    let allowed = 0;
    for (const u of users) {
      const actor: Actor = { id: u.id, role: u.role, displayName: u.display_name, agencyId: u.agency_id, teamId: u.team_id, ip: 'test' };
      const facts = await loadFacts(t.db, actor, families);
      for (const permission of familyPermissions) {
        const bySql = new Set((await t.db.query<{ family_id: string }>(`SELECT family_id FROM (${familyFilterSql(actor, permission, '$1')}) x`, [u.id])).map((r) => r.family_id));
        const byDecision = new Set(families.filter((f) => decideFamily(facts, permission, f).allowed));
        expect([...bySql].sort(), `${u.display_name} ${permission}`).toEqual([...byDecision].sort());
        allowed += byDecision.size;
      }
    }
    // The demo gives some users access and refuses others: the comparison is not between empty sets.
    expect(allowed).toBeGreaterThan(100);
    expect(users.some((u) => u.role === 'analyst')).toBe(true);
  });

  it('for every demo user and referral, routed to teams and to the front door', async () => {
    const teams = (await t.db.query<{ id: string }>('SELECT id FROM team ORDER BY id')).map((r) => r.id);
    const referrer = (await t.db.query<{ id: string }>("SELECT id FROM app_user WHERE role = 'practitioner' ORDER BY email LIMIT 1"))[0].id;
    const families = (await t.db.query<{ id: string }>('SELECT DISTINCT family_id AS id FROM family_professional ORDER BY family_id LIMIT 40')).map((f) => f.id);
    // Each routing, once not yet joined to a family and once joined to one of several families.
    // Each routing, not yet joined to a family and joined to several, waiting for screening and declined.
    const referrals = [null, ...teams.slice(0, 4)].flatMap((team, i) => [null, ...families.slice(i * 8, i * 8 + 8)].flatMap((familyId) =>
      (['received', 'declined'] as const).map((status) => ({ id: randomUUID(), team, familyId, status }))));
    for (const [i, r] of referrals.entries()) {
      await t.db.query(
        `INSERT INTO referral (id, reference, family_id, subject, referred_by, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, routed_team_id, status)
         VALUES ($1, $2, $3, '{"familyName":"X","addressLine1":"","postcode":"","members":[]}', $4, 'R', 'A', 'C', 'Reasons', 'routine', 'given', $5, $6)`,
        [r.id, `REF-T${i}`, r.familyId, referrer, r.team, r.status]);
    }
    await t.db.query('UPDATE app_user SET front_door_screener = true WHERE id IN (SELECT user_id FROM team_manager ORDER BY user_id LIMIT 2)');
    const users = await t.db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null }>(
      'SELECT id, role, display_name, agency_id, team_id FROM app_user ORDER BY email');
    let allowed = 0;
    for (const u of users) {
      const actor: Actor = { id: u.id, role: u.role, displayName: u.display_name, agencyId: u.agency_id, teamId: u.team_id, ip: 'test' };
      const facts = await loadFacts(t.db, actor, families);
      for (const permission of ['referral.read', 'referral.screen'] as const) {
        const params: unknown[] = [referrals.map((r) => r.id)];
        const where = referralFilterSql(facts, permission, params);
        const bySql = (await t.db.query<{ id: string }>(`SELECT r.id FROM referral r WHERE r.id = ANY($1::uuid[]) AND ${where} ORDER BY r.id`, params)).map((r) => r.id);
        const byDecision = referrals.filter((r) => decideReferral(facts, permission, { referredBy: referrer, routedTeamId: r.team, familyId: r.familyId, status: r.status }).allowed).map((r) => r.id).sort();
        expect(bySql, `${u.display_name} ${permission}`).toEqual(byDecision);
        allowed += byDecision.length;
      }
    }
    expect(allowed).toBeGreaterThan(20);
  });

  it('for every demo user and referral accepted by someone: who sees its case under "Awaiting allocation" on Team work', async () => {
    const users = await t.db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null }>(
      'SELECT id, role, display_name, agency_id, team_id FROM app_user ORDER BY email');
    // Every referral is given a decider in turn: managers of various teams, and people who manage none.
    const referralIds = (await t.db.query<{ id: string }>('SELECT id FROM referral ORDER BY id LIMIT 120')).map((r) => r.id);
    for (const [i, id] of referralIds.entries()) await t.db.query('UPDATE referral SET decided_by = $2 WHERE id = $1', [id, users[i % users.length].id]);
    const deciders = await t.db.query<{ id: string; decided_by: string; team_id: string | null; managed: string[] }>(
      `SELECT r.id, r.decided_by, d.team_id, ARRAY(SELECT tm.team_id::text FROM team_manager tm WHERE tm.user_id = d.id) AS managed
         FROM referral r JOIN app_user d ON d.id = r.decided_by WHERE r.id = ANY($1::uuid[])`, [referralIds]);
    let allowed = 0;
    for (const u of users) {
      const actor: Actor = { id: u.id, role: u.role, displayName: u.display_name, agencyId: u.agency_id, teamId: u.team_id, ip: 'test' };
      const facts = await loadFacts(t.db, actor);
      const bySql = (await t.db.query<{ id: string }>(
        `SELECT r.id FROM referral r WHERE r.id = ANY($2::uuid[]) AND ${awaitingAllocationFilterSql(actor, '$1')} ORDER BY r.id`, [u.id, referralIds])).map((r) => r.id);
      const byDecision = deciders.filter((d) => decideAwaitingAllocation(facts, { decidedBy: d.decided_by, deciderTeamId: d.team_id, deciderManagedTeamIds: d.managed }).allowed)
        .map((d) => d.id).sort();
      expect(bySql, u.display_name).toEqual(byDecision);
      allowed += byDecision.length;
    }
    expect(allowed).toBeGreaterThan(10);
    // Only managers allocate: nobody else is shown a case waiting for allocation.
    expect(users.some((u) => u.role !== 'manager')).toBe(true);
  });
});

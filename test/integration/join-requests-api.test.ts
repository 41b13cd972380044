import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser } from '../support/factories.ts';
import { testApp } from '../support/http.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import { urls } from '../../src/web/urls.ts';
import { testClock } from '../support/clock.ts';

const aReferral = (over: Record<string, unknown> = {}) => ({
  familyName: 'Okoro', addressLine1: '3 Weir Street', postcode: 'NV2 7QP',
  members: [{ givenName: 'Grace', familyName: 'Okoro', role: 'mother', dateOfBirth: '1988-03-14' }],
  referrerName: 'Amina Begum', referrerAgency: 'Testshire Schools', referrerContact: 'dsl@school.example',
  needCodes: ['4B'], reasons: 'Grace told the school she is struggling.', urgency: 'routine', consent: 'given', ...over,
});

/** Join requests through the API: a screener asks, the family's lead accepts or refuses; nobody else may answer. */
describe.each(engines)('join requests over the API on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let app: LanternApp;
  let familyId: string;
  const token: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const api = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token[who]}` } });

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const csc = p.agencies.childrens_social_care;
    const users = {
      lead: await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Lead Worker' }),
      colleague: await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Team Colleague' }),
      frontDoor: await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.otherTeamId, frontDoorScreener: true, name: 'Front Door' }),
      screener: await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.otherTeamId, frontDoorScreener: true, name: 'Second Screener' }),
      school: await makeUser(t.db, { agencyId: p.agencies.police, name: 'Amina Begum' }),
    };
    for (const [name, u] of Object.entries(users)) {
      token[name] = await s.access.createApiToken(u.email, 'test');
      ids[name] = u.id;
    }
    ({ id: familyId } = await s.families.createFamily(users.lead, {
      family: aFamily({ familyName: 'Okoro' }),
      members: [aMember({ givenName: 'Grace', familyName: 'Okoro', role: 'mother', dateOfBirth: '1988-03-14' })],
    }));
    // The colleague is in the team around the family but is not its lead.
    await joinFamily(t.db, familyId, users.colleague.id, 'Family support worker');
    await t.db.query('UPDATE family_professional SET is_lead = (user_id = $2) WHERE family_id = $1', [familyId, users.lead.id]);
    app = await testApp(t.db);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const referAndAsk = async (screener: string) => {
    const referral = await api('POST', '/api/v1/referrals', 'school', aReferral());
    expect(referral.statusCode).toBe(201);
    const referralId = referral.json().id as string;
    const asked = await api('POST', urls.api.referralJoinRequests(referralId), screener, { familyId });
    expect(asked.statusCode).toBe(201);
    return { referralId, joinRequestId: asked.json().id as string };
  };

  it('a join request accepted: the referral joins the family and the screener may open it', async () => {
    const { referralId, joinRequestId } = await referAndAsk('frontDoor');
    expect((await api('GET', `/api/v1/families/${familyId}`, 'frontDoor')).statusCode).toBe(403);

    // Only the lead (or a manager of someone in the team) answers: the screener and a non-lead member are refused.
    const own = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'frontDoor', { decision: 'accept' });
    expect(own.statusCode).toBe(403);
    const nonLead = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'colleague', { decision: 'accept' });
    expect(nonLead.statusCode).toBe(403);
    expect((await api('GET', urls.api.familyJoinRequests(familyId), 'colleague')).statusCode).toBe(403);
    expect((await api('GET', urls.api.familySeenBy(familyId), 'colleague')).statusCode).toBe(403);

    const listed = await api('GET', urls.api.familyJoinRequests(familyId), 'lead');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().joinRequests.map((r: { id: string; status: string }) => [r.id, r.status])).toContainEqual([joinRequestId, 'pending']);

    const accepted = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'lead', { decision: 'accept' });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ status: 'accepted' });
    expect((await api('GET', `/api/v1/families/${familyId}`, 'frontDoor')).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/referrals/${referralId}`, 'frontDoor')).json().referral.family_id).toBe(familyId);

    const again = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'lead', { decision: 'refuse', reason: 'Changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('This request has already been answered');

    const seen = await api('GET', urls.api.familySeenBy(familyId), 'lead');
    expect(seen.statusCode).toBe(200);
    expect(seen.json().seenBy).toContainEqual(expect.objectContaining({ action: 'team-member-added', basis: 'request accepted', user_name: 'Front Door' }));
  });

  it('a join request refused: needs a reason, opens nothing, and each attempt is audited', async () => {
    const { referralId, joinRequestId } = await referAndAsk('screener');
    const noReason = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'lead', { decision: 'refuse' });
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json())).toContain('Enter why you are refusing the request');
    const nonsense = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'lead', { decision: 'maybe' });
    expect(nonsense.statusCode).toBe(400);
    expect(JSON.stringify(nonsense.json())).toContain('Select accept or refuse');

    const refused = await api('POST', urls.api.familyJoinRequest(familyId, joinRequestId), 'lead', { decision: 'refuse', reason: 'Not the same family' });
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toEqual({ status: 'refused' });
    expect((await api('GET', `/api/v1/families/${familyId}`, 'screener')).statusCode).toBe(403);
    expect((await api('GET', `/api/v1/referrals/${referralId}`, 'screener')).json().referral.family_id).toBeNull();

    // The malformed answers were parsed inside the audited work: each left a failed row, the refusal an allowed one.
    const rows = await t.db.query<{ action: string; outcome: string }>(
      'SELECT action, outcome FROM audit_event WHERE user_id = $1 AND record_id = $2 ORDER BY id', [ids.lead, joinRequestId]);
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual([
      'join-request-refused:allowed', 'join-request-refused:failed',
      'join-request-answered:allowed', 'join-request-answered:failed',
      'join-request-refused:allowed',
    ]);
  });

  it('refuses a request for a family the screener was not offered, and audits the attempt', async () => {
    const referral = await api('POST', '/api/v1/referrals', 'school', aReferral({ familyName: 'Zed', members: [{ givenName: 'Ola', familyName: 'Zed', role: 'mother', dateOfBirth: '1990-01-01' }] }));
    const referralId = referral.json().id as string;
    const asked = await api('POST', urls.api.referralJoinRequests(referralId), 'screener', { familyId });
    expect(asked.statusCode).toBe(400);
    expect(JSON.stringify(asked.json())).toContain('Select one of the families already known to Lantern');
    const bad = await api('POST', urls.api.referralJoinRequests(referralId), 'screener', { familyId: 'not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    const audited = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_event WHERE user_id = $1 AND action = 'request-join-to-family' AND record_id = $2", [ids.screener, referralId]);
    expect(audited[0].n).toBe(2);
    // A practitioner is not a screener: the route refuses them.
    expect((await api('POST', urls.api.referralJoinRequests(referralId), 'lead', { familyId })).statusCode).toBe(403);
  });
});

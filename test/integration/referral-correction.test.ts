import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeReceivedReferral } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { ConflictError, ForbiddenError, RuleViolation, ValidationError } from '../../src/domain/errors.ts';
import { testClock } from '../support/clock.ts';
import { urls } from '../../src/web/urls.ts';

const earlyIntervention = '5d0c1e4a-0001-4a00-8000-000000000002';
const badSubject = () => ({
  familyName: 'Brennan', addressLine1: '4 Dock Road', postcode: 'ABC',
  members: [{ givenName: 'Lisa', familyName: 'Brenan', role: 'mother', dateOfBirth: '1990-01-01' }],
});
const corrected = (version: number, over: Record<string, unknown> = {}) => ({
  familyName: 'Brennan', addressLine1: '4 Dock Road', postcode: 'NV2 8QT',
  members: [{ givenName: 'Lisa', familyName: 'Brennan', role: 'mother', dateOfBirth: '1990-01-01' }, { givenName: 'Callum', familyName: 'Brennan', role: 'child', dateOfBirth: '2016-02-28' }],
  referrerName: 'Sam Referrer', referrerAgency: 'Testshire Primary School', referrerContact: '01632 960 001', reasons: 'Worried about the children', version, ...over,
});

/** Issue 15 item 1: a screener corrects a referral's details (page and API), audited, with optimistic locking. */
describe.each(engines)('correcting a referral’s details on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let app: LanternApp;
  let manager: Actor & { email: string };
  let otherManager: Actor & { email: string };
  let teamId: string;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    teamId = p.teamId;
    manager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId, manages: [teamId], name: 'Mo Khan' });
    otherManager = await makeUser(t.db, { role: 'manager', agencyId: p.agencies.childrens_social_care, teamId: p.otherTeamId, manages: [p.otherTeamId] });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    app = await testApp(t.db);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('corrects the people, address, referrer and reasons, audited with what changed before and after, and refuses a stale version', async () => {
    const { id } = await makeReceivedReferral(t.db, { routedTeamId: teamId, subject: badSubject() });
    expect(await s.referrals.correctDetails(manager, id, corrected(1))).toEqual({ id, version: 2 });
    const view = await s.referrals.referral(manager, id);
    expect(view.referral.subject).toEqual({ familyName: 'Brennan', addressLine1: '4 Dock Road', postcode: 'NV2 8QT', members: corrected(1).members });
    expect(view.referral.referrer_contact).toBe('01632 960 001');
    const [audit] = await t.db.query<{ detail: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
      "SELECT detail FROM audit_event WHERE action = 'referral-details-corrected' AND record_id = $1", [id]);
    expect(Object.keys(audit.detail.before).sort()).toEqual(['referrerContact', 'subject']);
    expect(audit.detail.before.referrerContact).toBe('sam@school.example');
    expect(audit.detail.after.referrerContact).toBe('01632 960 001');
    expect((audit.detail.before.subject as { postcode: string }).postcode).toBe('ABC');

    const stale = await s.referrals.correctDetails(manager, id, corrected(1)).catch((e) => e);
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toContain('Someone else changed or screened this referral after you opened it');
  });

  it('reports every problem at once, in GOV.UK wording', async () => {
    const { id } = await makeReceivedReferral(t.db, { routedTeamId: teamId, subject: badSubject() });
    const error = await s.referrals.correctDetails(manager, id, corrected(1, {
      familyName: '', postcode: 'ABC', referrerName: '', reasons: 'x'.repeat(5001),
      members: [{ givenName: '', familyName: 'Brennan', role: 'aunt', dateOfBirth: '2030-01-01' }],
    })).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors).toEqual({
      familyName: 'Enter the family name',
      postcode: 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it',
      'members.0.givenName': 'Enter their first name',
      'members.0.role': 'Select who this person is in the family',
      'members.0.dateOfBirth': 'Date of birth must be today or in the past',
      referrerName: 'Enter the referrer’s name',
      reasons: 'The reasons must be 5,000 characters or fewer',
    });
  });

  it('refuses a date of birth in 2030 or too long to be a date in GOV.UK words, never zod’s (issue 15 item 11)', async () => {
    const error = await s.referrals.refer(manager, {
      familyName: 'Brennan', addressLine1: '4 Dock Road', postcode: 'NV2 8QX', referrerName: 'Sam', referrerAgency: 'School', referrerContact: 'sam@school.example',
      needCodes: ['4B'], reasons: 'Worried', urgency: 'routine', consent: 'given',
      members: [{ givenName: 'Lisa', familyName: 'Brennan', role: 'mother', dateOfBirth: '2030-01-01' }, { givenName: 'Cal', familyName: 'Brennan', role: 'child', dateOfBirth: '20300-01-01-extra-text' }],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors).toMatchObject({ 'members.0.dateOfBirth': 'Date of birth must be today or in the past', 'members.1.dateOfBirth': 'Date of birth must be a real date' });
    expect(JSON.stringify(error.fieldErrors)).not.toMatch(/Too big|expected string/);
  });

  it('lets only a manager the referral is routed to correct it, and not once it is screened', async () => {
    const { id } = await makeReceivedReferral(t.db, { routedTeamId: teamId, subject: badSubject() });
    await expect(s.referrals.correctDetails(otherManager, id, corrected(1))).rejects.toThrow(ForbiddenError);
    const denied = await t.db.query<{ outcome: string }>("SELECT outcome FROM audit_event WHERE user_id = $1 AND record_id = $2", [otherManager.id, id]);
    expect(denied).toEqual([{ outcome: 'denied' }]);
    await s.referrals.correctDetails(manager, id, corrected(1));
    await s.referrals.screen(manager, id, { decision: 'accepted', reason: 'Meets the threshold', programmeId: earlyIntervention, familyChoice: 'new', version: 2 });
    await expect(s.referrals.correctDetails(manager, id, corrected(3))).rejects.toThrow(RuleViolation);
  });

  it('links a screening error about a field the screening page lacks to that field on the correction page', async () => {
    // A person with no last name or date of birth cannot be put on a family record: the screening page has no such fields.
    const { id } = await makeReceivedReferral(t.db, { routedTeamId: teamId, subject: { ...badSubject(), postcode: 'NV2 8QT', members: [{ givenName: 'Lisa', familyName: '', role: 'mother', dateOfBirth: null }] } });
    const client = new PageClient(app);
    await client.signIn(manager.email, testPassword);
    await client.get(urls.referral(id));
    const posted = await client.post(urls.screenReferral(id), { decision: 'accepted', reason: 'Meets the threshold', programmeId: earlyIntervention, familyChoice: 'new', version: '1', addressLine1: '', postcode: 'ABC' });
    expect(posted.statusCode).toBe(303);
    const page = await client.get(urls.referral(id));
    const links = [...page.body.matchAll(/<li>\s*<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1].replace(/&#x2F;|&#47;/g, '/'), text: m[2].trim() }));
    expect(links).toEqual([
      { href: '#postcode', text: 'Enter a full UK postcode, like NV1 4AB' },
      { href: `${urls.referralDetails(id)}#member1-familyName`, text: 'Person 1: enter their last name – correct the referral’s details' },
      // A family record needs each person's date of birth, which the referrer may not have known.
      { href: `${urls.referralDetails(id)}#member1-dateOfBirth-day`, text: 'Person 1: enter their date of birth – correct the referral’s details' },
    ]);
    expect(page.body).toContain(`href="${urls.referralDetails(id)}"`);
  });

  it('corrects over HTTP: the page replays every error with what was typed, and saves; the API takes the same body', async () => {
    const { id } = await makeReceivedReferral(t.db, { routedTeamId: teamId, subject: badSubject() });
    const client = new PageClient(app);
    await client.signIn(manager.email, testPassword);
    const form = await client.get(urls.referralDetails(id));
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<title>Correct the referral’s details');
    expect(form.body).toContain('value="ABC"');
    const fields = {
      version: '1', familyName: 'Brennan', addressLine1: '4 Dock Road', postcode: 'NV2 8QX', reasons: 'Worried', referrerName: 'Sam Referrer', referrerAgency: 'School', referrerContact: 'sam@school.example',
      'member1-givenName': 'Lisa', 'member1-familyName': 'Brennan', 'member1-role': 'mother', 'member1-dateOfBirth-day': '1', 'member1-dateOfBirth-month': '1', 'member1-dateOfBirth-year': '1990',
      'member2-givenName': 'Callum', 'member2-familyName': 'Brennan', 'member2-role': 'child', 'member2-dateOfBirth-day': '31', 'member2-dateOfBirth-month': '2', 'member2-dateOfBirth-year': '2016',
    };
    await client.post(urls.referralDetails(id), { ...fields, postcode: 'NV2', referrerName: '' });
    const errors = await client.get(urls.referralDetails(id));
    expect(errors.body).toContain('<title>Error: Correct the referral’s details');
    const summary = [...errors.body.matchAll(/<li>\s*<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2].trim()]);
    expect(summary).toEqual([
      ['postcode', 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it'],
      ['member2-dateOfBirth-day', 'Person 2: date of birth must be a real date'],
      ['referrerName', 'Enter the referrer’s name'],
    ]);
    expect(errors.body).toContain('value="NV2"');
    const saved = await client.post(urls.referralDetails(id), { ...fields, 'member2-dateOfBirth-day': '28' });
    expect(saved.headers.location).toBe(`${urls.referral(id)}?saved=corrected`);
    expect((await s.referrals.referral(manager, id)).referral.subject.postcode).toBe('NV2 8QX');

    const token = await s.access.createApiToken(manager.email, 'test');
    const put = (body: unknown) => app.inject({ method: 'PUT', url: `/api/v1/referrals/${id}/details`, payload: body as object, headers: { authorization: `Bearer ${token}` } });
    const bad = await put(corrected(2, { postcode: 'ABC', members: [] }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual({ postcode: 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it', members: 'Name at least one family member' });
    expect((await put(corrected(2))).json()).toEqual({ id, version: 3 });
    expect((await put(corrected(2))).statusCode).toBe(409);
  });
});

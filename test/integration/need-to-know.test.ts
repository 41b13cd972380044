import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { LanternApp } from '../../src/app.ts';
import { services, type Services } from '../../src/services.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { testClock, TEST_TODAY } from '../support/clock.ts';
import { makeCase } from '../support/casework-factories.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { hashPassword } from '../../src/modules/access/service.ts';
import { defaultSharingRules, needCategory } from '../../src/domain/access/categories.ts';

/** Need to know end to end: categories, sharing rules, consent and withdrawal, and who may write what. */
describe.each(engines)('need to know on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;
  let keyWorker: Actor & { email: string };
  let police: Actor & { email: string };
  let school: Actor & { email: string };
  let health: Actor & { email: string };
  let admin: Actor & { email: string };
  const tokens: Record<string, string> = {};
  let familyId: string;
  let motherId: string;
  let childId: string;
  let agencies: Record<string, string>;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const partnership = await makePartnership(t.db);
    agencies = { ...partnership.agencies };
    for (const [kind, name] of [['education', 'Testshire Schools'], ['health', 'Testshire Health Visiting']]) {
      agencies[kind] = randomUUID();
      await t.db.query('INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, $3, $4)', [agencies[kind], partnership.partnershipId, name, kind]);
    }
    keyWorker = await makeUser(t.db, { agencyId: agencies.childrens_social_care, teamId: partnership.teamId, email: 'kw@ntk.example' });
    police = await makeUser(t.db, { agencyId: agencies.police, email: 'pc@ntk.example' });
    school = await makeUser(t.db, { agencyId: agencies.education, email: 'dsl@ntk.example' });
    health = await makeUser(t.db, { agencyId: agencies.health, email: 'hv@ntk.example' });
    admin = await makeUser(t.db, { role: 'administrator', agencyId: agencies.childrens_social_care, email: 'admin@ntk.example' });
    app = await testApp(t.db);
    s = services(t.db, { sessionHours: 8, clock: testClock() });
    for (const u of [keyWorker, police, school, health, admin]) tokens[u.email] = await s.access.createApiToken(u.email, 'test');
    familyId = (await s.families.createFamily(keyWorker, {
      family: aFamily({ districtId: partnership.districtId }),
      members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2016-08-09' })],
    })).id;
    const view = await s.families.family(keyWorker, familyId);
    motherId = view.members.find((m) => m.role === 'mother')!.id;
    childId = view.members.find((m) => m.role === 'child')!.id;
    for (const u of [police, school, health]) await joinFamily(t.db, familyId, u.id, 'Partner');
    // Health records the mother's mental health (special category); children's social care records domestic abuse; police, offending.
    await s.families.addNeed(health, familyId, motherId, { code: '4B', sourceAgencyId: agencies.health, identifiedOn: '2026-10-01', notes: 'Detained under s2 Mental Health Act' });
    await s.families.addNeed(keyWorker, familyId, motherId, { code: '3B', sourceAgencyId: agencies.childrens_social_care, identifiedOn: '2026-10-02' });
    await s.families.addNeed(police, familyId, motherId, { needType: 'offending', sourceAgencyId: agencies.police, identifiedOn: '2026-10-03' });
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const api = (who: { email: string }, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${tokens[who.email]}` } });
  const needLabels = async (who: { email: string }) => {
    const body = (await api(who, 'GET', `/api/v1/families/${familyId}`)).json();
    return body.members.flatMap((m: { needs: { label: string }[] }) => m.needs.map((n) => n.label)).sort();
  };

  it('without consent, each agency sees only what it recorded, and is told what is withheld', async () => {
    expect(await needLabels(health)).toEqual(['Mental health (parent or carer)']);
    expect(await needLabels(police)).toEqual(['Offending']);
    expect(await needLabels(school)).toEqual([]);
    const body = (await api(school, 'GET', `/api/v1/families/${familyId}`)).json();
    expect(body.members.map((m: { givenName: string }) => m.givenName).sort()).toEqual(['Kerry', 'Tyler']);
    expect(body.withheld.notices).toEqual([
      "1 item recorded by children's social care is not shared with schools",
      '1 item recorded by health services is not shared with schools',
      '1 item recorded by the police is not shared with schools',
    ]);
    const page = new PageClient(app);
    await page.signIn(school.email, testPassword);
    const html = (await page.get(`/families/${familyId}`)).body;
    expect(html).toContain('Information not shared with you');
    expect(html).toContain('1 item recorded by health services is not shared with schools');
    expect(html).not.toContain('Detained under s2');
  });

  it('a consent in force shares what the rule allows; a withdrawal hides it on the next request', async () => {
    const missing = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents`, { basis: 'consent', agencyKinds: [], categories: ['health'], givenOn: TEST_TODAY });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields).toEqual({ personId: 'Select the adult who agreed', agencyKinds: 'Select at least one kind of agency' });
    const created = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents`, {
      basis: 'consent', personId: motherId, agencyKinds: ['childrens_social_care', 'police', 'education', 'health'],
      categories: ['mental_health', 'domestic_abuse', 'offending', 'education'], givenOn: '2026-11-01',
    });
    expect(created.statusCode).toBe(201);
    // Police: domestic abuse and offending, never mental health (its rule); the school: still no needs (its rule).
    expect(await needLabels(police)).toEqual(['Domestic violence (parent or carer)', 'Offending']);
    expect(await needLabels(school)).toEqual([]);
    expect(await needLabels(keyWorker)).toEqual(['Domestic violence (parent or carer)', 'Mental health (parent or carer)', 'Offending']);

    // Withdrawn from the page: the very next request no longer shows it.
    const page = new PageClient(app);
    await page.signIn(keyWorker.email, testPassword);
    const consents = await page.get(`/families/${familyId}/consents`);
    expect(consents.body).toContain('Kerry Walsh agreed, 1 November 2026');
    const version = /name="version" value="(\d+)"/.exec(consents.body)![1];
    const withdrawn = await page.post(`/families/${familyId}/consents/${created.json().id}/withdraw`, { version, reason: 'Mother withdrew at the review' });
    expect(withdrawn.statusCode).toBe(303);
    expect(await needLabels(police)).toEqual(['Offending']);
    expect(await needLabels(keyWorker)).toEqual(['Domestic violence (parent or carer)']);
    expect((await page.get(`/families/${familyId}/consents`)).body).toContain('Withdrawn');
    const again = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents/${created.json().id}/withdraw`, { version: Number(version) + 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe('This consent has already been withdrawn.');
  });

  it('a Schedule 1 decision needs its reason, and covers what it names', async () => {
    const noReason = await api(police, 'POST', `/api/v1/families/${familyId}/consents`, { basis: 'schedule1', agencyKinds: ['police'], categories: ['domestic_abuse'], givenOn: TEST_TODAY });
    expect(noReason.json().fields).toEqual({ reason: 'Say why sharing without consent is necessary to protect the children' });
    const made = await api(police, 'POST', `/api/v1/families/${familyId}/consents`, {
      basis: 'schedule1', agencyKinds: ['police'], categories: ['domestic_abuse'], givenOn: TEST_TODAY, reason: 'Risk of serious harm to Tyler; asking would increase it',
    });
    expect(made.statusCode).toBe(201);
    expect(await needLabels(police)).toEqual(['Domestic violence (parent or carer)', 'Offending']);
    const listed = (await api(keyWorker, 'GET', `/api/v1/families/${familyId}/consents`)).json().consents;
    expect(listed[0]).toMatchObject({ basis: 'schedule1', decidedBy: police.displayName, reason: 'Risk of serious harm to Tyler; asking would increase it', inForce: true });
  });

  it('the consent form shows every problem in the GOV.UK error summary and keeps the answers', async () => {
    const page = new PageClient(app);
    await page.signIn(keyWorker.email, testPassword);
    await page.get(`/families/${familyId}/consents`);
    const posted = await page.post(`/families/${familyId}/consents`, { basis: 'schedule1', agencyKinds: 'police', 'givenOn-day': '31', 'givenOn-month': '2', 'givenOn-year': '2026' });
    expect(posted.statusCode).toBe(303);
    const html = (await page.get(`/families/${familyId}/consents`)).body;
    expect(html).toContain('<title>Error: ');
    expect(html).toContain('There is a problem');
    expect(html).toContain('The date must be a real date');
    expect(html).toContain('Select at least one kind of information');
    expect(html).toContain('Say why sharing without consent is necessary to protect the children');
  });

  it('the consent form reports a future date and a child chosen as the adult with the other problems, and saves nothing while the date is wrong (issue 15)', async () => {
    const page = new PageClient(app);
    await page.signIn(keyWorker.email, testPassword);
    await page.get(`/families/${familyId}/consents`);
    const before = (await api(keyWorker, 'GET', `/api/v1/families/${familyId}/consents`)).json().consents.length;
    await page.post(`/families/${familyId}/consents`, { basis: 'consent', agencyKinds: 'police', 'givenOn-day': '26', 'givenOn-month': '11', 'givenOn-year': '2026' });
    const html = (await page.get(`/families/${familyId}/consents`)).body;
    expect(html).toContain('<title>Error: ');
    for (const message of ['The date must be today or in the past', 'Select at least one kind of information', 'Select the adult who agreed']) expect(html).toContain(message);
    expect(html).toMatch(/name="givenOn-day"[^>]*value="26"|value="26"[^>]*name="givenOn-day"/);

    // Everything else right and the date wrong: nothing is recorded.
    await page.post(`/families/${familyId}/consents`, { basis: 'consent', personId: motherId, agencyKinds: 'police', categories: 'health', 'givenOn-day': '31', 'givenOn-month': '2', 'givenOn-year': '2026' });
    expect((await page.get(`/families/${familyId}/consents`)).body).toContain('The date must be a real date');
    expect((await api(keyWorker, 'GET', `/api/v1/families/${familyId}/consents`)).json().consents).toHaveLength(before);

    const child = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents`, { basis: 'consent', personId: childId, agencyKinds: ['police'], categories: [], givenOn: '2026-11-26' });
    expect(child.statusCode).toBe(400);
    expect(child.json().fields).toEqual({ personId: 'Select an adult in this family', categories: 'Select at least one kind of information', givenOn: 'The date must be today or in the past' });
  });

  it('records a legal status only from children’s social care (page and API)', async () => {
    for (const who of [police, school]) {
      const refused = await api(who, 'POST', `/api/v1/families/${familyId}/members/${childId}/legal-statuses`, { status: 'child_protection_plan', startDate: '2026-11-01' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().message).toBe("Only children's social care can record a legal status (Child in Need, Child Protection Plan or Looked After). Ask the child's social worker to record it.");
      const page = new PageClient(app);
      await page.signIn(who.email, testPassword);
      const form = await page.get(`/families/${familyId}/members/${childId}/legal-status/new`);
      expect(form.statusCode).toBe(403);
      expect(form.body).toContain('Only children&#39;s social care can record a legal status');
      expect((await page.get(`/families/${familyId}`)).body).not.toContain('Record legal status');
    }
    const recorded = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/members/${childId}/legal-statuses`, { status: 'child_in_need', startDate: '2026-11-01' });
    expect(recorded.statusCode).toBe(201);
    const statuses = await t.db.query<{ status: string }>('SELECT status FROM legal_status WHERE person_id = $1', [childId]);
    expect(statuses.map((r) => r.status)).toEqual(['child_in_need']);
  });

  it('refuses a need in a category the writer’s agency may not see', async () => {
    const refused = await api(school, 'POST', `/api/v1/families/${familyId}/members/${motherId}/needs`, { code: '4B', sourceAgencyId: agencies.education, identifiedOn: '2026-11-01' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe("Schools may not record mental health needs under the partnership's sharing rules. Ask the family's key worker to record it.");
  });

  it('keeps case notes and letters to the agencies that may see them, with the reason', async () => {
    const { caseId } = await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: keyWorker.id });
    const note = await s.contacts.recordContact(keyWorker, caseId, {
      type: 'home_visit', date: '2026-11-23', startTime: '10:00', endTime: '11:00', location: 'Family home', presentPersonIds: [motherId], othersPresent: '',
      notes: 'Kerry talked about her medication.', didTogether: 'Made a plan for school mornings.', progress: 'Better mornings.', nextSteps: 'Visit Friday.',
    });
    expect((await s.contacts.contacts(keyWorker, caseId)).contacts).toHaveLength(1);
    const seen = await s.contacts.contacts(school, caseId);
    expect(seen.contacts).toEqual([]);
    expect(seen.withheld.notices).toEqual(["1 item recorded by children's social care is not shared with schools"]);
    await expect(s.contacts.contact(school, caseId, note.id)).rejects.toThrow("This case note was recorded by children's social care and is not shared with schools");
    const chronology = await s.contacts.chronology(school, familyId);
    expect(chronology.events.some((e) => e.type === 'contact')).toBe(false);
    expect(chronology.withheld.total).toBeGreaterThan(0);
  });

  it('administrators change the rules (API and page), audited, with optimistic locking', async () => {
    expect((await api(police, 'GET', '/api/v1/sharing-rules')).statusCode).toBe(403);
    const current = (await api(admin, 'GET', '/api/v1/sharing-rules')).json();
    expect(current.version).toBe(0);
    expect(current.rules.education).toEqual(['membership', 'safeguarding', 'education']);
    const noMembers = await api(admin, 'PUT', '/api/v1/sharing-rules', { version: 0, rules: { ...current.rules, police: ['offending'] } });
    expect(noMembers.statusCode).toBe(400);
    expect(noMembers.json().fields).toEqual({ police: 'Police must see who is in the family and how to reach them: everyone in the team around the family needs to know who is in it' });
    // Every problem at once: the version and each kind of agency that would not see who is in the family.
    const several = await api(admin, 'PUT', '/api/v1/sharing-rules', { version: 'x', rules: { ...current.rules, police: ['offending'], education: [] } });
    expect(several.json().fields).toEqual({
      version: expect.any(String),
      police: 'Police must see who is in the family and how to reach them: everyone in the team around the family needs to know who is in it',
      education: expect.stringMatching(/ must see who is in the family and how to reach them/),
    });
    const saved = await api(admin, 'PUT', '/api/v1/sharing-rules', { version: 0, rules: { ...current.rules, education: [...current.rules.education, 'domestic_abuse'] } });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().version).toBe(1);
    const stale = await api(admin, 'PUT', '/api/v1/sharing-rules', { version: 0, rules: current.rules });
    expect(stale.statusCode).toBe(409);
    // The rule now allows schools domestic abuse, but no consent in force covers schools (it was withdrawn): still nothing.
    expect(await needLabels(school)).toEqual([]);
    const audit = await t.db.query<{ detail: { before: Record<string, string[]>; after: Record<string, string[]> } }>("SELECT detail FROM audit_event WHERE action = 'set-sharing-rules'");
    expect(audit).toHaveLength(1);
    expect(audit[0].detail.before.education).not.toContain('domestic_abuse');
    expect(audit[0].detail.after.education).toContain('domestic_abuse');

    const page = new PageClient(app);
    await page.signIn(admin.email, testPassword);
    const form = await page.get('/admin/sharing-rules');
    expect(form.body).toContain('Police may see');
    const posted = await page.post('/admin/sharing-rules', { version: '1', police: ['offending'], education: ['membership'] });
    expect(posted.headers.location).toBe('/admin/sharing-rules');
    const again = (await page.get('/admin/sharing-rules')).body;
    expect(again).toContain('There is a problem');
    expect(again).toContain('Police must see who is in the family and how to reach them');
  });
  it('assessments, plans, the contract and the safety plan: withheld with the notice, refused whole with the reason, and writes refused (pages and API)', async () => {
    const { caseId } = await makeCase(t.db, { familyId, state: 'allocated', keyWorkerId: keyWorker.id });
    await s.plans.startAssessment(keyWorker, caseId);
    await s.plans.saveMemberAssessment(keyWorker, caseId, motherId, { strengths: 'ZqStrengthsx', needs: 'Help with mornings', risks: 'None known', factorCodes: [], version: 0 });
    await s.plans.saveContract(keyWorker, caseId, { familyCommitments: 'ZqContractx', keyWorkerCommitments: 'Visit weekly', consequences: 'We talk', version: 0 });
    await s.plans.saveSafetyPlan(keyWorker, caseId, {
      risks: 'ZqSafetyx', keepingSafe: 'Nan stays over', whoDoesWhat: 'Nan collects Tyler', contacts: [{ name: 'Emergency duty team', phone: '01632 960 999', when: 'out_of_hours' }], version: 0,
    });
    // A draft plan the key worker started: one goal, an action of theirs and one the school owns.
    const planId = randomUUID();
    const goalId = randomUUID();
    await t.db.query(`INSERT INTO family_plan (id, case_id, number, status, created_by) VALUES ($1, $2, 1, 'draft', $3)`, [planId, caseId, keyWorker.id]);
    await t.db.query(`INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area) VALUES ($1, $2, $3, 1, 'Tyler gets to school on time', 'education')`, [goalId, planId, randomUUID()]);
    for (const [position, description, owner] of [[1, 'ZqKeyWorkerActionx', keyWorker], [2, 'ZqSchoolActionx', school]] as const) {
      await t.db.query(
        `INSERT INTO plan_action (id, plan_id, goal_id, lineage_id, position, description, owner_type, owner_user_id, owner_name, due_on, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'practitioner', $7, 'Someone', '2026-12-20', 'not_started')`, [randomUUID(), planId, goalId, randomUUID(), position, description, owner.id]);
    }

    // The school: its own action with its goal, the key worker's withheld and said so, on the page and the API.
    const dsl = new PageClient(app);
    await dsl.signIn(school.email, testPassword);
    const planPage = await dsl.get(`/cases/${caseId}/plan`);
    expect(planPage.statusCode).toBe(200);
    expect(planPage.body).toContain('ZqSchoolActionx');
    expect(planPage.body).toContain('Tyler gets to school on time');
    expect(planPage.body).not.toContain('ZqKeyWorkerActionx');
    expect(planPage.body).toContain('1 item recorded by children&#39;s social care is not shared with schools');
    const planApi = (await api(school, 'GET', `/api/v1/cases/${caseId}/plan`)).json();
    expect(planApi.withheld.notices).toEqual(["1 item recorded by children's social care is not shared with schools"]);
    expect((await api(keyWorker, 'GET', `/api/v1/cases/${caseId}/plan`)).json().withheld.total).toBe(0);
    // The contract and the safety plan are refused whole with the reason, their printouts too; so is a write.
    const contract = await api(school, 'GET', `/api/v1/cases/${caseId}/contract`);
    expect(contract.statusCode).toBe(403);
    expect(contract.json().message).toBe("This family contract was recorded by children's social care and is not shared with schools");
    for (const url of [`/cases/${caseId}/contract`, `/cases/${caseId}/contract/print`, `/cases/${caseId}/safety-plan`, `/cases/${caseId}/safety-plan/print`]) {
      const page = await dsl.get(url);
      expect({ url, status: page.statusCode, reason: /is not shared with schools/.test(page.body), leaked: /ZqContractx|ZqSafetyx/.test(page.body) }).toEqual({ url, status: 403, reason: true, leaked: false });
    }
    const write = await api(school, 'PUT', `/api/v1/cases/${caseId}/contract`, { familyCommitments: 'x', keyWorkerCommitments: 'y', consequences: 'z', version: 1 });
    expect(write.statusCode).toBe(403);
    expect(write.json().message).toBe("Schools may not record plans and plan actions under the partnership's sharing rules. Ask the family's key worker to record it.");

    // Health's rule allows assessments, but no consent in force covers them: withheld, and its write over the key worker's part refused.
    const hv = new PageClient(app);
    await hv.signIn(health.email, testPassword);
    const memberPage = await hv.get(`/cases/${caseId}/assessment/members/${motherId}`);
    expect(memberPage.statusCode).toBe(200);
    expect(memberPage.body).not.toContain('ZqStrengthsx');
    expect(memberPage.body).toContain('is not shared with health services');
    const overwrite = await api(health, 'PUT', `/api/v1/cases/${caseId}/assessment/members/${motherId}`, { strengths: 'x', needs: 'y', risks: 'z', factorCodes: [], version: 1 });
    expect(overwrite.statusCode).toBe(403);
    expect(overwrite.json().message).toBe("This part of the assessment was recorded by children's social care and is not shared with health services, so you cannot change it");
    // A consent covering assessments shows it on the next request; its withdrawal hides it again on the next.
    const consent = await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents`, { basis: 'consent', personId: motherId, agencyKinds: ['health'], categories: ['assessments'], givenOn: TEST_TODAY });
    expect(consent.statusCode).toBe(201);
    expect(JSON.stringify((await api(health, 'GET', `/api/v1/cases/${caseId}/assessment`)).json())).toContain('ZqStrengthsx');
    const listed = (await api(keyWorker, 'GET', `/api/v1/families/${familyId}/consents`)).json().consents.find((c: { id: string }) => c.id === consent.json().id);
    expect((await api(keyWorker, 'POST', `/api/v1/families/${familyId}/consents/${consent.json().id}/withdraw`, { version: listed.version })).statusCode).toBe(200);
    const after = (await api(health, 'GET', `/api/v1/cases/${caseId}/assessment`)).json();
    expect(JSON.stringify(after)).not.toContain('ZqStrengthsx');
    // The mother's part, and the needs already known beside it that no consent covers (domestic abuse, offending).
    expect(after.withheld.notices).toEqual([
      "2 items recorded by children's social care are not shared with health services", '1 item recorded by the police is not shared with health services',
    ]);
  });

  it('the screening page leaves out the level’s reasons when some of the family’s needs are not shared with the viewer, and says so', async () => {
    // The school refers the family again: its referral is joined to the family, whose needs the school may not see.
    const referralId = randomUUID();
    await t.db.query(
      `INSERT INTO referral (id, reference, family_id, subject, referrer_name, referrer_agency, referrer_contact, reasons, urgency, consent, status, received_at, referred_by, need_codes)
       VALUES ($1, 'REF-NTK1', $2, '{"familyName":"Walsh","addressLine1":"","postcode":"","members":[]}'::jsonb, 'Sam', 'Testshire Schools', 'sam@school.example', 'Tyler is often late', 'routine', 'given', 'received', $3, $4, '{}')`,
      [referralId, familyId, testClock().now(), school.id]);
    const seen = (await api(school, 'GET', `/api/v1/referrals/${referralId}`)).json();
    expect(seen.levelOfNeed.reason).toBe('Worked out from the referral and every current need on the family’s record. Some of those needs are not shared with you, so the reasons are not shown here.');
    expect(JSON.stringify(seen)).not.toMatch(/Mental health|Domestic abuse/);
    expect(seen.withheld.total).toBe(3);
    const page = new PageClient(app);
    await page.signIn(school.email, testPassword);
    const html = (await page.get(`/referrals/${referralId}`)).body;
    expect(html).toContain('not shared with schools');
    expect(html).not.toMatch(/Mental health|Domestic abuse/);
  });
});

/** "Done when": signed in as the demo's police officer and school safeguarding lead, each sees only their remit and is told what is withheld. */
describe.each(engines)('need to know on the demo (%s)', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  let s: Services;

  beforeAll(async () => {
    t = await testDatabase(engine);
    await seedDemo(t.owner, { families: 40, seed: 7, today: TEST_TODAY, passwordHash: await hashPassword(testPassword) });
    app = await testApp(t.db);
    s = services(t.db, { sessionHours: 8, clock: testClock() });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  for (const [email, kind, words] of [
    ['pc.tom.gallagher@northvale.example', 'police', 'not shared with the police'],
    ['dsl.amina.begum@northvale.example', 'education', 'not shared with schools'],
  ] as const) {
    it(`${email}: every need shown is in the ${kind} rule or recorded by their agency; the pages say what is withheld`, async () => {
      const [user] = await t.db.query<{ id: string; role: Actor['role']; display_name: string; agency_id: string; team_id: string | null; agency_name: string }>(
        'SELECT u.id, u.role, u.display_name, u.agency_id, u.team_id, a.name AS agency_name FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.email = $1', [email]);
      const actor: Actor = { id: user.id, role: user.role, displayName: user.display_name, agencyId: user.agency_id, teamId: user.team_id, ip: 'test' };
      const mine = await s.families.myFamilies(actor);
      expect(mine.length).toBeGreaterThanOrEqual(3);
      const page = new PageClient(app);
      await page.signIn(email, testPassword);
      let withheld = 0;
      for (const f of mine) {
        const view = await s.families.family(actor, f.id);
        for (const n of view.members.flatMap((m) => m.needs)) {
          const category = needCategory(n.needType, n.code);
          expect(defaultSharingRules[kind].includes(category) || n.source === user.agency_name, `${f.reference}: ${n.label}`).toBe(true);
        }
        if (view.withheld.total) {
          withheld += 1;
          const html = (await page.get(`/families/${f.id}`)).body;
          expect(html).toContain('Information not shared with you');
          expect(html).toContain(words);
        }
      }
      // The demo's families have needs outside each remit: something is withheld and said so.
      expect(withheld).toBeGreaterThan(0);
    });
  }
});

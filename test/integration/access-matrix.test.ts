/**
 * The access matrix, generated from the app's route table: every route, asked by every role, about
 * a family in each relationship to them (their own, another team's, one nobody works with). One
 * request each, in parallel. Each answer's readable text (pages, JSON, CSV, the words of PDFs and
 * DOCX) is searched for the marker planted in each family's names: a family the caller may not read
 * must never appear, whatever the status. The data-category dimension (need to know): the own
 * family carries a marker per data category (needs of each kind, an education event, a case note,
 * a member's assessment, a plan action with the family contract and safety plan, a letter), in an
 * item children's social care recorded, with the family's consent to share everything; no answer
 * (page, JSON, PDF, DOCX or CSV) to a partner agency may show a category its agency kind's sharing
 * rule leaves out, and none to the data protection officer outside their own routes.
 */
import { randomUUID } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClock } from '../support/clock.ts';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, joinFamily, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { makeCase, makeContact } from '../support/casework-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import { docxText, pdfText, readableText } from '../support/extract-text.ts';
import type { LanternApp } from '../../src/app.ts';
import { services as buildServices } from '../../src/services.ts';
import type { AgencyKind, UserRole } from '../../src/domain/codes.ts';
import { agencyKinds } from '../../src/domain/codes.ts';
import { dataCategories, defaultSharingRules, type DataCategory } from '../../src/domain/access/categories.ts';

/** Each matrix role's agency kind, for the data-category dimension (analysts, administrators, the data protection officer and anonymous callers see no family record). */
const roleKinds: Partial<Record<MatrixRole, AgencyKind>> = {
  'key worker': 'childrens_social_care', manager: 'childrens_social_care', 'adult specialist': 'drug_alcohol_service', police: 'police', school: 'education', health: 'health',
};

const roles = ['key worker', 'manager', 'adult specialist', 'police', 'school', 'health', 'analyst', 'administrator', 'dpo', 'anonymous'] as const;
type MatrixRole = (typeof roles)[number];
const relationships = ['own family', 'another team’s family', 'no relationship'] as const;
type Relationship = (typeof relationships)[number];

/** Parameters that name a family's record: a refusal must be a 403 or a 404 for these. */
const familyParams = new Set(['familyId', 'caseId', 'personId', 'memberId', 'referralId', 'contactId', 'letterId', 'goalId', 'actionId', 'planId']);
// Signing out would end the session the rest of that role's requests use; it shows no family.
const skipped = new Set(['/sign-out']);

interface Target { familyId: string; personId: string; caseId: string; referralId: string; contactId: string; letterId: string; planId: string; goalId: string; actionId: string; marker: string }

function markerFor(name: string) {
  // Letters only, so every extractor (PDF hex strings, XML, CSV quoting) keeps it whole.
  return `Zq${name}${randomUUID().replace(/[^a-f]/g, '').slice(0, 8)}x`;
}

async function plantFamily(t: TestDatabase, s: ReturnType<typeof buildServices>, creator: { id: string; role: UserRole; displayName: string; agencyId: string; teamId: string | null; ip: string }, tag: string): Promise<Target> {
  const marker = markerFor(tag);
  const { id: familyId } = await s.families.createFamily(creator, {
    family: aFamily({ familyName: marker }), members: [aMember({ givenName: marker, familyName: marker })],
  });
  const [{ id: personId }] = await t.db.query<{ id: string }>('SELECT id FROM person WHERE family_id = $1', [familyId]);
  const { caseId, referralId } = await makeCase(t.db, { familyId, keyWorkerId: creator.id });
  await t.db.query(`UPDATE referral SET subject = $2, reasons = $3 WHERE id = $1`, [referralId, JSON.stringify({ familyName: marker, addressLine1: '', postcode: '', members: [] }), `Worried about ${marker}`]);
  // A contact, a letter and a draft plan with a goal and an action, each carrying the marker, so their routes are tried with real ids.
  const { contactId } = await makeContact(t.db, { caseId, recordedBy: creator.id, date: '2026-11-20', startTime: '10:00', endTime: '11:00', notes: `Visited ${marker}` });
  const letterId = randomUUID();
  await t.db.query(
    `INSERT INTO letter (id, case_id, contact_id, recipient, recipient_name, letter_date, subject, salutation, did_together, progress, next_steps, who_to_contact, signed_by_name, created_by)
     VALUES ($1, $2, $3, 'family', $4, '2026-11-20', 'Your progress', $5, $6, 'Good progress', 'Keep going', 'Your key worker', 'Key Worker', $7)`,
    [letterId, caseId, contactId, marker, `Dear ${marker}`, `We met ${marker}`, creator.id]);
  const planId = randomUUID();
  const goalId = randomUUID();
  const actionId = randomUUID();
  await t.db.query(`INSERT INTO family_plan (id, case_id, number, status) VALUES ($1, $2, 1, 'draft')`, [planId, caseId]);
  await t.db.query(`INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area) VALUES ($1, $2, $3, 1, $4, 'education')`, [goalId, planId, randomUUID(), `${marker} gets to school`]);
  await t.db.query(
    `INSERT INTO plan_action (id, plan_id, goal_id, lineage_id, position, description, owner_type, owner_user_id, owner_name, due_on, status)
     VALUES ($1, $2, $3, $4, 1, $5, 'practitioner', $6, 'Key Worker', '2026-12-20', 'not_started')`,
    [actionId, planId, goalId, randomUUID(), `Walk ${marker} to school`, creator.id]);
  return { familyId, personId, caseId, referralId, contactId, letterId, planId, goalId, actionId, marker };
}

describe.each(engines)('the access matrix on %s', (engine) => {
  let t: TestDatabase;
  let app: LanternApp;
  const targets = {} as Record<Relationship, Target>;
  const clients = {} as Record<Exclude<MatrixRole, 'anonymous'>, { page: PageClient; token: string }>;
  let anonymous: PageClient;
  const emails = {} as Record<string, string>;
  /** A marker per data category, planted in the own family. */
  const categoryMarkers = {} as Partial<Record<DataCategory, string>>;
  const forbiddenFor = (role: MatrixRole) => {
    // The data protection officer reads no family record outside data protection: every category is forbidden to them there.
    if (role === 'dpo') return (Object.entries(categoryMarkers) as [DataCategory, string][]).map(([c, m]) => ({ category: c, marker: m }));
    const kind = roleKinds[role];
    if (!kind) return [];
    return (Object.entries(categoryMarkers) as [DataCategory, string][]).filter(([c]) => !defaultSharingRules[kind].includes(c)).map(([c, m]) => ({ category: c, marker: m }));
  };

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    const s = buildServices(t.db, { sessionHours: 8, clock: testClock() });
    const agency = async (kind: AgencyKind, name: string) => {
      const id = randomUUID();
      await t.db.query('INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, $3, $4)', [id, p.partnershipId, name, kind]);
      return id;
    };
    const school = await agency('education', 'Testshire Primary School');
    const health = await agency('health', 'Testshire Health Visiting');
    const csc = p.agencies.childrens_social_care;
    const users = {
      'key worker': await makeUser(t.db, { agencyId: csc, teamId: p.teamId, name: 'Key Worker' }),
      manager: await makeUser(t.db, { role: 'manager', agencyId: csc, teamId: p.teamId, manages: [p.teamId], frontDoorScreener: true, name: 'Team Manager' }),
      'adult specialist': await makeUser(t.db, { agencyId: p.agencies.drug_alcohol_service, name: 'Adult Specialist' }),
      police: await makeUser(t.db, { agencyId: p.agencies.police, name: 'Police Officer' }),
      school: await makeUser(t.db, { agencyId: school, name: 'School Safeguarding Lead' }),
      health: await makeUser(t.db, { agencyId: health, name: 'Health Visitor' }),
      analyst: await makeUser(t.db, { role: 'analyst', agencyId: csc, name: 'Analyst' }),
      administrator: await makeUser(t.db, { role: 'administrator', agencyId: csc, name: 'Administrator' }),
      dpo: await makeUser(t.db, { role: 'dpo', agencyId: csc, name: 'Data Protection Officer' }),
    };
    for (const [role, user] of Object.entries(users)) emails[role] = user.email;
    const otherWorker = await makeUser(t.db, { agencyId: csc, teamId: p.otherTeamId, name: 'Other Worker' });
    targets['own family'] = await plantFamily(t, s, users['key worker'], 'own');
    targets['another team’s family'] = await plantFamily(t, s, otherWorker, 'other');
    const unworked = await plantFamily(t, s, otherWorker, 'none');
    await t.db.query('DELETE FROM family_professional WHERE family_id = $1', [unworked.familyId]);
    await t.db.query('UPDATE casefile SET key_worker_id = NULL WHERE family_id = $1', [unworked.familyId]);
    targets['no relationship'] = unworked;
    // Everyone is in the own family's team, analysts and administrators too (planted by hand, as
    // finding 3 once let a practitioner do): the policy must still keep those two out.
    for (const role of ['adult specialist', 'police', 'school', 'health', 'analyst', 'administrator', 'dpo'] as const) {
      await joinFamily(t.db, targets['own family'].familyId, users[role].id, role);
    }
    // The data-category dimension: one marker per category the family page, chronology and case notes show.
    const own = targets['own family'];
    const keyWorker = users['key worker'];
    for (const [category, need] of [
      ['health', { code: '6B' }], ['mental_health', { code: '4B' }], ['substance_misuse', { code: '2B' }], ['domestic_abuse', { code: '3B' }],
      ['offending', { needType: 'offending' }], ['other_needs', { code: '20' }],
    ] as [DataCategory, Record<string, string>][]) {
      categoryMarkers[category] = markerFor(category.replace(/[^a-z]/g, ''));
      await s.families.addNeed(keyWorker, own.familyId, own.personId, { ...need, sourceAgencyId: csc, identifiedOn: '2026-10-01', notes: categoryMarkers[category] });
    }
    categoryMarkers.education = markerFor('education');
    await s.contacts.addChronologyEntry(keyWorker, own.familyId, { occurredOn: '2026-10-02', personId: null, agencyId: csc, type: 'education', summary: categoryMarkers.education });
    categoryMarkers.case_notes = markerFor('casenotes');
    await s.contacts.recordContact(keyWorker, own.caseId, {
      type: 'home_visit', date: '2026-11-23', startTime: '10:00', endTime: '11:00', location: 'Family home', presentPersonIds: [own.personId], othersPresent: '',
      notes: categoryMarkers.case_notes, didTogether: 'Talked', progress: 'Some', nextSteps: 'Visit again',
    });
    // Assessments, plans (a plan action, the family contract, the safety plan) and letters, each recorded by the key worker.
    categoryMarkers.assessments = markerFor('assessments');
    await s.plans.startAssessment(keyWorker, own.caseId);
    await s.plans.saveMemberAssessment(keyWorker, own.caseId, own.personId, { strengths: categoryMarkers.assessments, needs: 'Help with mornings', risks: 'None known', factorCodes: [], version: 0 });
    categoryMarkers.plans = markerFor('plans');
    await t.db.query(
      `INSERT INTO plan_action (id, plan_id, goal_id, lineage_id, position, description, owner_type, owner_user_id, owner_name, due_on, status)
       VALUES ($1, $2, $3, $4, 2, $5, 'practitioner', $6, 'Key Worker', '2026-12-20', 'not_started')`,
      [randomUUID(), own.planId, own.goalId, randomUUID(), categoryMarkers.plans, keyWorker.id]);
    await s.plans.saveContract(keyWorker, own.caseId, { familyCommitments: categoryMarkers.plans, keyWorkerCommitments: 'Visit weekly', consequences: 'We talk', version: 0 });
    await s.plans.saveSafetyPlan(keyWorker, own.caseId, {
      risks: categoryMarkers.plans, keepingSafe: 'Nan stays over', whoDoesWhat: 'Nan collects', contacts: [{ name: 'Emergency duty team', phone: '01632 960 999', when: 'out_of_hours' }], version: 0,
    });
    categoryMarkers.letters = markerFor('letters');
    await t.db.query('UPDATE letter SET progress = $2 WHERE id = $1', [own.letterId, categoryMarkers.letters]);
    await s.needToKnow.recordConsent(keyWorker, own.familyId, { basis: 'consent', personId: own.personId, agencyKinds: [...agencyKinds], categories: [...dataCategories], givenOn: '2026-10-01' });
    app = await testApp(t.db);
    for (const [role, user] of Object.entries(users) as [keyof typeof users, (typeof users)[keyof typeof users]][]) {
      const page = new PageClient(app);
      await page.signIn(user.email, testPassword);
      clients[role] = { page, token: await s.access.createApiToken(user.email, 'access matrix') };
    }
    anonymous = new PageClient(app);
    await anonymous.get('/sign-in');
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('finds a marker in the text of a PDF and a DOCX, and not in their bytes', async () => {
    const pdf = await new Promise<Buffer>((resolve) => {
      const doc = new PDFDocument();
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
      doc.font('Helvetica').text('Letter to ZqPdfMarkerx family');
      doc.end();
    });
    expect(pdf.toString('latin1')).not.toContain('ZqPdfMarkerx');
    expect(pdfText(pdf)).toContain('ZqPdfMarkerx');
    const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('Dear ZqDocxMarkerx')] }] }));
    expect(docx.toString('latin1')).not.toContain('ZqDocxMarkerx');
    expect(await docxText(docx)).toContain('ZqDocxMarkerx');
  });

  it('every route × role × relationship: the right status, and nothing of a family the caller may not read', async () => {
    const routes = app.routeTable.flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((method) => ({ method, url: r.url, access: r.access })))
      .filter((r) => !skipped.has(r.url));
    const cells = routes.flatMap((route) => roles.flatMap((role) => relationships.map((relationship) => ({ route, role, relationship }))));
    const started = Date.now();
    const failures: string[] = [];
    let checked = 0;
    const run = async ({ route, role, relationship }: (typeof cells)[number]) => {
      const target = targets[relationship];
      const ids: Record<string, string> = {
        familyId: target.familyId, personId: target.personId, memberId: target.personId, caseId: target.caseId, referralId: target.referralId,
        contactId: target.contactId, letterId: target.letterId, planId: target.planId, goalId: target.goalId, actionId: target.actionId,
      };
      const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const url = route.url.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? randomUUID());
      const api = url.startsWith('/api/');
      const client = role === 'anonymous' ? null : clients[role];
      const response = api
        ? await app.inject({ method: route.method as 'GET', url, ...(route.method === 'GET' ? {} : { payload: {} }), headers: client ? { authorization: `Bearer ${client.token}` } : {} })
        : route.method === 'GET' ? await (client?.page ?? anonymous).get(url) : await (client?.page ?? anonymous).post(url, {});
      const text = await readableText(String(response.headers['content-type'] ?? ''), response.rawPayload);
      const status = response.statusCode;
      const cell = `${route.method} ${route.url} as ${role}, ${relationship}: ${status}`;
      checked += 1;
      if (status >= 500) failures.push(`${cell}: server error`);
      // The data protection officer's own routes (who has seen a family, subject access, holds, reviews) reach any family by design.
      if (role === 'dpo' && Array.isArray(route.access) && route.access.includes('dpo')) return;
      // No caller is tied to the other two families, and analysts, administrators and anonymous callers to none.
      const hidden = (['another team’s family', 'no relationship'] as const).map((r) => targets[r].marker);
      if (['analyst', 'administrator', 'dpo', 'anonymous'].includes(role)) hidden.push(targets['own family'].marker);
      for (const marker of hidden) if (text.includes(marker)) failures.push(`${cell}: shows ${marker === target.marker ? 'this' : 'another'} family’s data`);
      for (const { category, marker } of forbiddenFor(role)) if (text.includes(marker)) failures.push(`${cell}: shows ${category}, which ${role} may not see`);
      if (route.access === 'public') return;
      if (role === 'anonymous') {
        const expected = api ? 401 : 302;
        if (status !== expected) failures.push(`${cell}: expected ${expected}`);
        return;
      }
      // The add-a-family question pages (/families/new/...) number the members of a family not yet made.
      const namesFamily = params.some((p) => familyParams.has(p)) && !route.url.startsWith('/families/new/');
      const mayRead = relationship === 'own family' && !['analyst', 'administrator', 'dpo'].includes(role);
      if (!namesFamily || mayRead) return;
      // Checking the request's own input may answer first (400): that says nothing about the family.
      if ([400, 403, 404].includes(status)) return;
      // A form that finds problems in what was typed sends the browser back to its page (post-redirect-get): that page must refuse.
      const location = String(response.headers.location ?? '');
      if (!api && status === 303 && location.startsWith('/')) {
        const back = await client!.page.get(location);
        const shown = await readableText(String(back.headers['content-type'] ?? ''), back.rawPayload);
        if (hidden.some((m) => shown.includes(m))) failures.push(`${cell}: its redirect shows the family’s data`);
        if ([403, 404].includes(back.statusCode)) return;
        failures.push(`${cell}: redirected to ${location}, which answered ${back.statusCode}`);
        return;
      }
      failures.push(`${cell}: expected 403 or 404`);
    };
    const queue = [...cells];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let cell = queue.shift(); cell; cell = queue.shift()) await run(cell);
    }));
    const minutes = (Date.now() - started) / 60_000;
    console.log(`access matrix on ${engine}: ${checked} requests (${routes.length} routes × ${roles.length} roles × ${relationships.length} relationships) in ${minutes.toFixed(2)} minutes`);
    expect(checked).toBe(routes.length * roles.length * relationships.length);
    if (failures.length) console.log(failures.join('\n'));
    expect(failures).toEqual([]);
  }, 900_000);

  it('lets the family’s own practitioners read it: the marker is found where it should be', async () => {
    const own = targets['own family'];
    for (const role of ['key worker', 'manager', 'police', 'school', 'health', 'adult specialist'] as const) {
      const page = await clients[role].page.get(`/families/${own.familyId}`);
      expect({ role, status: page.statusCode, shown: page.body.includes(own.marker) }).toEqual({ role, status: 200, shown: true });
    }
    // The data-category dimension, seen from the side that must show: each agency finds what its rule allows.
    const familyText = async (role: MatrixRole) => (await clients[role as Exclude<MatrixRole, 'anonymous'>].page.get(`/families/${own.familyId}`)).body;
    const chronologyText = async (role: MatrixRole) => (await clients[role as Exclude<MatrixRole, 'anonymous'>].page.get(`/families/${own.familyId}/chronology`)).body;
    expect(await familyText('key worker')).toContain(categoryMarkers.health);
    expect(await familyText('police')).toContain(categoryMarkers.domestic_abuse);
    expect(await familyText('police')).toContain(categoryMarkers.offending);
    expect(await familyText('police')).toContain('are not shared with the police');
    expect(await familyText('health')).toContain(categoryMarkers.mental_health);
    expect(await familyText('adult specialist')).toContain(categoryMarkers.substance_misuse);
    expect(await chronologyText('school')).toContain(categoryMarkers.education);
    expect(await familyText('school')).toContain('are not shared with schools');
    // Assessments, plans and letters: children's social care sees them; the school and the police are told what is withheld, and refused the contract whole.
    // Fresh sessions: the matrix's empty posts left each form's "There is a problem" answers in the old ones.
    const fresh = {} as Record<string, PageClient>;
    const text = async (role: 'key worker' | 'school' | 'health' | 'police', url: string) => {
      if (!fresh[role]) {
        fresh[role] = new PageClient(app);
        await fresh[role].signIn(emails[role], testPassword);
      }
      return (await fresh[role].get(url)).body;
    };
    expect(await text('key worker', `/cases/${own.caseId}/assessment/members/${own.personId}`)).toContain(categoryMarkers.assessments);
    expect(await text('key worker', `/cases/${own.caseId}/plan`)).toContain(categoryMarkers.plans);
    expect(await text('key worker', `/cases/${own.caseId}/contract/print`)).toContain(categoryMarkers.plans);
    expect(await text('key worker', `/cases/${own.caseId}/letters/${own.letterId}`)).toContain(categoryMarkers.letters);
    expect(await text('school', `/cases/${own.caseId}/plan`)).toContain('are not shared with schools');
    expect(await text('health', `/cases/${own.caseId}/assessment/members/${own.personId}`)).toContain(categoryMarkers.assessments);
    expect(await text('police', `/cases/${own.caseId}/assessment/members/${own.personId}`)).toMatch(/(is|are) not shared with the police/);
    const refusedContract = await clients.police.page.get(`/cases/${own.caseId}/contract/print`);
    expect({ status: refusedContract.statusCode, reason: refusedContract.body.includes('is not shared with the police') }).toEqual({ status: 403, reason: true });
    const mine = await clients['key worker'].page.get('/my-families');
    expect(mine.body).toContain(own.marker);
    // The contact, letter and plan goal the matrix is given are real: their pages show the marker to the key worker.
    for (const url of [`/cases/${own.caseId}/contacts/${own.contactId}`, `/cases/${own.caseId}/letters/${own.letterId}`, `/cases/${own.caseId}/plan/goals/${own.goalId}`]) {
      const page = await clients['key worker'].page.get(url);
      expect({ url, status: page.statusCode, shown: page.body.includes(own.marker) }).toEqual({ url, status: 200, shown: true });
    }
    for (const role of ['analyst', 'administrator', 'dpo'] as const) {
      expect((await clients[role].page.get(`/families/${own.familyId}`)).statusCode).toBe(403);
    }
    // Who has seen this family: its lead and their manager, not the rest of the team.
    const seen = await clients['key worker'].page.get(`/families/${own.familyId}/seen-by`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Who has seen this family');
    expect(seen.body).toContain('Health Visitor');
    expect((await clients.manager.page.get(`/families/${own.familyId}/seen-by`)).statusCode).toBe(200);
    expect((await clients.police.page.get(`/families/${own.familyId}/seen-by`)).statusCode).toBe(403);
    // The data protection officer sees who has seen any family, without being in its team.
    expect((await clients.dpo.page.get(`/families/${targets['no relationship'].familyId}/seen-by`)).statusCode).toBe(200);
  });
});

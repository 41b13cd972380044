import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser, testPassword } from '../support/factories.ts';
import { anAgreement, anExtractRow, extractCsv, writeExtract, type ExtractRowInput } from '../support/identification-factories.ts';
import { PageClient, testApp } from '../support/http.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys, type SourceKey } from '../../src/domain/identification/formats.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import type { LanternApp } from '../../src/app.ts';
import { testClock } from '../support/clock.ts';

const today = '2026-11-25';

describe.each(engines)('matching agency records on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let analyst: Actor & { email: string };
  let worker: Actor & { email: string };
  let familyId: string;
  let districtId: string;
  let app: LanternApp;
  let client: PageClient;
  const people = async () => t.db.query<{ record_id: string; person_id: string }>('SELECT record_id, person_id FROM linked_person ORDER BY record_id');
  const walshHousehold = async () => (await t.db.query<{ id: string }>("SELECT id FROM linked_household WHERE family_id = $1", [familyId]))[0]?.id;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    districtId = p.districtId;
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock(today) });
    familyId = (await s.families.createFamily(worker, { family: aFamily({ districtId: p.districtId }), members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2014-08-09' })] })).id;
    const agreementId = await s.identification.createAgreement(analyst, anAgreement());

    // The Walsh family (known to Lantern) in three agencies' data, recorded a little differently, plus generated households.
    const extra: Partial<Record<SourceKey, ExtractRowInput[]>> = {
      'police-da': [1, 2, 3].map((n) => anExtractRow('police-da', 900 + n, { incident_ref: `INC-W${n}`, incident_date: `2026-0${n + 5}-01`, role: 'victim' })),
      'drug-alcohol': [anExtractRow('drug-alcohol', 910, { first_name: 'Kerri', date_of_birth: '1990-05-17' })],
      school: [anExtractRow('school', 920, { first_name: 'Tyler', sex: 'M', date_of_birth: '09/08/2014', attendance_percent: '41' })],
    };
    const generated = demoExtracts(demoHouseholds(60, 3, ['NV2 1AA', 'NV3 2BB', 'NV4 3CC'], today), 3, today);
    for (const source of sourceKeys) {
      const rows = [...generated[source], ...(extra[source] ?? [])];
      if (!rows.length) continue;
      const file = await writeExtract(`${source}.csv`, extractCsv(source, rows));
      const result = await s.identification.ingest(analyst, { path: file, filename: `${source}.csv`, source, agreementId });
      expect(result.status).toBe('loaded');
    }
    app = await testApp(t.db, today);
    client = new PageClient(app);
    await client.signIn(analyst.email, testPassword);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('links records into people and households, and running it again changes nothing', async () => {
    const first = await s.identification.identify(analyst);
    expect(first.records).toBeGreaterThan(200);
    expect(first.people).toBeLessThan(first.records);
    expect(first.households).toBeLessThan(first.people);
    const before = await people();
    const householdsBefore = await t.db.query('SELECT id, eligible, problem_count, level, cost_pence, reasons FROM linked_household ORDER BY id');
    const second = await s.identification.identify(analyst);
    expect(second).toMatchObject({ records: first.records, people: first.people, households: first.households });
    expect(await people()).toEqual(before);
    expect(await t.db.query('SELECT id, eligible, problem_count, level, cost_pence, reasons FROM linked_household ORDER BY id')).toEqual(householdsBefore);
    const runs = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'linkage-run' AND user_id = $1", [analyst.id]);
    expect(runs[0].n).toBe(2);
  });

  it('groups the mother and her son into one household at their address, marked open to a service, with the reasons in words', async () => {
    const id = await walshHousehold();
    expect(id).toBeDefined();
    const view = await s.identification.household(analyst, id!);
    expect(view.reasons).toBe('mother: police DA incidents x3 in 12 months, children present; alcohol treatment 2026; son (12): 41% attendance, suspended x2');
    expect(view.family_reference).not.toBeNull();
    expect(view.eligible).toBe(true);
    expect(view.assessment.members.map((m) => m.name).sort()).toEqual(['Kerry Walsh', 'Tyler Walsh']);
    expect(view.assessment.costLines.find((l) => l.key === 'domestic_violence_incident')).toMatchObject({ quantity: 3, pence: 741_000 });
  });

  it('explains a pair: the prior and the field weights add up to the match weight', async () => {
    const [pair] = await t.db.query<{ left_record_id: string; right_record_id: string; weight: number }>('SELECT left_record_id, right_record_id, weight FROM linkage_pair ORDER BY weight LIMIT 1');
    const view = await s.identification.pair(analyst, pair.left_record_id, pair.right_record_id);
    const sum = view.explanation.prior + view.explanation.fields.reduce((a, f) => a + f.weight, 0);
    expect(sum).toBeCloseTo(view.explanation.weight, 6);
    expect(view.explanation.weight).toBeCloseTo(pair.weight, 6);
    const page = await client.get(`/identification/review/${pair.right_record_id}/${pair.left_record_id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('How the match weight was reached');
    expect(page.body).toContain(view.explanation.fields[0].label.replace(/'/g, '&#39;'));
  });

  it('keeps clerical decisions: a rejected pair is fed back to every later run, an accepted pair joins the two people now', async () => {
    const pairs = await t.db.query<{ left_record_id: string; right_record_id: string }>(
      `SELECT p.left_record_id, p.right_record_id FROM linkage_pair p JOIN linked_person a ON a.record_id = p.left_record_id JOIN linked_person b ON b.record_id = p.right_record_id
        WHERE a.person_id <> b.person_id ORDER BY p.weight DESC LIMIT 2`);
    expect(pairs.length).toBeGreaterThan(0);
    const [accept, reject] = pairs;
    await client.get(`/identification/review/${accept.left_record_id}/${accept.right_record_id}`);
    const saved = await client.post(`/identification/review/${accept.left_record_id}/${accept.right_record_id}`, { decision: 'match' });
    expect(saved.headers.location).toBe('/identification/review?decided=match');
    const joined = await t.db.query<{ person_id: string }>('SELECT DISTINCT person_id FROM linked_person WHERE record_id = ANY($1::uuid[])', [[accept.left_record_id, accept.right_record_id]]);
    expect(joined.length).toBe(1);
    if (reject) await s.identification.decide(analyst, reject.left_record_id, reject.right_record_id, false);
    const run = await s.identification.identify(analyst);
    expect(run.decisionsFedBack).toBe(reject ? 2 : 1);
    const after = await t.db.query<{ person_id: string }>('SELECT DISTINCT person_id FROM linked_person WHERE record_id = ANY($1::uuid[])', [[accept.left_record_id, accept.right_record_id]]);
    expect(after.length).toBe(1);
    const audited = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_event WHERE action = 'linkage-pair-decided'");
    expect(audited[0].n).toBe(reject ? 2 : 1);
  });

  it('asks for a decision when none is chosen', async () => {
    const [pair] = await t.db.query<{ left_record_id: string; right_record_id: string }>('SELECT left_record_id, right_record_id FROM linkage_pair LIMIT 1');
    const url = `/identification/review/${pair.left_record_id}/${pair.right_record_id}`;
    await client.get(url);
    await client.post(url, {});
    const page = await client.get(url);
    expect(page.body).toContain('<title>Error: Are these the same person?');
    expect(page.body).toContain('<a href="#decision">Select whether these records are the same person</a>');
  });

  it('shows analysts the ranked list with filters, and exports it as CSV', async () => {
    const page = await client.get('/identification/households?top=5');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Top 5 households');
    const csv = await client.get('/identification/households.csv?top=400&eligible=all');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Rank,Address,District,Members,Problems,Eligible,Level of need,Segment,Estimated annual cost,Reasons,Open to a service');
    expect(lines.find((l) => l.includes('41% attendance'))).toContain('Known to Lantern: family');
    const inRiverside = await s.identification.households(analyst, { limit: 400, districtId, eligibleOnly: false });
    expect(inRiverside.map((h) => h.family_id)).toContain(familyId);
    expect(inRiverside.every((h) => h.district_name === 'Riverside')).toBe(true);
    const level4 = await s.identification.households(analyst, { limit: 400, minimumLevel: 4, eligibleOnly: false });
    expect(level4.every((h) => h.level === 4)).toBe(true);
  });

  it('shows practitioners only the families they work with, and refuses them matching and review', async () => {
    const rows = await s.identification.households(worker, { limit: 400, eligibleOnly: false });
    expect(rows.map((r) => r.family_id)).toEqual([familyId]);
    const other = (await t.db.query<{ id: string }>('SELECT id FROM linked_household WHERE family_id IS NULL LIMIT 1'))[0].id;
    await expect(s.identification.household(worker, other)).rejects.toThrow(ForbiddenError);
    await expect(s.identification.identify(worker)).rejects.toThrow('Only analysts can use the linked agency data');
    const browser = new PageClient(app);
    await browser.signIn(worker.email, testPassword);
    expect((await browser.get('/identification/households')).body).toContain('12 Mill Lane');
    expect((await browser.get(`/identification/households/${other}`)).statusCode).toBe(403);
    const own = await browser.get(`/identification/households/${await walshHousehold()}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(`href="/families/${familyId}/referrals/new"`);
    expect((await browser.get('/identification/review')).statusCode).toBe(403);
    expect((await browser.post('/identification/run', {})).statusCode).toBe(403);
  });

  it('links analysts to a referral form filled in with the household', async () => {
    const page = await client.get(`/identification/households/${await walshHousehold()}`);
    expect(page.body).toContain('Open to a service');
    const other = (await t.db.query<{ id: string }>('SELECT id FROM linked_household WHERE family_id IS NULL AND eligible ORDER BY id LIMIT 1'))[0].id;
    const detail = await client.get(`/identification/households/${other}`);
    expect(detail.body).toContain('Make a referral link to send');
    // The analyst's button keeps the household's details in a draft on the server; the link holds its id only.
    const made = await client.post(`/identification/households/${other}/referral-draft`, {});
    expect(made.statusCode).toBe(303);
    const withLink = await client.get(made.headers.location as string);
    const href = /href="(\/referrals\/new\?draftId=[0-9a-f-]{36})" id="referral-link"/.exec(withLink.body)?.[1];
    expect(href).toBeDefined();
    const manager = new PageClient(app);
    const m = await makeUser(t.db, { role: 'manager', agencyId: worker.agencyId, teamId: null });
    await manager.signIn(m.email, testPassword);
    const form = await manager.get(href!);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Identified from partner agencies&#39; data:');
    const [opened] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'read-referral-draft' AND user_id = $1 AND outcome = 'allowed'`, [m.id]);
    expect(opened.n).toBe(1);
    // An analyst (not a referrer) who did not make the draft may not open it.
    const otherAnalyst = new PageClient(app);
    const a2 = await makeUser(t.db, { role: 'analyst', agencyId: worker.agencyId, teamId: null });
    await otherAnalyst.signIn(a2.email, testPassword);
    expect((await otherAnalyst.get(href!)).statusCode).toBe(403);
  });

  it('serves the ranked list over the JSON API: analysts all, practitioners their families, 400 for a bad filter', async () => {
    const analystToken = await s.access.createApiToken(analyst.email, 'test');
    const workerToken = await s.access.createApiToken(worker.email, 'test');
    const get = (url: string, token: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });
    const all = await get('/api/v1/identification/households?top=3', analystToken);
    expect(all.statusCode).toBe(200);
    const body = all.json() as { households: { rank: number; reasons: string; estimatedAnnualCostPence: number }[] };
    expect(body.households.map((h) => h.rank)).toEqual([1, 2, 3]);
    expect(body.households[0].reasons).not.toBe('');
    const theirs = await get('/api/v1/identification/households?eligible=all', workerToken);
    expect((theirs.json() as { households: { familyId: string }[] }).households.map((h) => h.familyId)).toEqual([familyId]);
    const bad = await get('/api/v1/identification/households?top=0&level=9', analystToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ fields: { top: 'top must be a whole number from 1 to 5,000', level: 'level must be 1, 2, 3 or 4' } });
    expect((await get('/api/v1/identification/extracts', workerToken)).statusCode).toBe(403);
    expect((await get('/api/v1/identification/extracts', analystToken)).json()).toMatchObject({ extracts: expect.arrayContaining([expect.objectContaining({ filename: 'school.csv', rowsLoaded: expect.any(Number) })]) });
  });
  it('ranks by the configured eligibility rule, refusing bad rules with the field and the reason', async () => {
    const eligibleCount = async () => (await s.identification.households(analyst, { limit: 5000, eligibleOnly: true })).length;
    const before = await eligibleCount();
    const defaults = await s.identification.rules();
    expect(defaults.minimumProblems).toBe(2);
    await expect(s.identification.setRules(worker, { ...defaults, minimumProblems: 1 })).rejects.toThrow('Only analysts and administrators can change the identification rules');
    await expect(s.identification.setRules(analyst, { ...defaults, minimumProblems: 9 })).rejects.toMatchObject({ fieldErrors: { minimumProblems: 'minimumProblems must be a whole number from 1 to 6' } });
    await expect(s.identification.setRules(analyst, { ...defaults, notCopingFrom: 5, chaoticFrom: 3 })).rejects.toMatchObject({ fieldErrors: { notCopingFrom: 'notCopingFrom must not be more than chaoticFrom' } });
    await s.identification.setRules(analyst, { ...defaults, name: 'One problem is enough', minimumProblems: 1 });
    await s.identification.identify(analyst);
    expect(await eligibleCount()).toBeGreaterThan(before);
    await s.identification.setRules(analyst, defaults);
    await s.identification.identify(analyst);
    expect(await eligibleCount()).toBe(before);
  });
});

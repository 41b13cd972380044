import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { aFamily, aMember, makePartnership, makeUser } from '../support/factories.ts';
import { makeDatedCase } from '../support/casework-factories.ts';
import { anAgreement, anExtractRow, extractCsv, writeExtract, type ExtractRowInput } from '../support/identification-factories.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys, type SourceKey } from '../../src/domain/identification/formats.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { services, type Services } from '../../src/services.ts';
import { testClock } from '../support/clock.ts';

const today = '2026-11-25';

/** Issue 5: measures that arrive through agency data fill in automatically where linked. A matching run fills the matched family's case. */
describe.each(engines)('outcome measures from linked agency data on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let analyst: Actor;
  let worker: Actor;
  const ids: Record<string, string> = {};
  const agencyAudits = async () =>
    (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'outcome-measures-from-agency-data' AND record_id = $1`, [ids.case]))[0].n;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    worker = await makeUser(t.db, { agencyId: p.agencies.childrens_social_care, teamId: p.teamId });
    s = services(t.db, { sessionHours: 8, clock: testClock(today) });
    const family = await s.families.createFamily(worker, { family: aFamily(), members: [aMember(), aMember({ givenName: 'Tyler', role: 'child', sex: 'male', dateOfBirth: '2014-08-09' })] });
    ids.family = family.id;
    ids.case = (await makeDatedCase(t.db, { familyId: family.id, referredAt: '2026-10-01T10:00:00Z', state: 'intervention', keyWorkerId: worker.id })).caseId;
    for (const person of await t.db.query<{ id: string; given_name: string }>('SELECT id, given_name FROM person WHERE family_id = $1', [family.id])) ids[person.given_name] = person.id;
    // The practitioner has already typed Tyler's attendance at referral: agency data must not replace it.
    await s.outcomes.record(worker, ids.case, { timePoint: 'referral', recordedOn: '2026-10-01', household: {}, members: [{ personId: ids.Tyler, attendancePercent: 55 }] });

    const agreementId = await s.identification.createAgreement(analyst, anAgreement());
    const walsh: Partial<Record<SourceKey, ExtractRowInput[]>> = {
      // Two incidents in the 6 months before referral (one with a row for each of two people), one older.
      'police-da': [
        anExtractRow('police-da', 901, { incident_ref: 'INC-W1', incident_date: '2026-06-01', role: 'victim' }),
        anExtractRow('police-da', 902, { incident_ref: 'INC-W1', incident_date: '2026-06-01', role: 'child_present', first_name: 'Tyler', sex: 'M', date_of_birth: '09/08/2014' }),
        anExtractRow('police-da', 903, { incident_ref: 'INC-W2', incident_date: '2026-08-15', role: 'victim' }),
        anExtractRow('police-da', 904, { incident_ref: 'INC-W0', incident_date: '2025-11-01', role: 'victim' }),
      ],
      school: [anExtractRow('school', 920, { first_name: 'Tyler', sex: 'M', date_of_birth: '09/08/2014', period_end: '2026-07-20', attendance_percent: '41', suspensions: '2' })],
      housing: [anExtractRow('housing', 930, { as_at: '2026-09-30', arrears_amount: '1450', eviction_notice_date: '2026-09-01' })],
    };
    const generated = demoExtracts(demoHouseholds(20, 3, ['NV2 1AA', 'NV3 2BB'], today), 3, today);
    for (const source of sourceKeys) {
      const rows = [...generated[source], ...(walsh[source] ?? [])];
      if (!rows.length) continue;
      const file = await writeExtract(`${source}.csv`, extractCsv(source, rows));
      expect((await s.identification.ingest(analyst, { path: file, filename: `${source}.csv`, source, agreementId })).status).toBe('loaded');
    }
  });
  afterAll(async () => {
    await t.drop();
  });

  it('fills the baseline from the linked records, shows the source, and keeps what the practitioner typed', async () => {
    await s.identification.identify(analyst);
    const form = await s.outcomes.form(worker, ids.case, 'referral');
    expect(form.household).toMatchObject({ domesticAbuseIncidents: 2, rentArrears: 1450, evictionNotices: 1, policeCallOuts: null });
    expect(form.householdSources).toEqual({
      domesticAbuseIncidents: 'Police domestic abuse incidents (linked agency data)',
      rentArrears: 'Housing: arrears and eviction notices (linked agency data)', evictionNotices: 'Housing: arrears and eviction notices (linked agency data)',
    });
    const tyler = form.members.find((m) => m.id === ids.Tyler)!;
    expect(tyler.measures).toMatchObject({ attendancePercent: 55, exclusions: 2 });
    expect(tyler.sources).toEqual({ exclusions: 'School attendance and exclusions (linked agency data)' });
    expect(await agencyAudits()).toBeGreaterThan(0);
  });

  it('fills nothing new and audits nothing more when matching runs again', async () => {
    const before = await t.db.query('SELECT person_id, exclusions, domestic_abuse_incidents, rent_arrears, sources FROM outcome_measure WHERE case_id = $1 ORDER BY person_id', [ids.case]);
    const audits = await agencyAudits();
    await s.identification.identify(analyst);
    expect(await agencyAudits()).toBe(audits);
    expect(await t.db.query('SELECT person_id, exclusions, domestic_abuse_incidents, rent_arrears, sources FROM outcome_measure WHERE case_id = $1 ORDER BY person_id', [ids.case])).toEqual(before);
  });
});

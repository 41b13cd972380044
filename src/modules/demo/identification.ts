import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demoExtracts, demoHouseholds, type DemoHousehold } from '../../domain/identification/demo-extracts.ts';
import { extractFormats, sourceKeys } from '../../domain/identification/formats.ts';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import type { Services } from '../../services.ts';

/**
 * Agency extracts for the Northvale demo: some households are families Lantern already knows
 * (so the list shows households open to a service), the rest are new to it. Loaded and matched
 * the way an analyst would, so the identification list is there when the demo starts.
 */
export async function seedIdentificationDemo(services: Services, options: { known?: number; unknown?: number; seed?: number } = {}) {
  const { db, identification } = services;
  const today = services.clock.today();
  const seed = options.seed ?? 1;
  const families = await db.query<{ id: string; address_line1: string; postcode: string }>(
    `SELECT f.id, f.address_line1, f.postcode FROM family f WHERE f.postcode <> '' AND f.address_line1 <> ''
      AND EXISTS (SELECT 1 FROM person p WHERE p.family_id = f.id AND p.member_type = 'child' AND p.date_of_birth IS NOT NULL)
      ORDER BY f.reference LIMIT $1`, [options.known ?? 40]);
  const people = await db.query<{ family_id: string; given_name: string; family_name: string; date_of_birth: string; sex: string; member_type: string }>(
    `SELECT family_id, given_name, family_name, date_of_birth, sex, member_type FROM person
      WHERE family_id = ANY($1::uuid[]) AND date_of_birth IS NOT NULL ORDER BY family_id, date_of_birth`, [families.map((f) => f.id)]);
  const known: DemoHousehold[] = families.map((f) => ({
    postcode: f.postcode, address: f.address_line1,
    people: people.filter((p) => p.family_id === f.id).map((p) => ({
      firstName: p.given_name, lastName: p.family_name, dateOfBirth: p.date_of_birth, sex: p.sex === 'male' ? 'M' as const : 'F' as const, isChild: p.member_type === 'child',
    })),
  })).filter((h) => h.people.some((p) => !p.isChild));
  const postcodes = [...new Set((await db.query<{ postcode: string }>("SELECT DISTINCT postcode FROM family WHERE postcode <> '' ORDER BY postcode LIMIT 200")).map((r) => r.postcode))];
  const households = [...known, ...demoHouseholds(options.unknown ?? 120, seed, postcodes.length ? postcodes : ['NV1 1AA'], today)];
  const extracts = demoExtracts(households, seed, today);

  const agreementId = await identification.createAgreement(null, {
    name: 'Northvale early help information sharing agreement',
    parties: 'Northvale County Council; Northvale Police; Northvale Schools; Northvale Recovery Partnership; Northvale Adult Mental Health Service; Northvale Youth Justice Service; Northvale Homes; Jobcentre Plus',
    lawfulBasis: 'public_task', article9Condition: 'Data Protection Act 2018, Schedule 1, paragraph 18 (safeguarding of children and individuals at risk)',
    reviewDate: `${Number(today.slice(0, 4)) + 1}-03-31`,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-demo-extracts-'));
  let records = 0;
  try {
    for (const source of sourceKeys) {
      const columns = extractFormats[source].columns.map((c) => c.name);
      const file = path.join(dir, `${source}.csv`);
      await writeFile(file, toCsv(columns, extracts[source].map((r) => columns.map((c) => r[c] ?? ''))));
      const result = await identification.ingest(null, { path: file, filename: `northvale-${source}-${today}.csv`, source, agreementId, agencyName: '' });
      records += result.rowsLoaded;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const run = await identification.identify(null);
  return { records, households: run.households, reviews: run.reviews };
}

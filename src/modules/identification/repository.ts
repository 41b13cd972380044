import type { UserRole } from '../../domain/codes.ts';
import { familyFilterSql } from '../../domain/access/policy.ts';
import type { Queryable } from '../../db/database.ts';
import type { SourceRow } from '../../domain/identification/validate.ts';

export interface AgreementRow {
  id: string;
  name: string;
  parties: string;
  lawful_basis: string;
  article9_condition: string;
  review_date: string;
}

export interface ExtractRow {
  id: string;
  source: string;
  agency_name: string;
  agreement_id: string;
  agreement_name: string;
  filename: string;
  file_hash: string;
  rows_read: number;
  rows_loaded: number;
  rows_skipped_invalid: number;
  rows_already_loaded: number;
  loaded_at: string;
  loaded_by_name: string | null;
}

export interface RecordRow {
  id: string;
  source: string;
  record_ref: string;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  sex: 'F' | 'M' | null;
  postcode: string | null;
  address: string | null;
  event_date: string;
  group_ref: string | null;
  fields: Record<string, string | number | boolean | null>;
  /** Scheme -> canonical value (migration 034). */
  identifiers: Record<string, string>;
}

/** A record as matching reads it: `fields` still as JSON text, parsed only when its household is assessed (a million parsed objects held through linkage would cost gigabytes). */
export type MatchRow = Omit<RecordRow, 'fields'> & { fields: string };

const recordColumns = 'id, source, record_ref, first_name, last_name, date_of_birth, sex, postcode, address, event_date, group_ref, fields, identifiers';

export const identificationRepository = {
  async agreements(q: Queryable): Promise<AgreementRow[]> {
    return q.query<AgreementRow>('SELECT id, name, parties, lawful_basis, article9_condition, review_date FROM sharing_agreement ORDER BY name');
  },

  async agreement(q: Queryable, id: string): Promise<AgreementRow | null> {
    return (await q.query<AgreementRow>('SELECT id, name, parties, lawful_basis, article9_condition, review_date FROM sharing_agreement WHERE id = $1', [id]))[0] ?? null;
  },

  async agreementByName(q: Queryable, name: string): Promise<AgreementRow | null> {
    return (await q.query<AgreementRow>('SELECT id, name, parties, lawful_basis, article9_condition, review_date FROM sharing_agreement WHERE lower(name) = lower($1)', [name]))[0] ?? null;
  },

  async insertAgreement(q: Queryable, a: Omit<AgreementRow, 'id'> & { id: string }): Promise<void> {
    await q.query(
      'INSERT INTO sharing_agreement (id, name, parties, lawful_basis, article9_condition, review_date) VALUES ($1, $2, $3, $4, $5, $6)',
      [a.id, a.name, a.parties, a.lawful_basis, a.article9_condition, a.review_date],
    );
  },

  async mapping(q: Queryable, source: string, agencyName: string): Promise<Record<string, string> | null> {
    const rows = await q.query<{ mapping: Record<string, string> }>('SELECT mapping FROM column_mapping WHERE source = $1 AND agency_name = $2', [source, agencyName]);
    return rows[0]?.mapping ?? null;
  },

  async mappings(q: Queryable): Promise<{ id: string; source: string; agency_name: string; mapping: Record<string, string> }[]> {
    return q.query('SELECT id, source, agency_name, mapping FROM column_mapping ORDER BY source, agency_name');
  },

  async saveMapping(q: Queryable, id: string, source: string, agencyName: string, mapping: Record<string, string>, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO column_mapping (id, source, agency_name, mapping, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source, agency_name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = EXCLUDED.updated_at`,
      [id, source, agencyName, JSON.stringify(mapping), at],
    );
  },

  async extractByHash(q: Queryable, hash: string): Promise<ExtractRow | null> {
    return (await q.query<ExtractRow>(`${extractSelect} WHERE e.file_hash = $1`, [hash]))[0] ?? null;
  },

  async extracts(q: Queryable): Promise<ExtractRow[]> {
    return q.query<ExtractRow>(`${extractSelect} ORDER BY e.loaded_at DESC, e.filename LIMIT 200`);
  },

  async insertExtract(q: Queryable, e: { id: string; source: string; agencyName: string; agreementId: string; filename: string; hash: string; loadedBy: string | null }): Promise<void> {
    await q.query(
      `INSERT INTO source_extract (id, source, agency_name, agreement_id, filename, file_hash, rows_read, rows_loaded, rows_skipped_invalid, rows_already_loaded, loaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, 0, $7)`,
      [e.id, e.source, e.agencyName, e.agreementId, e.filename, e.hash, e.loadedBy],
    );
  },

  async finishExtract(q: Queryable, id: string, counts: { read: number; loaded: number; invalid: number; already: number }): Promise<void> {
    await q.query(
      'UPDATE source_extract SET rows_read = $2, rows_loaded = $3, rows_skipped_invalid = $4, rows_already_loaded = $5 WHERE id = $1',
      [id, counts.read, counts.loaded, counts.invalid, counts.already],
    );
  },

  /** One statement, a column an array; rows whose (source, record_ref) is already loaded are skipped. Returns how many were new. */
  async insertRecords(q: Queryable, extractId: string, source: string, rows: readonly (SourceRow & { id: string })[]): Promise<number> {
    if (!rows.length) return 0;
    const [counted] = await q.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO source_record (id, extract_id, source, record_ref, first_name, last_name, date_of_birth, sex, postcode, address, event_date, group_ref, fields, identifiers)
         SELECT t.id, $1, $2, t.ref, t.first, t.last, t.born::date, t.sex, t.postcode, t.address, t.event::date, t.grp, t.fields::jsonb, t.ids::jsonb
           FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
                AS t(id, ref, first, last, born, sex, postcode, address, event, grp, fields, ids)
         ON CONFLICT (source, record_ref) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
      [extractId, source, ...columnsOf(rows, [(r) => r.id, (r) => r.recordId, (r) => r.firstName, (r) => r.lastName, (r) => r.dateOfBirth, (r) => r.sex, (r) => r.postcode,
        (r) => r.address, (r) => r.eventDate, (r) => r.groupRef, (r) => JSON.stringify(r.fields), (r) => JSON.stringify(r.identifiers)])],
    );
    return counted.n;
  },

  async extractExists(q: Queryable, id: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM source_extract WHERE id = $1', [id])).length > 0;
  },

  /** An extract whose loading stopped part way: its rows and itself. */
  async discardExtract(q: Queryable, id: string): Promise<void> {
    await q.query('DELETE FROM source_record WHERE extract_id = $1', [id]);
    await q.query('DELETE FROM source_extract WHERE id = $1', [id]);
  },

  async recordCount(q: Queryable): Promise<number> {
    return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM source_record'))[0].n;
  },

  /** Every source record in a stable order (the engine's input order), a page at a time. */
  async recordsPage(q: Queryable, afterId: string | null, limit: number): Promise<MatchRow[]> {
    const columns = recordColumns.replace('fields', 'fields::text AS fields');
    return afterId
      ? q.query<MatchRow>(`SELECT ${columns} FROM source_record WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])
      : q.query<MatchRow>(`SELECT ${columns} FROM source_record ORDER BY id LIMIT $1`, [limit]);
  },

  async records(q: Queryable, ids: readonly string[]): Promise<RecordRow[]> {
    return q.query<RecordRow>(`SELECT ${recordColumns} FROM source_record WHERE id = ANY($1::uuid[])`, [ids]);
  },
};

const extractSelect = `SELECT e.id, e.source, e.agency_name, e.agreement_id, a.name AS agreement_name, e.filename, e.file_hash, e.rows_read, e.rows_loaded,
  e.rows_skipped_invalid, e.rows_already_loaded, e.loaded_at::text AS loaded_at, u.display_name AS loaded_by_name
  FROM source_extract e JOIN sharing_agreement a ON a.id = e.agreement_id LEFT JOIN app_user u ON u.id = e.loaded_by`;

export interface PairRow {
  left_record_id: string;
  right_record_id: string;
  weight: number;
  probability: number;
  decision: 'link' | 'review' | 'apart';
  is_match: boolean | null;
  decided_by_name: string | null;
}

export interface HouseholdRow {
  id: string;
  postcode: string | null;
  address: string | null;
  district_id: string | null;
  district_name: string | null;
  family_id: string | null;
  family_reference: string | null;
  eligible: boolean;
  problem_count: number;
  level: number;
  cost_pence: number;
  segment: string;
  reasons: string;
  members: number;
}

export interface HouseholdInsert {
  id: string;
  postcode: string | null;
  address: string | null;
  eligible: boolean;
  problemCount: number;
  level: number;
  costPence: number;
  segment: string;
  reasons: string;
  /** The assessment as JSON text: a run holds every household's until it stores them, and text is a fraction of the objects' size. */
  assessment: string;
}

/** A scored pair: left and right record ids (smaller first), weight, probability, decision. */
export type PairInsert = [string, string, number, number, string];

export interface HouseholdFilter {
  districtId?: string | null;
  minimumLevel?: number | null;
  eligibleOnly?: boolean;
  limit: number;
  /** Practitioners and managers: only households matched to families this user may open. */
  /** Only households matched to a family this user may read (null: every household, for analysts). */
  visibleTo?: { id: string; role: UserRole } | null;
}

/** Rows as one array a column (for unnest): a statement's text and plan stay the same whatever the number of rows. */
function columnsOf<R>(rows: readonly R[], columns: readonly ((row: R) => unknown)[]): unknown[][] {
  return columns.map((column) => rows.map(column));
}

/** Pairs are stored with the smaller record id on the left, so a pair has one row whichever way it was scored. */
export function orderPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

const householdSelect = `SELECT h.id, h.postcode, h.address, h.district_id, d.name AS district_name, h.family_id, f.reference AS family_reference,
  h.eligible, h.problem_count, h.level, h.cost_pence, h.segment, h.reasons,
  (SELECT count(*)::int FROM linked_household_member m WHERE m.household_id = h.id) AS members
  FROM linked_household h LEFT JOIN district d ON d.id = h.district_id LEFT JOIN family f ON f.id = h.family_id`;

export const linkageRepository = {
  /** A partition's compared pairs, as bytes, in chunks (a run split across workers). */
  async insertPartitionChunk(q: Queryable, jobId: string, seq: number, data: Uint8Array): Promise<void> {
    await q.query('INSERT INTO linkage_partition_chunk (job_id, seq, data) VALUES ($1, $2, $3)', [jobId, seq, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  },

  async partitionChunks(q: Queryable, jobId: string): Promise<Buffer[]> {
    const rows = await q.query<{ data: Uint8Array }>('SELECT data FROM linkage_partition_chunk WHERE job_id = $1 ORDER BY seq', [jobId]);
    return rows.map((r) => Buffer.from(r.data));
  },

  async dropPartitionChunks(q: Queryable, jobIds: readonly string[]): Promise<void> {
    await q.query('DELETE FROM linkage_partition_chunk WHERE job_id = ANY($1::uuid[])', [jobIds]);
  },

  async clericalDecisions(q: Queryable): Promise<{ left_record_id: string; right_record_id: string; is_match: boolean }[]> {
    return q.query('SELECT left_record_id, right_record_id, is_match FROM clerical_decision');
  },

  async clearLinkage(q: Queryable): Promise<void> {
    await q.query('DELETE FROM linkage_pair');
    await q.query('DELETE FROM linked_household_member');
    await q.query('DELETE FROM linked_household');
    await q.query('DELETE FROM linked_person');
  },

  /** (record, person) rows. */
  async insertPersons(q: Queryable, recordIds: readonly string[], personIds: readonly string[]): Promise<void> {
    await q.query('INSERT INTO linked_person (record_id, person_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])', [recordIds, personIds]);
  },

  async insertHouseholds(q: Queryable, rows: readonly HouseholdInsert[]): Promise<void> {
    if (!rows.length) return;
    // One JSON array of the rows, each assessment spliced in as the JSON it already is (as a text
    // array element every quote in it would be escaped, by the driver and again by the server).
    const json = `[${rows.map((h) => `${JSON.stringify({
      id: h.id, postcode: h.postcode, address: h.address, eligible: h.eligible, problem_count: h.problemCount, level: h.level, cost_pence: h.costPence, segment: h.segment, reasons: h.reasons,
    }).slice(0, -1)},"assessment":${h.assessment}}`).join(',')}]`;
    await q.query(
      `INSERT INTO linked_household (id, postcode, address, eligible, problem_count, level, cost_pence, segment, reasons, assessment)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS t(id uuid, postcode text, address text, eligible boolean, problem_count int, level int, cost_pence bigint, segment text, reasons text, assessment jsonb)`,
      [json],
    );
  },

  async updateHousehold(q: Queryable, h: HouseholdInsert): Promise<void> {
    await q.query(
      `UPDATE linked_household SET postcode = $2, address = $3, eligible = $4, problem_count = $5, level = $6, cost_pence = $7, segment = $8, reasons = $9, assessment = $10 WHERE id = $1`,
      [h.id, h.postcode, h.address, h.eligible, h.problemCount, h.level, h.costPence, h.segment, h.reasons, h.assessment]);
  },

  /** (person, household) rows. */
  async insertMembers(q: Queryable, personIds: readonly string[], householdIds: readonly string[]): Promise<void> {
    await q.query('INSERT INTO linked_household_member (person_id, household_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])', [personIds, householdIds]);
  },

  async insertPairs(q: Queryable, rows: readonly PairInsert[]): Promise<void> {
    if (!rows.length) return;
    await q.query(
      `INSERT INTO linkage_pair (left_record_id, right_record_id, weight, probability, decision)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::float8[], $4::float8[], $5::text[])`,
      columnsOf(rows, [(p) => p[0], (p) => p[1], (p) => p[2], (p) => p[3], (p) => p[4]]),
    );
  },

  /**
   * Households at the address of a family already in Lantern are marked open to a service; the
   * district is that family's, or else the district most families with the same postcode district have.
   */
  async matchFamilies(q: Queryable): Promise<void> {
    // Only households with a family are written: the rest keep the null they were inserted with
    // (rewriting every row would double the table's and its indexes' writes for nothing).
    await q.query(`UPDATE linked_household h SET family_id = m.family_id
      FROM (SELECT DISTINCT ON (x.id) x.id, f.id AS family_id FROM linked_household x JOIN family f ON f.postcode_key = upper(replace(x.postcode, ' ', ''))
             AND lower(regexp_replace(f.address_line1, '[^a-zA-Z0-9]+', ' ', 'g')) = lower(regexp_replace(coalesce(x.address, ''), '[^a-zA-Z0-9]+', ' ', 'g'))
           WHERE x.postcode IS NOT NULL ORDER BY x.id, f.created_at) m
      WHERE h.id = m.id`);
    await q.query(`UPDATE linked_household h SET district_id = f.district_id FROM family f WHERE f.id = h.family_id`);
    // One pass over families, not one per household: each postcode district's most common district.
    await q.query(`UPDATE linked_household h SET district_id = d.district_id
      FROM (SELECT DISTINCT ON (outward) outward, district_id FROM (
              SELECT split_part(postcode, ' ', 1) AS outward, district_id, count(*) AS n FROM family
               WHERE district_id IS NOT NULL AND postcode <> '' GROUP BY 1, 2) x
             ORDER BY outward, n DESC, district_id) d
      WHERE h.district_id IS NULL AND h.postcode IS NOT NULL AND split_part(h.postcode, ' ', 1) = d.outward`);
  },

  async insertRun(q: Queryable, id: string, userId: string | null, model: unknown, stats: unknown): Promise<void> {
    await q.query('INSERT INTO linkage_run (id, run_by, model, stats) VALUES ($1, $2, $3, $4)', [id, userId, JSON.stringify(model), JSON.stringify(stats)]);
  },

  async latestRun<M>(q: Queryable): Promise<{ id: string; run_at: string; model: M; stats: Record<string, number>; run_by_name: string | null } | null> {
    const rows = await q.query<{ id: string; run_at: string; model: M; stats: Record<string, number>; run_by_name: string | null }>(
      'SELECT r.id, r.run_at::text AS run_at, r.model, r.stats, u.display_name AS run_by_name FROM linkage_run r LEFT JOIN app_user u ON u.id = r.run_by ORDER BY r.run_at DESC LIMIT 1');
    return rows[0] ?? null;
  },

  async reviewQueue(q: Queryable, limit: number): Promise<(PairRow & { left_name: string; right_name: string; left_source: string; right_source: string })[]> {
    return q.query(
      `SELECT p.left_record_id, p.right_record_id, p.weight, p.probability, p.decision, c.is_match, NULL AS decided_by_name,
              l.first_name || ' ' || l.last_name AS left_name, r.first_name || ' ' || r.last_name AS right_name, l.source AS left_source, r.source AS right_source
         FROM linkage_pair p JOIN source_record l ON l.id = p.left_record_id JOIN source_record r ON r.id = p.right_record_id
         LEFT JOIN clerical_decision c ON c.left_record_id = p.left_record_id AND c.right_record_id = p.right_record_id
        WHERE p.decision = 'review' AND c.is_match IS NULL
        ORDER BY p.weight DESC, p.left_record_id, p.right_record_id LIMIT $1`, [limit]);
  },

  async reviewCount(q: Queryable): Promise<number> {
    return (await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM linkage_pair p LEFT JOIN clerical_decision c ON c.left_record_id = p.left_record_id AND c.right_record_id = p.right_record_id
        WHERE p.decision = 'review' AND c.is_match IS NULL`))[0].n;
  },

  async pair(q: Queryable, left: string, right: string): Promise<PairRow | null> {
    const rows = await q.query<PairRow>(
      `SELECT p.left_record_id, p.right_record_id, p.weight, p.probability, p.decision, c.is_match, u.display_name AS decided_by_name
         FROM linkage_pair p LEFT JOIN clerical_decision c ON c.left_record_id = p.left_record_id AND c.right_record_id = p.right_record_id
         LEFT JOIN app_user u ON u.id = c.decided_by
        WHERE p.left_record_id = $1 AND p.right_record_id = $2`, [left, right]);
    return rows[0] ?? null;
  },

  async saveDecision(q: Queryable, left: string, right: string, isMatch: boolean, userId: string | null, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO clerical_decision (left_record_id, right_record_id, is_match, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (left_record_id, right_record_id) DO UPDATE SET is_match = EXCLUDED.is_match, decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at`,
      [left, right, isMatch, userId, at]);
    await q.query('UPDATE linkage_pair SET decision = $3 WHERE left_record_id = $1 AND right_record_id = $2', [left, right, isMatch ? 'link' : 'apart']);
  },

  async personOf(q: Queryable, recordId: string): Promise<string | null> {
    return (await q.query<{ person_id: string }>('SELECT person_id FROM linked_person WHERE record_id = $1', [recordId]))[0]?.person_id ?? null;
  },

  async householdOf(q: Queryable, personId: string): Promise<string | null> {
    return (await q.query<{ household_id: string }>('SELECT household_id FROM linked_household_member WHERE person_id = $1', [personId]))[0]?.household_id ?? null;
  },

  /** An accepted pair joins the two people (and their households) now, without waiting for the next run. */
  async mergePeople(q: Queryable, keepPerson: string, dropPerson: string, keepHousehold: string | null, dropHousehold: string | null): Promise<void> {
    await q.query('UPDATE linked_person SET person_id = $1 WHERE person_id = $2', [keepPerson, dropPerson]);
    await q.query('DELETE FROM linked_household_member WHERE person_id = $1', [dropPerson]);
    if (keepHousehold && dropHousehold && keepHousehold !== dropHousehold) {
      await q.query('UPDATE linked_household_member SET household_id = $1 WHERE household_id = $2', [keepHousehold, dropHousehold]);
      await q.query('DELETE FROM linked_household WHERE id = $1', [dropHousehold]);
    }
  },

  /** Every record of every linked person in a household matched to a Lantern family, for what follows a run. */
  async matchedFamilyRecords(q: Queryable): Promise<(RecordRow & { person_id: string; family_id: string })[]> {
    return q.query(
      `SELECT h.family_id, lp.person_id, ${recordColumns.split(', ').map((c) => `r.${c}`).join(', ')}
         FROM linked_household h JOIN linked_household_member m ON m.household_id = h.id
         JOIN linked_person lp ON lp.person_id = m.person_id JOIN source_record r ON r.id = lp.record_id
        WHERE h.family_id IS NOT NULL ORDER BY h.family_id, lp.person_id, r.event_date, r.id`);
  },

  /** The household's members' records, for assessing it again. */
  async householdRecords(q: Queryable, householdId: string): Promise<(RecordRow & { person_id: string })[]> {
    return q.query(
      `SELECT lp.person_id, ${recordColumns.split(', ').map((c) => `r.${c}`).join(', ')}
         FROM linked_household_member m JOIN linked_person lp ON lp.person_id = m.person_id JOIN source_record r ON r.id = lp.record_id
        WHERE m.household_id = $1 ORDER BY lp.person_id, r.event_date`, [householdId]);
  },

  async households(q: Queryable, f: HouseholdFilter): Promise<HouseholdRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.districtId) { params.push(f.districtId); where.push(`h.district_id = $${params.length}`); }
    if (f.minimumLevel) { params.push(f.minimumLevel); where.push(`h.level >= $${params.length}`); }
    if (f.eligibleOnly) where.push('h.eligible');
    if (f.visibleTo) {
      params.push(f.visibleTo.id);
      where.push(`h.family_id IN (${familyFilterSql(f.visibleTo, 'family.read', `$${params.length}`)})`);
    }
    params.push(f.limit);
    return q.query<HouseholdRow>(
      `${householdSelect} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY h.eligible DESC, h.problem_count DESC, h.level DESC, h.cost_pence DESC, h.id LIMIT $${params.length}`, params);
  },

  async household(q: Queryable, id: string): Promise<(HouseholdRow & { assessment: unknown }) | null> {
    const rows = await q.query<HouseholdRow & { assessment: unknown }>(`${householdSelect.replace('h.reasons,', 'h.reasons, h.assessment,')} WHERE h.id = $1`, [id]);
    return rows[0] ?? null;
  },

  async householdCount(q: Queryable): Promise<number> {
    return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM linked_household'))[0].n;
  },

  async districts(q: Queryable): Promise<{ id: string; name: string }[]> {
    return q.query('SELECT id, name FROM district ORDER BY name');
  },

  async rules(q: Queryable): Promise<unknown> {
    return (await q.query<{ value: unknown }>('SELECT value FROM setting WHERE key = $1', [rulesKey]))[0]?.value;
  },

  async saveRules(q: Queryable, rules: unknown, at: Date) {
    await q.query(
      `INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = $3`,
      [rulesKey, JSON.stringify(rules), at]);
  },
};

const rulesKey = 'identification_rules';


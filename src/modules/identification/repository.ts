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
}

const recordColumns = 'id, source, record_ref, first_name, last_name, date_of_birth, sex, postcode, address, event_date, group_ref, fields';

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

  async saveMapping(q: Queryable, id: string, source: string, agencyName: string, mapping: Record<string, string>): Promise<void> {
    await q.query(
      `INSERT INTO column_mapping (id, source, agency_name, mapping) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, agency_name) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = now()`,
      [id, source, agencyName, JSON.stringify(mapping)],
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

  /** One multi-row insert; rows whose (source, record_ref) is already loaded are skipped. Returns how many were new. */
  async insertRecords(q: Queryable, extractId: string, source: string, rows: readonly (SourceRow & { id: string })[]): Promise<number> {
    if (!rows.length) return 0;
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(r.id, extractId, source, r.recordId, r.firstName, r.lastName, r.dateOfBirth, r.sex, r.postcode, r.address, r.eventDate, r.groupRef, JSON.stringify(r.fields));
      return `(${Array.from({ length: 13 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    const inserted = await q.query<{ id: string }>(
      `INSERT INTO source_record (id, extract_id, source, record_ref, first_name, last_name, date_of_birth, sex, postcode, address, event_date, group_ref, fields)
       VALUES ${tuples.join(', ')} ON CONFLICT (source, record_ref) DO NOTHING RETURNING id`,
      params,
    );
    return inserted.length;
  },

  async recordCount(q: Queryable): Promise<number> {
    return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM source_record'))[0].n;
  },

  /** Every source record in a stable order (the engine's input order), a page at a time. */
  async recordsPage(q: Queryable, afterId: string | null, limit: number): Promise<RecordRow[]> {
    return afterId
      ? q.query<RecordRow>(`SELECT ${recordColumns} FROM source_record WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])
      : q.query<RecordRow>(`SELECT ${recordColumns} FROM source_record ORDER BY id LIMIT $1`, [limit]);
  },

  async records(q: Queryable, ids: readonly string[]): Promise<RecordRow[]> {
    return q.query<RecordRow>(`SELECT ${recordColumns} FROM source_record WHERE id = ANY($1::uuid[])`, [ids]);
  },
};

const extractSelect = `SELECT e.id, e.source, e.agency_name, e.agreement_id, a.name AS agreement_name, e.filename, e.file_hash, e.rows_read, e.rows_loaded,
  e.rows_skipped_invalid, e.rows_already_loaded, e.loaded_at::text AS loaded_at, u.display_name AS loaded_by_name
  FROM source_extract e JOIN sharing_agreement a ON a.id = e.agreement_id LEFT JOIN app_user u ON u.id = e.loaded_by`;

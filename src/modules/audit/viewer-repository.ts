import type { Queryable } from '../../db/database.ts';

/** What the audit viewer filters by; every field is optional. Dates are instants already (London days resolved by the service). */
export interface AuditFilter {
  userId?: string;
  familyId?: string;
  action?: string;
  outcome?: 'allowed' | 'denied' | 'failed';
  fromInstant?: Date;
  toInstant?: Date;
}

export interface AuditViewRow {
  id: string;
  at: Date;
  user_id: string | null;
  user_name: string | null;
  agency_name: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  family_reference: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
}

/**
 * Pages newest first by id (keyset: "older than this id"), never by offset. A date range becomes an
 * id range first (one index probe at each end of audit_event_at), so every filter is a range scan of
 * an index ending in id: (user_id, id), (family_id, id), (action, id) or the primary key.
 */
export const auditViewerRepository = {
  async page(q: Queryable, f: AuditFilter, beforeId: string | null, limit: number): Promise<AuditViewRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
    if (f.userId) add('e.user_id = ?', f.userId);
    if (f.familyId) add('e.family_id = ?', f.familyId);
    if (f.action) add('e.action = ?', f.action);
    if (f.outcome) add('e.outcome = ?', f.outcome);
    if (f.fromInstant) {
      add('e.at >= ?', f.fromInstant);
      // Ids and times rise together (rows are only ever appended), so the first row at or after the start bounds the ids.
      add(`e.id >= COALESCE((SELECT id FROM audit_event WHERE at >= ? ORDER BY at LIMIT 1), 9223372036854775807)`, f.fromInstant);
    }
    if (f.toInstant) {
      add('e.at < ?', f.toInstant);
      add(`e.id <= COALESCE((SELECT id FROM audit_event WHERE at < ? ORDER BY at DESC LIMIT 1), 0)`, f.toInstant);
    }
    if (beforeId) add('e.id < ?', beforeId);
    params.push(limit);
    return q.query<AuditViewRow>(
      `SELECT e.id::text AS id, e.at, e.user_id, u.display_name AS user_name, a.name AS agency_name, e.action, e.record_type, e.record_id,
              fam.reference AS family_reference, e.outcome, e.ip
         FROM (SELECT * FROM audit_event e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id DESC LIMIT $${params.length}) e
         LEFT JOIN app_user u ON u.id = e.user_id LEFT JOIN agency a ON a.id = u.agency_id LEFT JOIN family fam ON fam.id = e.family_id
        ORDER BY e.id DESC`, params);
  },

  /** Every action recorded, by skipping through the (action, id) index one action at a time. */
  actions: async (q: Queryable): Promise<string[]> => (await q.query<{ action: string }>(
    `WITH RECURSIVE a(action) AS (
       (SELECT action FROM audit_event ORDER BY action LIMIT 1)
       UNION ALL
       SELECT (SELECT action FROM audit_event WHERE action > a.action ORDER BY action LIMIT 1) FROM a WHERE a.action IS NOT NULL)
     SELECT action FROM a WHERE action IS NOT NULL`)).map((r) => r.action),

  familyIdByReference: async (q: Queryable, reference: string): Promise<string | undefined> =>
    (await q.query<{ id: string }>('SELECT id FROM family WHERE upper(reference) = upper($1)', [reference]))[0]?.id,

  people: (q: Queryable) => q.query<{ id: string; display_name: string; agency_name: string }>(
    'SELECT u.id, u.display_name, a.name AS agency_name FROM app_user u JOIN agency a ON a.id = u.agency_id ORDER BY u.display_name'),
};

import type { Queryable } from '../../db/database.ts';

export interface AuditEvent {
  userId: string | null;
  action: string;
  recordType: string;
  recordId?: string | null;
  familyId?: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip?: string | null;
  detail?: Record<string, unknown>;
  /** On what basis access was allowed (from the access policy). */
  basis?: string;
}

export interface AuditRow {
  id: number;
  at: string;
  user_id: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  family_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
}

export interface SeenByRow {
  at: string;
  action: string;
  record_type: string;
  outcome: 'allowed' | 'denied' | 'failed';
  basis: string;
  detail: Record<string, unknown>;
  user_name: string | null;
  agency_name: string | null;
}

export const auditRepository = {
  async insert(q: Queryable, e: AuditEvent): Promise<number> {
    const rows = await q.query<{ id: number }>(
      `INSERT INTO audit_event (user_id, action, record_type, record_id, family_id, outcome, ip, detail, basis)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [e.userId, e.action, e.recordType, e.recordId ?? null, e.familyId ?? null, e.outcome, e.ip ?? null, JSON.stringify(e.detail ?? {}), e.basis ?? ''],
    );
    return rows[0].id;
  },

  /** The families a list, export or report showed, against its audit event (indexed by family and time). */
  async insertShown(q: Queryable, eventId: number, familyIds: readonly string[]): Promise<void> {
    const ids = [...new Set(familyIds.filter(Boolean))];
    if (!ids.length) return;
    await q.query(
      `INSERT INTO audit_family_shown (event_id, family_id, at)
       SELECT e.id, f, e.at FROM audit_event e, unnest($2::uuid[]) f WHERE e.id = $1`, [eventId, ids]);
  },

  /** Every audited view and change of one family, and every list that showed it: "Who has seen this family". */
  async seenBy(q: Queryable, familyId: string, limit = 500): Promise<SeenByRow[]> {
    return q.query<SeenByRow>(
      `SELECT x.at, x.action, x.record_type, x.outcome, x.basis, x.detail, u.display_name AS user_name, a.name AS agency_name
         FROM (SELECT e.at, e.user_id, e.action, e.record_type, e.outcome, e.basis, e.detail FROM audit_event e WHERE e.family_id = $1
               UNION ALL
               SELECT s.at, e.user_id, e.action, e.record_type, e.outcome, 'list' AS basis, '{}'::jsonb AS detail
                 FROM audit_family_shown s JOIN audit_event e ON e.id = s.event_id WHERE s.family_id = $1) x
         LEFT JOIN app_user u ON u.id = x.user_id LEFT JOIN agency a ON a.id = u.agency_id
        ORDER BY x.at DESC LIMIT $2`, [familyId, limit]);
  },

  async forFamily(q: Queryable, familyId: string, limit = 100): Promise<AuditRow[]> {
    return q.query<AuditRow>(
      `SELECT id, at, user_id, action, record_type, record_id, family_id, outcome, ip
         FROM audit_event WHERE family_id = $1 ORDER BY id DESC LIMIT $2`,
      [familyId, limit],
    );
  },
};

import type { Queryable } from '../../db/database.ts';

export interface AuditEvent {
  userId: string | null;
  action: string;
  recordType: string;
  recordId?: string | null;
  familyId?: string | null;
  outcome: 'allowed' | 'denied';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  user_id: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  family_id: string | null;
  outcome: 'allowed' | 'denied';
  ip: string | null;
}

export const auditRepository = {
  async insert(q: Queryable, e: AuditEvent): Promise<void> {
    await q.query(
      `INSERT INTO audit_event (user_id, action, record_type, record_id, family_id, outcome, ip, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.userId, e.action, e.recordType, e.recordId ?? null, e.familyId ?? null, e.outcome, e.ip ?? null, JSON.stringify(e.detail ?? {})],
    );
  },

  async forFamily(q: Queryable, familyId: string, limit = 100): Promise<AuditRow[]> {
    return q.query<AuditRow>(
      `SELECT id, at, user_id, action, record_type, record_id, family_id, outcome, ip
         FROM audit_event WHERE family_id = $1 ORDER BY id DESC LIMIT $2`,
      [familyId, limit],
    );
  },
};

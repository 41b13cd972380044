import type { Queryable } from '../../db/database.ts';
import type { CaseState } from '../../domain/casework/lifecycle.ts';
import { awaitingAllocationFilterSql } from '../../domain/access/policy.ts';
import type { UserRole } from '../../domain/codes.ts';

/** Both engines return timestamptz as Date objects: the module works with ISO strings. */
function instant(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
function maybeInstant(value: unknown): string | null {
  return value === null || value === undefined ? null : instant(value);
}

export interface WorkCaseRow {
  id: string;
  reference: string;
  family_id: string;
  family_name: string;
  state: CaseState;
  key_worker_id: string | null;
  key_worker_name: string | null;
  programme_id: string;
  programme_name: string;
  duration_weeks: number;
  first_visit_hours: number;
  review_interval_days: number;
  no_contact_alert_days: number;
  caseload_limit: number;
  follow_up_months: number[];
  referred_at: string;
  opened_at: string;
  first_visit_due_at: string;
  allocated_at: string | null;
  first_contact_at: string | null;
  last_contact_at: string | null;
  plan_agreed_at: string | null;
  last_review_at: string | null;
  /** The family's latest closure of another case on or before this case opened. */
  previous_closed_at: string | null;
  previous_reference: string | null;
  closed_at: string | null;
}

export interface FollowUpRow {
  id: string;
  case_id: string;
  months_after: number;
  due_on: string;
  done_on: string | null;
  outcome_note: string;
  done_by_name: string | null;
  version: number;
}

export interface DueFollowUpRow extends FollowUpRow {
  reference: string;
  family_id: string;
  family_name: string;
  programme_name: string;
  closed_at: string;
}

export interface ClosureRow {
  id: string;
  reference: string;
  closed_at: string;
  closure_reason: string;
}

const caseSelect = `
  SELECT c.id, c.reference, c.family_id, f.family_name, c.state, c.key_worker_id, u.display_name AS key_worker_name,
         p.id AS programme_id, p.name AS programme_name, p.duration_weeks, p.first_visit_hours, p.review_interval_days,
         p.no_contact_alert_days, p.caseload_limit, p.follow_up_months,
         r.received_at AS referred_at, c.opened_at, c.first_visit_due_at, c.allocated_at, c.closed_at,
         (SELECT min(e.at) FROM case_event e WHERE e.case_id = c.id AND e.event = 'record_contact') AS first_contact_at,
         (SELECT max(e.at) FROM case_event e WHERE e.case_id = c.id AND e.event = 'record_contact') AS last_contact_at,
         (SELECT min(e.at) FROM case_event e WHERE e.case_id = c.id AND e.event = 'agree_plan') AS plan_agreed_at,
         (SELECT max(e.at) FROM case_event e WHERE e.case_id = c.id AND e.event IN ('agree_plan', 'review_plan')) AS last_review_at,
         prev.closed_at AS previous_closed_at, prev.reference AS previous_reference
    FROM casefile c
    JOIN family f ON f.id = c.family_id
    JOIN programme p ON p.id = c.programme_id
    JOIN referral r ON r.id = c.referral_id
    LEFT JOIN app_user u ON u.id = c.key_worker_id
    LEFT JOIN LATERAL (
      SELECT pc.closed_at, pc.reference FROM casefile pc
       WHERE pc.family_id = c.family_id AND pc.id <> c.id AND pc.state = 'closed' AND pc.closed_at <= c.opened_at
       ORDER BY pc.closed_at DESC LIMIT 1) prev ON true`;

function caseRow(row: Record<string, unknown>): WorkCaseRow {
  const r = row as unknown as WorkCaseRow;
  return {
    ...r,
    referred_at: instant(row.referred_at), opened_at: instant(row.opened_at), first_visit_due_at: instant(row.first_visit_due_at),
    allocated_at: maybeInstant(row.allocated_at), first_contact_at: maybeInstant(row.first_contact_at), last_contact_at: maybeInstant(row.last_contact_at),
    plan_agreed_at: maybeInstant(row.plan_agreed_at), last_review_at: maybeInstant(row.last_review_at),
    previous_closed_at: maybeInstant(row.previous_closed_at), closed_at: maybeInstant(row.closed_at),
  };
}

const followUpSelect = `
  SELECT fu.id, fu.case_id, fu.months_after, fu.due_on, fu.done_on, fu.outcome_note, du.display_name AS done_by_name, fu.version
    FROM follow_up fu LEFT JOIN app_user du ON du.id = fu.done_by`;

export const workRepository = {
  /** Open cases held by these key workers, with the dates that decide what is due. */
  async openCasesOf(q: Queryable, keyWorkerIds: readonly string[]): Promise<WorkCaseRow[]> {
    if (!keyWorkerIds.length) return [];
    const rows = await q.query<Record<string, unknown>>(
      `${caseSelect} WHERE c.state <> 'closed' AND c.key_worker_id = ANY($1::uuid[]) ORDER BY c.opened_at, c.reference`, [keyWorkerIds]);
    return rows.map(caseRow);
  },

  /**
   * Cases accepted at screening and not yet allocated that the access policy gives this manager
   * (`awaitingAllocationFilterSql`: accepted by them, by someone in a team they manage, or by
   * another manager of one of their teams).
   */
  async awaitingAllocationFor(q: Queryable, manager: { id: string; role: UserRole }): Promise<WorkCaseRow[]> {
    const rows = await q.query<Record<string, unknown>>(
      `${caseSelect}
        WHERE c.state = 'awaiting_allocation' AND ${awaitingAllocationFilterSql(manager, '$1')}
        ORDER BY r.received_at, c.reference`, [manager.id]);
    return rows.map(caseRow);
  },

  async caseForWork(q: Queryable, caseId: string): Promise<WorkCaseRow | undefined> {
    const rows = await q.query<Record<string, unknown>>(`${caseSelect} WHERE c.id = $1`, [caseId]);
    return rows[0] ? caseRow(rows[0]) : undefined;
  },

  /** Practitioners in the teams this manager manages. */
  managedPractitioners: (q: Queryable, managerId: string) =>
    q.query<{ id: string; display_name: string; team_name: string | null }>(
      `SELECT DISTINCT u.id, u.display_name, t.name AS team_name FROM app_user u
         JOIN team_manager tm ON tm.team_id = u.team_id LEFT JOIN team t ON t.id = u.team_id
        WHERE tm.user_id = $1 AND u.active AND u.role = 'practitioner' AND u.id <> $1
        ORDER BY u.display_name`, [managerId]),

  followUpsForCases: (q: Queryable, caseIds: readonly string[]) =>
    caseIds.length ? q.query<FollowUpRow>(`${followUpSelect} WHERE fu.case_id = ANY($1::uuid[]) ORDER BY fu.due_on`, [caseIds]) : Promise.resolve([]),

  /** Follow-ups not yet done, due by `until`, on closed cases this user was key worker for. */
  async dueFollowUpsFor(q: Queryable, userId: string, until: string): Promise<DueFollowUpRow[]> {
    const rows = await q.query<DueFollowUpRow>(
      `SELECT fu.id, fu.case_id, fu.months_after, fu.due_on, fu.done_on, fu.outcome_note, NULL AS done_by_name, fu.version,
              c.reference, c.family_id, f.family_name, p.name AS programme_name, c.closed_at
         FROM follow_up fu JOIN casefile c ON c.id = fu.case_id JOIN family f ON f.id = c.family_id JOIN programme p ON p.id = c.programme_id
        WHERE c.key_worker_id = $1 AND fu.done_on IS NULL AND fu.due_on <= $2::date
        ORDER BY fu.due_on, c.reference`, [userId, until]);
    return rows.map((r) => ({ ...r, closed_at: instant(r.closed_at) }));
  },

  followUps: (q: Queryable, caseId: string) =>
    q.query<FollowUpRow>(`${followUpSelect} WHERE fu.case_id = $1 ORDER BY fu.due_on`, [caseId]),

  async followUp(q: Queryable, caseId: string, followUpId: string): Promise<FollowUpRow | undefined> {
    return (await q.query<FollowUpRow>(`${followUpSelect} WHERE fu.case_id = $1 AND fu.id = $2`, [caseId, followUpId]))[0];
  },

  /** Records the closure on the case if nobody has changed it since `version` was read; false otherwise. */
  async recordClosure(q: Queryable, caseId: string, version: number, c: {
    closedAt: string; reason: string; reasonOther: string; tier: number; to: string; summary: string; closedBy: string; serviceId?: string | null;
  }): Promise<boolean> {
    const rows = await q.query(
      `UPDATE casefile SET closed_at = $3, closure_reason = $4, closure_reason_other = $5, step_down_tier = $6, step_down_to = $7,
              closing_summary = $8, closed_by = $9, step_down_service_id = $10
        WHERE id = $1 AND version = $2 AND state <> 'closed' RETURNING id`,
      [caseId, version, c.closedAt, c.reason, c.reasonOther, c.tier, c.to, c.summary, c.closedBy, c.serviceId ?? null]);
    return rows.length === 1;
  },

  async insertFollowUps(q: Queryable, caseId: string, followUps: readonly { id: string; monthsAfter: number; dueOn: string }[]) {
    for (const f of followUps) {
      await q.query('INSERT INTO follow_up (id, case_id, months_after, due_on) VALUES ($1, $2, $3, $4)', [f.id, caseId, f.monthsAfter, f.dueOn]);
    }
  },

  async recordFollowUp(q: Queryable, followUpId: string, version: number, f: { doneOn: string; note: string; doneBy: string; recordedAt: string }): Promise<boolean> {
    const rows = await q.query(
      `UPDATE follow_up SET done_on = $3, outcome_note = $4, done_by = $5, recorded_at = $6, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`, [followUpId, version, f.doneOn, f.note, f.doneBy, f.recordedAt]);
    return rows.length === 1;
  },

  async closureDetails(q: Queryable, caseId: string) {
    const rows = await q.query<{ closure_reason_other: string; closed_by_name: string | null }>(
      `SELECT c.closure_reason_other, u.display_name AS closed_by_name FROM casefile c LEFT JOIN app_user u ON u.id = c.closed_by WHERE c.id = $1`, [caseId]);
    return rows[0];
  },

  /** The family's closed cases, most recent first. */
  async closuresForFamily(q: Queryable, familyId: string): Promise<ClosureRow[]> {
    const rows = await q.query<ClosureRow>(
      `SELECT id, reference, closed_at, closure_reason FROM casefile WHERE family_id = $1 AND state = 'closed' AND closed_at IS NOT NULL
        ORDER BY closed_at DESC`, [familyId]);
    return rows.map((r) => ({ ...r, closed_at: instant(r.closed_at) }));
  },
};

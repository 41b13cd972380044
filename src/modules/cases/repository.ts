import type { AgencyKind, UserRole } from '../../domain/codes.ts';
import type { Queryable } from '../../db/database.ts';
import type { CaseState } from '../../domain/casework/lifecycle.ts';

export interface ProgrammeRow {
  id: string;
  key: string;
  name: string;
  description: string;
  duration_weeks: number;
  max_hours_per_week: string;
  min_visits_per_week: number;
  max_visits_per_week: number;
  first_visit_hours: number;
  review_interval_days: number;
  caseload_limit: number;
  follow_up_months: number[];
  no_contact_alert_days: number;
  safety_plan_at_start: boolean;
  availability: string;
}

export interface WorkerCaseloadRow {
  id: string;
  display_name: string;
  job_title: string;
  team_id: string | null;
  team_name: string | null;
  agency_name: string;
  open_case_limits: number[];
}

export interface CaseRow {
  id: string;
  reference: string;
  family_id: string;
  family_name: string;
  referral_id: string;
  programme_id: string;
  programme_name: string;
  state: CaseState;
  key_worker_id: string | null;
  key_worker_name: string | null;
  opened_at: string;
  first_visit_due_at: string;
  allocated_at: string | null;
  closed_at: string | null;
  closure_reason: string;
  closure_reason_other: string;
  /** Who accepted the referral at screening, opening the case. */
  accepted_by_name: string | null;
  step_down_tier: number | null;
  step_down_to: string;
  closing_summary: string;
  version: number;
}

const caseColumns = `c.id, c.reference, c.family_id, f.family_name, c.referral_id, c.programme_id, p.name AS programme_name, c.state,
  c.key_worker_id, u.display_name AS key_worker_name, c.opened_at, c.first_visit_due_at, c.allocated_at, c.closed_at,
  c.closure_reason, c.closure_reason_other, c.step_down_tier, c.step_down_to, c.closing_summary, c.version,
  (SELECT d.display_name FROM referral r JOIN app_user d ON d.id = r.decided_by WHERE r.id = c.referral_id) AS accepted_by_name`;
const caseJoins = `FROM casefile c JOIN family f ON f.id = c.family_id JOIN programme p ON p.id = c.programme_id
  LEFT JOIN app_user u ON u.id = c.key_worker_id`;

export const casesRepository = {
  programmes: (q: Queryable) => q.query<ProgrammeRow>('SELECT * FROM programme WHERE active ORDER BY name'),

  async programme(q: Queryable, id: string): Promise<ProgrammeRow | undefined> {
    return (await q.query<ProgrammeRow>('SELECT * FROM programme WHERE id = $1', [id]))[0];
  },

  async case(q: Queryable, id: string): Promise<CaseRow | undefined> {
    return (await q.query<CaseRow>(`SELECT ${caseColumns} ${caseJoins} WHERE c.id = $1`, [id]))[0];
  },

  casesForFamily: (q: Queryable, familyId: string) =>
    q.query<CaseRow>(`SELECT ${caseColumns} ${caseJoins} WHERE c.family_id = $1 ORDER BY c.opened_at DESC`, [familyId]),

  async insertCase(q: Queryable, c: { id: string; familyId: string; referralId: string; programmeId: string; firstVisitDueAt: string; openedAt: Date }): Promise<string> {
    const rows = await q.query<{ reference: string }>(
      `INSERT INTO casefile (id, reference, family_id, referral_id, programme_id, state, first_visit_due_at, opened_at)
       VALUES ($1, 'CASE-' || lpad(nextval('casefile_reference_seq')::text, 6, '0'), $2, $3, $4, 'awaiting_allocation', $5, $6)
       RETURNING reference`, [c.id, c.familyId, c.referralId, c.programmeId, c.firstVisitDueAt, c.openedAt]);
    return rows[0].reference;
  },

  async setState(q: Queryable, caseId: string, from: CaseState, to: CaseState, event: string, byUser: string, at: Date, note = '') {
    await q.query('UPDATE casefile SET state = $2, version = version + 1 WHERE id = $1', [caseId, to]);
    await q.query('INSERT INTO case_event (case_id, event, from_state, to_state, by_user, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [caseId, event, from, to, byUser, note, at]);
  },

  async setKeyWorker(q: Queryable, caseId: string, userId: string, overCaseloadReason: string, at: Date) {
    await q.query(
      `UPDATE casefile SET key_worker_id = $2, allocated_at = $4, over_caseload_reason = $3, version = version + 1 WHERE id = $1`,
      [caseId, userId, overCaseloadReason, at]);
  },

  /**
   * Possible key workers with the caseload limit of each of their open cases (other than
   * `exceptCaseId`, the case being allocated), for the caseload rule. `teamIds` narrows the list.
   */
  workersWithCaseloads: (q: Queryable, options: { exceptCaseId?: string | null; teamIds?: readonly string[] | null; userId?: string | null } = {}) =>
    q.query<WorkerCaseloadRow>(
      `SELECT u.id, u.display_name, u.job_title, u.team_id, t.name AS team_name, a.name AS agency_name,
              coalesce((SELECT array_agg(p.caseload_limit ORDER BY p.caseload_limit) FROM casefile c JOIN programme p ON p.id = c.programme_id
                         WHERE c.key_worker_id = u.id AND c.state <> 'closed' AND c.id IS DISTINCT FROM $1::uuid), '{}') AS open_case_limits
         FROM app_user u JOIN agency a ON a.id = u.agency_id LEFT JOIN team t ON t.id = u.team_id
        WHERE u.active AND u.role = 'practitioner' AND ($2::uuid[] IS NULL OR u.team_id = ANY($2::uuid[]))
          AND ($3::uuid IS NULL OR u.id = $3::uuid)
        ORDER BY t.name NULLS LAST, u.display_name`, [options.exceptCaseId ?? null, options.teamIds ?? null, options.userId ?? null]),

  /** Teams with practitioners in them, for finding a key worker outside the manager's own teams. */
  teamsWithPractitioners: (q: Queryable) =>
    q.query<{ id: string; name: string; agency_name: string }>(
      `SELECT t.id, t.name, a.name AS agency_name FROM team t JOIN agency a ON a.id = t.agency_id
        WHERE EXISTS (SELECT 1 FROM app_user u WHERE u.team_id = t.id AND u.active AND u.role = 'practitioner')
        ORDER BY a.name, t.name`),

  managedTeamIds: async (q: Queryable, managerId: string): Promise<string[]> =>
    (await q.query<{ team_id: string }>('SELECT team_id FROM team_manager WHERE user_id = $1', [managerId])).map((r) => r.team_id),

  async user(q: Queryable, id: string): Promise<{ id: string; display_name: string; role: UserRole; agency_kind: AgencyKind; active: boolean } | undefined> {
    return (await q.query<{ id: string; display_name: string; role: UserRole; agency_kind: AgencyKind; active: boolean }>(
      'SELECT u.id, u.display_name, u.role, a.kind AS agency_kind, u.active FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.id = $1', [id]))[0];
  },

  /** Makes the user the family's lead professional (key worker) in the team around the family. */
  async makeLead(q: Queryable, familyId: string, userId: string, id: string, today: string) {
    await q.query('UPDATE family_professional SET is_lead = false WHERE family_id = $1 AND is_lead AND left_on IS NULL', [familyId]);
    const updated = await q.query(
      `UPDATE family_professional SET is_lead = true, role_in_family = 'Key worker' WHERE family_id = $1 AND user_id = $2 AND left_on IS NULL RETURNING id`,
      [familyId, userId]);
    if (updated.length === 0) {
      await q.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES ($1, $2, $3, 'Key worker', true, $4)`,
        [id, familyId, userId, today]);
    }
  },

  /** True when the person is in the team around the family now. */
  inTeam: async (q: Queryable, familyId: string, userId: string): Promise<boolean> =>
    (await q.query('SELECT 1 FROM family_professional WHERE family_id = $1 AND user_id = $2 AND left_on IS NULL', [familyId, userId])).length > 0,

  async joinTeam(q: Queryable, p: { id: string; familyId: string; userId: string; roleInFamily: string; today: string }): Promise<boolean> {
    const existing = await q.query('SELECT 1 FROM family_professional WHERE family_id = $1 AND user_id = $2 AND left_on IS NULL', [p.familyId, p.userId]);
    if (existing.length) return false;
    await q.query(`INSERT INTO family_professional (id, family_id, user_id, role_in_family, is_lead, joined_on) VALUES ($1, $2, $3, $4, false, $5)`,
      [p.id, p.familyId, p.userId, p.roleInFamily, p.today]);
    return true;
  },

  caseEvents: (q: Queryable, caseId: string) =>
    q.query<{ event: string; from_state: string; to_state: string; at: string; by_name: string | null; note: string }>(
      `SELECT e.event, e.from_state, e.to_state, e.at, u.display_name AS by_name, e.note FROM case_event e
         LEFT JOIN app_user u ON u.id = e.by_user WHERE e.case_id = $1 ORDER BY e.at, e.id`, [caseId]),
};

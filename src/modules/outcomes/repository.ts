import type { Queryable } from '../../db/database.ts';
import type { OutcomeAreaKey } from '../../domain/casework/outcome-areas.ts';
import type { LegalStatus } from '../../domain/codes.ts';
import type { FamilyStarArea, TimePoint, TreatmentState, WorkStep } from '../../domain/outcomes/measures.ts';

export interface MeasureRow {
  id: string;
  case_id: string;
  person_id: string | null;
  time_point: TimePoint;
  recorded_on: string;
  /** The time point's version (on its household row). */
  version: number;
  legal_status: LegalStatus | null;
  at_risk_of_removal: boolean | null;
  attendance_percent: string | number | null;
  exclusions: number | null;
  offences_6m: number | null;
  offences_12m: number | null;
  asb_6m: number | null;
  asb_12m: number | null;
  emergency_admissions: number | null;
  days_in_care: number | null;
  substance_treatment: TreatmentState | null;
  work_steps: WorkStep[];
  sdq_total: number | null;
  domestic_abuse_incidents: number | null;
  police_call_outs: number | null;
  rent_arrears: number | null;
  eviction_notices: number | null;
  family_star: Partial<Record<FamilyStarArea, number>>;
  sources: Record<string, string>;
  recorded_by_name: string | null;
  recorded_at: string;
}

/** Columns and their values, in the order of the insert below. */
export interface MeasureWrite {
  caseId: string;
  personId: string | null;
  timePoint: TimePoint;
  recordedOn: string;
  /** When it was recorded, by the clock. */
  recordedAt: Date;
  legalStatus?: LegalStatus | null;
  atRiskOfRemoval?: boolean | null;
  attendancePercent?: number | null;
  exclusions?: number | null;
  offences6m?: number | null;
  offences12m?: number | null;
  asb6m?: number | null;
  asb12m?: number | null;
  emergencyAdmissions?: number | null;
  daysInCare?: number | null;
  substanceTreatment?: TreatmentState | null;
  workSteps?: WorkStep[];
  sdqTotal?: number | null;
  domesticAbuseIncidents?: number | null;
  policeCallOuts?: number | null;
  rentArrears?: number | null;
  evictionNotices?: number | null;
  familyStar?: Partial<Record<FamilyStarArea, number>>;
  sources: Record<string, string>;
  userId: string | null;
}

export interface CohortCaseRow {
  id: string;
  reference: string;
  family_id: string;
  family_name: string;
  programme_name: string;
  state: string;
  opened_at: string;
  closed_at: string | null;
  key_worker_id: string | null;
  has_lead: boolean;
  assessment_complete: boolean;
  plan_agreed: boolean;
  dependent_children: boolean;
}

export interface CohortPersonRow {
  id: string;
  family_id: string;
  member_type: 'adult' | 'child' | 'unborn';
}

export interface GoalAreaRow {
  case_id: string;
  outcome_area: OutcomeAreaKey;
  distance_travelled: number | null;
}

const measureColumns = `m.id, m.case_id, m.person_id, m.time_point, m.recorded_on::text AS recorded_on, m.legal_status, m.at_risk_of_removal, m.attendance_percent,
  m.exclusions, m.offences_6m, m.offences_12m, m.asb_6m, m.asb_12m, m.emergency_admissions, m.days_in_care, m.substance_treatment, m.work_steps, m.sdq_total,
  m.domestic_abuse_incidents, m.police_call_outs, m.rent_arrears, m.eviction_notices, m.family_star, m.sources, u.display_name AS recorded_by_name, m.recorded_at, m.version`;

export const outcomesRepository = {
  measures: (q: Queryable, caseIds: string[]) =>
    q.query<MeasureRow>(`SELECT ${measureColumns} FROM outcome_measure m LEFT JOIN app_user u ON u.id = m.recorded_by
      WHERE m.case_id = ANY($1::uuid[]) ORDER BY m.case_id, m.time_point`, [caseIds]),

  /**
   * Takes the time point for one save if nobody saved since `version` was read (0: nothing was
   * recorded yet). The household row carries the version; the row lock (or, for a first save,
   * the unique index) makes concurrent saves wait, and all but the first then find nothing.
   */
  async claimTimePoint(q: Queryable, w: { id: string; caseId: string; timePoint: TimePoint; recordedOn: string; userId: string }, version: number): Promise<boolean> {
    if (version === 0) {
      const inserted = await q.query(
        `INSERT INTO outcome_measure (id, case_id, person_id, time_point, recorded_on, recorded_by) VALUES ($1, $2, NULL, $3, $4, $5)
         ON CONFLICT (case_id, time_point) WHERE person_id IS NULL DO NOTHING RETURNING id`, [w.id, w.caseId, w.timePoint, w.recordedOn, w.userId]);
      return inserted.length === 1;
    }
    const updated = await q.query(
      `UPDATE outcome_measure SET version = version + 1 WHERE case_id = $1 AND time_point = $2 AND person_id IS NULL AND version = $3 RETURNING id`,
      [w.caseId, w.timePoint, version]);
    return updated.length === 1;
  },

  /** A change that did not come through a form (linked agency data): forms read before it are out of date. */
  bumpTimePoint: (q: Queryable, caseId: string, timePoint: TimePoint) =>
    q.query(`UPDATE outcome_measure SET version = version + 1 WHERE case_id = $1 AND time_point = $2 AND person_id IS NULL`, [caseId, timePoint]),

  /** Writes one row (member or household) for a time point, replacing what was there. */
  async upsert(q: Queryable, id: string, w: MeasureWrite) {
    const values = [
      w.legalStatus ?? null, w.atRiskOfRemoval ?? null, w.attendancePercent ?? null, w.exclusions ?? null, w.offences6m ?? null, w.offences12m ?? null,
      w.asb6m ?? null, w.asb12m ?? null, w.emergencyAdmissions ?? null, w.daysInCare ?? null, w.substanceTreatment ?? null, w.workSteps ?? [], w.sdqTotal ?? null,
      w.domesticAbuseIncidents ?? null, w.policeCallOuts ?? null, w.rentArrears ?? null, w.evictionNotices ?? null, JSON.stringify(w.familyStar ?? {}),
      JSON.stringify(w.sources), w.userId, w.recordedOn,
    ];
    const existing = await q.query<{ id: string }>(
      `SELECT id FROM outcome_measure WHERE case_id = $1 AND time_point = $2 AND person_id IS NOT DISTINCT FROM $3::uuid`, [w.caseId, w.timePoint, w.personId]);
    if (existing[0]) {
      await q.query(
        `UPDATE outcome_measure SET legal_status = $2, at_risk_of_removal = $3, attendance_percent = $4, exclusions = $5, offences_6m = $6, offences_12m = $7,
           asb_6m = $8, asb_12m = $9, emergency_admissions = $10, days_in_care = $11, substance_treatment = $12, work_steps = $13, sdq_total = $14,
           domestic_abuse_incidents = $15, police_call_outs = $16, rent_arrears = $17, eviction_notices = $18, family_star = $19::jsonb, sources = $20::jsonb,
           recorded_by = $21, recorded_on = $22, recorded_at = $23
         WHERE id = $1`, [existing[0].id, ...values, w.recordedAt]);
      return;
    }
    await q.query(
      `INSERT INTO outcome_measure (legal_status, at_risk_of_removal, attendance_percent, exclusions, offences_6m, offences_12m, asb_6m, asb_12m,
         emergency_admissions, days_in_care, substance_treatment, work_steps, sdq_total, domestic_abuse_incidents, police_call_outs, rent_arrears,
         eviction_notices, family_star, sources, recorded_by, recorded_on, id, case_id, person_id, time_point, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19::jsonb, $20, $21, $22, $23, $24, $25, $26)`,
      [...values, id, w.caseId, w.personId, w.timePoint, w.recordedAt]);
  },

  /** Cases of a programme (or all) opened in a period, with what a claim needs to know about each. */
  cohort: (q: Queryable, f: { programmeId: string | null; from: string; to: string }) =>
    q.query<CohortCaseRow>(
      `SELECT c.id, c.reference, c.family_id, f.family_name, p.name AS programme_name, c.state, c.opened_at, c.closed_at, c.key_worker_id,
              (c.key_worker_id IS NOT NULL OR EXISTS (SELECT 1 FROM family_professional fp WHERE fp.family_id = c.family_id AND fp.is_lead)) AS has_lead,
              EXISTS (SELECT 1 FROM assessment a WHERE a.case_id = c.id AND a.completed_at IS NOT NULL) AS assessment_complete,
              EXISTS (SELECT 1 FROM family_plan fpl WHERE fpl.case_id = c.id AND fpl.status IN ('agreed','superseded')) AS plan_agreed,
              EXISTS (SELECT 1 FROM person pe WHERE pe.family_id = c.family_id AND pe.member_type IN ('child','unborn')) AS dependent_children
         FROM casefile c JOIN family f ON f.id = c.family_id JOIN programme p ON p.id = c.programme_id
        WHERE ($1::uuid IS NULL OR c.programme_id = $1::uuid) AND c.opened_at::date BETWEEN $2::date AND $3::date
        ORDER BY c.opened_at, c.reference`, [f.programmeId, f.from, f.to]),

  /** A family's cases with the dates their time points fall on (referral: opened; closure and follow-ups: closed). */
  familyCases: (q: Queryable, familyId: string) =>
    q.query<{ id: string; opened_on: string; closed_on: string | null; follow_up_months: number[] }>(
      `SELECT c.id, (c.opened_at AT TIME ZONE 'UTC')::date::text AS opened_on, (c.closed_at AT TIME ZONE 'UTC')::date::text AS closed_on, p.follow_up_months
         FROM casefile c JOIN programme p ON p.id = c.programme_id WHERE c.family_id = $1 ORDER BY c.opened_at`, [familyId]),

  people: (q: Queryable, familyIds: string[]) =>
    q.query<CohortPersonRow>('SELECT id, family_id, member_type FROM person WHERE family_id = ANY($1::uuid[])', [familyIds]),

  /** The goals of each case's plan in force (or the last agreed), with their outcome area and latest distance travelled. */
  goalAreas: (q: Queryable, caseIds: string[]) =>
    q.query<GoalAreaRow>(
      `SELECT p.case_id, g.outcome_area, g.distance_travelled
         FROM family_plan p JOIN plan_goal g ON g.plan_id = p.id
        WHERE p.case_id = ANY($1::uuid[]) AND p.status IN ('agreed','superseded')
          AND p.number = (SELECT max(p2.number) FROM family_plan p2 WHERE p2.case_id = p.case_id AND p2.status IN ('agreed','superseded'))`, [caseIds]),

  async setting<T>(q: Queryable, key: string): Promise<T | undefined> {
    return (await q.query<{ value: T }>('SELECT value FROM setting WHERE key = $1', [key]))[0]?.value;
  },

  async saveSetting(q: Queryable, key: string, value: unknown, at: Date) {
    await q.query(`INSERT INTO setting (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = $3`, [key, JSON.stringify(value), at]);
  },
};

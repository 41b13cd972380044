import type { Queryable } from '../../db/database.ts';
import type { AgencyKind, LegalStatus } from '../../domain/codes.ts';
import type { ActionStatus, ContactTime, OwnerType, PlanActionSnapshot } from '../../domain/casework/plan.ts';
import type { OutcomeAreaKey } from '../../domain/casework/outcome-areas.ts';

export interface AssessmentRow {
  id: string;
  case_id: string;
  family_view: string;
  wants_to_change: string;
  started_at: string;
  started_by_name: string | null;
  completed_at: string | null;
  completed_by_name: string | null;
  updated_at: string;
  version: number;
  /** Need to know: the agency of whoever started the assessment (null when not known). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface AssessmentMemberRow {
  person_id: string;
  strengths: string;
  needs: string;
  risks: string;
  factor_codes: string[];
  wishes_and_feelings: string;
  wishes_not_recorded_reason: string;
  updated_at: string;
  updated_by_name: string | null;
  version: number;
  /** Need to know: the agency of whoever last saved this part (null when not known). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface PlanRow {
  id: string;
  case_id: string;
  number: number;
  status: 'draft' | 'agreed' | 'superseded';
  review_date: string | null;
  based_on: string | null;
  created_at: string;
  created_by_name: string | null;
  agreed_at: string | null;
  agreed_by_name: string | null;
  superseded_at: string | null;
  version: number;
  /** Need to know: the agency of whoever started this version (null when not known). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface GoalRow {
  id: string;
  plan_id: string;
  lineage_id: string;
  position: number;
  goal: string;
  outcome_area: OutcomeAreaKey;
  progress_note: string;
  carried_over: boolean;
  /** 1-5, recorded at the review that made this version (migration 007). */
  distance_travelled: number | null;
}

export interface ActionRow {
  id: string;
  plan_id: string;
  goal_id: string;
  lineage_id: string;
  position: number;
  description: string;
  owner_type: OwnerType;
  owner_person_id: string | null;
  owner_user_id: string | null;
  owner_name: string;
  due_on: string;
  status: ActionStatus;
  /** Need to know: the agency of the practitioner who owns the action (they and their agency always see it). */
  owner_user_agency_id: string | null;
}

export interface AgencyCommitment {
  agency: string;
  commitment: string;
}

export interface ContractRow {
  id: string;
  case_id: string;
  family_commitments: string;
  key_worker_commitments: string;
  agency_commitments: AgencyCommitment[];
  consequences: string;
  agreed_on: string | null;
  updated_at: string;
  updated_by_name: string | null;
  version: number;
  /** Need to know: the agency of whoever last saved it (null when not known). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface SafetyContact {
  name: string;
  phone: string;
  when: ContactTime;
}

export interface SafetyPlanRow {
  id: string;
  case_id: string;
  risks: string;
  keeping_safe: string;
  who_does_what: string;
  contacts: SafetyContact[];
  updated_at: string;
  updated_by_name: string | null;
  version: number;
  /** Need to know: the agency of whoever last saved it (null when not known). */
  owner_agency_id: string | null;
  owner_agency_kind: AgencyKind | null;
}

export interface NewAction extends PlanActionSnapshot {
  id: string;
  planId: string;
  goalId: string;
}

/** Times as ISO 8601 strings in UTC on both engines (the drivers would otherwise return Date objects). */
const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ${column.split('.')[1]}`;

const planColumns = `p.id, p.case_id, p.number, p.status, p.review_date, p.based_on, ${ts('p.created_at')}, cu.display_name AS created_by_name,
  ${ts('p.agreed_at')}, au.display_name AS agreed_by_name, ${ts('p.superseded_at')}, p.version, cu.agency_id AS owner_agency_id, (SELECT ka.kind FROM agency ka WHERE ka.id = cu.agency_id) AS owner_agency_kind`;
const planJoins = `FROM family_plan p LEFT JOIN app_user cu ON cu.id = p.created_by LEFT JOIN app_user au ON au.id = p.agreed_by`;
const goalColumns = 'id, plan_id, lineage_id, position, goal, outcome_area, progress_note, carried_over, distance_travelled';
const actionColumns = `id, plan_id, goal_id, lineage_id, position, description, owner_type, owner_person_id, owner_user_id, owner_name,
  due_on, status, (SELECT ou.agency_id FROM app_user ou WHERE ou.id = owner_user_id) AS owner_user_agency_id`;

/** The only SQL of the plans module. Writes guarded by a version return false when someone else saved first. */
export const plansRepository = {
  // Assessment

  async assessment(q: Queryable, caseId: string): Promise<AssessmentRow | undefined> {
    return (await q.query<AssessmentRow>(
      `SELECT a.id, a.case_id, a.family_view, a.wants_to_change, ${ts('a.started_at')}, su.display_name AS started_by_name,
              ${ts('a.completed_at')}, cu.display_name AS completed_by_name, ${ts('a.updated_at')}, a.version, su.agency_id AS owner_agency_id, (SELECT ka.kind FROM agency ka WHERE ka.id = su.agency_id) AS owner_agency_kind
         FROM assessment a LEFT JOIN app_user su ON su.id = a.started_by LEFT JOIN app_user cu ON cu.id = a.completed_by
        WHERE a.case_id = $1`, [caseId]))[0];
  },

  async insertAssessment(q: Queryable, a: { id: string; caseId: string; userId: string; at: Date }) {
    await q.query('INSERT INTO assessment (id, case_id, started_by, updated_by, started_at, updated_at) VALUES ($1, $2, $3, $3, $4, $4)', [a.id, a.caseId, a.userId, a.at]);
  },

  async saveFamilyView(q: Queryable, id: string, version: number, v: { familyView: string; wantsToChange: string; userId: string; at: Date }): Promise<boolean> {
    const rows = await q.query(
      `UPDATE assessment SET family_view = $3, wants_to_change = $4, updated_by = $5, updated_at = $6, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`, [id, version, v.familyView, v.wantsToChange, v.userId, v.at]);
    return rows.length > 0;
  },

  async completeAssessment(q: Queryable, id: string, userId: string, at: Date) {
    await q.query('UPDATE assessment SET completed_at = $3, completed_by = $2, version = version + 1 WHERE id = $1', [id, userId, at]);
  },

  memberAssessments: (q: Queryable, assessmentId: string) =>
    q.query<AssessmentMemberRow>(
      `SELECT m.person_id, m.strengths, m.needs, m.risks, m.factor_codes, m.wishes_and_feelings, m.wishes_not_recorded_reason,
              ${ts('m.updated_at')}, u.display_name AS updated_by_name, m.version, u.agency_id AS owner_agency_id, (SELECT ka.kind FROM agency ka WHERE ka.id = u.agency_id) AS owner_agency_kind
         FROM assessment_member m LEFT JOIN app_user u ON u.id = m.updated_by WHERE m.assessment_id = $1`, [assessmentId]),

  /** Saves one member's part: version 0 means the first save (refused if someone saved it first). */
  async saveMemberAssessment(q: Queryable, assessmentId: string, personId: string, version: number, m: {
    strengths: string; needs: string; risks: string; factorCodes: string[]; wishesAndFeelings: string; wishesNotRecordedReason: string; userId: string; at: Date;
  }): Promise<boolean> {
    const values = [assessmentId, personId, m.strengths, m.needs, m.risks, m.factorCodes, m.wishesAndFeelings, m.wishesNotRecordedReason, m.userId, m.at];
    if (version === 0) {
      const rows = await q.query(
        `INSERT INTO assessment_member (assessment_id, person_id, strengths, needs, risks, factor_codes, wishes_and_feelings, wishes_not_recorded_reason, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10) ON CONFLICT (assessment_id, person_id) DO NOTHING RETURNING person_id`, values);
      return rows.length > 0;
    }
    const rows = await q.query(
      `UPDATE assessment_member SET strengths = $3, needs = $4, risks = $5, factor_codes = $6::text[], wishes_and_feelings = $7,
              wishes_not_recorded_reason = $8, updated_by = $9, updated_at = $10, version = version + 1
        WHERE assessment_id = $1 AND person_id = $2 AND version = $11 RETURNING person_id`, [...values, version]);
    return rows.length > 0;
  },

  // Plan versions

  plans: (q: Queryable, caseId: string) =>
    q.query<PlanRow>(`SELECT ${planColumns} ${planJoins} WHERE p.case_id = $1 ORDER BY p.number DESC`, [caseId]),

  async plan(q: Queryable, caseId: string, planId: string): Promise<PlanRow | undefined> {
    return (await q.query<PlanRow>(`SELECT ${planColumns} ${planJoins} WHERE p.case_id = $1 AND p.id = $2`, [caseId, planId]))[0];
  },

  async insertPlan(q: Queryable, p: { id: string; caseId: string; number: number; basedOn: string | null; reviewDate: string | null; userId: string; at: Date }) {
    await q.query(
      `INSERT INTO family_plan (id, case_id, number, status, review_date, based_on, created_by, created_at) VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7)`,
      [p.id, p.caseId, p.number, p.reviewDate, p.basedOn, p.userId, p.at]);
  },

  /** Claims the plan for a change: bumps its version if it is still the one the user read. */
  async bump(q: Queryable, planId: string, version: number): Promise<boolean> {
    return (await q.query('UPDATE family_plan SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id', [planId, version])).length > 0;
  },

  async setReviewDate(q: Queryable, planId: string, reviewDate: string) {
    await q.query('UPDATE family_plan SET review_date = $2 WHERE id = $1', [planId, reviewDate]);
  },

  async supersede(q: Queryable, planId: string, at: Date) {
    await q.query(`UPDATE family_plan SET status = 'superseded', superseded_at = $2, version = version + 1 WHERE id = $1`, [planId, at]);
  },

  async agree(q: Queryable, planId: string, userId: string, at: Date) {
    await q.query(`UPDATE family_plan SET status = 'agreed', agreed_at = $3, agreed_by = $2 WHERE id = $1`, [planId, userId, at]);
  },

  async deletePlan(q: Queryable, planId: string) {
    await q.query('DELETE FROM family_plan WHERE id = $1', [planId]);
  },

  goals: (q: Queryable, planIds: string[]) =>
    q.query<GoalRow>(`SELECT ${goalColumns} FROM plan_goal WHERE plan_id = ANY($1::uuid[]) ORDER BY position`, [planIds]),

  actions: (q: Queryable, planIds: string[]) =>
    q.query<ActionRow>(`SELECT ${actionColumns} FROM plan_action WHERE plan_id = ANY($1::uuid[]) ORDER BY position`, [planIds]),

  async goal(q: Queryable, goalId: string): Promise<GoalRow | undefined> {
    return (await q.query<GoalRow>(`SELECT ${goalColumns} FROM plan_goal WHERE id = $1`, [goalId]))[0];
  },

  async action(q: Queryable, actionId: string): Promise<ActionRow | undefined> {
    return (await q.query<ActionRow>(`SELECT ${actionColumns} FROM plan_action WHERE id = $1`, [actionId]))[0];
  },

  async insertGoal(q: Queryable, g: { id: string; planId: string; lineageId: string; goal: string; outcomeArea: string; progressNote: string; carriedOver: boolean }) {
    await q.query(
      `INSERT INTO plan_goal (id, plan_id, lineage_id, position, goal, outcome_area, progress_note, carried_over)
       VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM plan_goal WHERE plan_id = $2), $4, $5, $6, $7)`,
      [g.id, g.planId, g.lineageId, g.goal, g.outcomeArea, g.progressNote, g.carriedOver]);
  },

  async updateGoal(q: Queryable, goalId: string, g: { goal: string; outcomeArea: string; progressNote: string; distanceTravelled?: number | null }) {
    await q.query('UPDATE plan_goal SET goal = $2, outcome_area = $3, progress_note = $4, distance_travelled = $5 WHERE id = $1',
      [goalId, g.goal, g.outcomeArea, g.progressNote, g.distanceTravelled ?? null]);
  },

  async deleteGoal(q: Queryable, goalId: string) {
    await q.query('DELETE FROM plan_goal WHERE id = $1', [goalId]);
  },

  async insertAction(q: Queryable, a: NewAction) {
    await q.query(
      `INSERT INTO plan_action (id, plan_id, goal_id, lineage_id, position, description, owner_type, owner_person_id, owner_user_id, owner_name, due_on, status)
       VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM plan_action WHERE goal_id = $3), $5, $6, $7, $8, $9, $10, $11)`,
      [a.id, a.planId, a.goalId, a.lineageId, a.description, a.ownerType, a.ownerPersonId, a.ownerUserId, a.ownerName, a.dueOn, a.status]);
  },

  async updateAction(q: Queryable, actionId: string, a: Omit<NewAction, 'id' | 'planId' | 'goalId' | 'lineageId'>) {
    await q.query(
      `UPDATE plan_action SET description = $2, owner_type = $3, owner_person_id = $4, owner_user_id = $5, owner_name = $6, due_on = $7, status = $8
        WHERE id = $1`, [actionId, a.description, a.ownerType, a.ownerPersonId, a.ownerUserId, a.ownerName, a.dueOn, a.status]);
  },

  async setActionStatus(q: Queryable, actionId: string, status: ActionStatus) {
    await q.query('UPDATE plan_action SET status = $2 WHERE id = $1', [actionId, status]);
  },

  async deleteAction(q: Queryable, actionId: string) {
    await q.query('DELETE FROM plan_action WHERE id = $1', [actionId]);
  },

  // Contract and safety plan

  async contract(q: Queryable, caseId: string): Promise<ContractRow | undefined> {
    return (await q.query<ContractRow>(
      `SELECT c.id, c.case_id, c.family_commitments, c.key_worker_commitments, c.agency_commitments, c.consequences, c.agreed_on,
              ${ts('c.updated_at')}, u.display_name AS updated_by_name, c.version, u.agency_id AS owner_agency_id, (SELECT ka.kind FROM agency ka WHERE ka.id = u.agency_id) AS owner_agency_kind
         FROM family_contract c LEFT JOIN app_user u ON u.id = c.updated_by WHERE c.case_id = $1`, [caseId]))[0];
  },

  /** Saves the contract: version 0 creates it (refused if someone created it first), otherwise the version read must still be current. */
  async saveContract(q: Queryable, caseId: string, version: number, c: {
    id: string; familyCommitments: string; keyWorkerCommitments: string; agencyCommitments: AgencyCommitment[]; consequences: string; agreedOn: string | null; userId: string; at: Date;
  }): Promise<boolean> {
    const values = [caseId, c.familyCommitments, c.keyWorkerCommitments, JSON.stringify(c.agencyCommitments), c.consequences, c.agreedOn, c.userId, c.at];
    if (version === 0) {
      return (await q.query(
        `INSERT INTO family_contract (case_id, family_commitments, key_worker_commitments, agency_commitments, consequences, agreed_on, updated_by, updated_at, id)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9) ON CONFLICT (case_id) DO NOTHING RETURNING id`, [...values, c.id])).length > 0;
    }
    return (await q.query(
      `UPDATE family_contract SET family_commitments = $2, key_worker_commitments = $3, agency_commitments = $4::jsonb, consequences = $5,
              agreed_on = $6, updated_by = $7, updated_at = $8, version = version + 1
        WHERE case_id = $1 AND version = $9 RETURNING id`, [...values, version])).length > 0;
  },

  async safetyPlan(q: Queryable, caseId: string): Promise<SafetyPlanRow | undefined> {
    return (await q.query<SafetyPlanRow>(
      `SELECT s.id, s.case_id, s.risks, s.keeping_safe, s.who_does_what, s.contacts, ${ts('s.updated_at')}, u.display_name AS updated_by_name, s.version, u.agency_id AS owner_agency_id, (SELECT ka.kind FROM agency ka WHERE ka.id = u.agency_id) AS owner_agency_kind
         FROM safety_plan s LEFT JOIN app_user u ON u.id = s.updated_by WHERE s.case_id = $1`, [caseId]))[0];
  },

  async saveSafetyPlan(q: Queryable, caseId: string, version: number, s: {
    id: string; risks: string; keepingSafe: string; whoDoesWhat: string; contacts: SafetyContact[]; userId: string; at: Date;
  }): Promise<boolean> {
    const values = [caseId, s.risks, s.keepingSafe, s.whoDoesWhat, JSON.stringify(s.contacts), s.userId, s.at];
    if (version === 0) {
      return (await q.query(
        `INSERT INTO safety_plan (case_id, risks, keeping_safe, who_does_what, contacts, updated_by, updated_at, id)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT (case_id) DO NOTHING RETURNING id`, [...values, s.id])).length > 0;
    }
    return (await q.query(
      `UPDATE safety_plan SET risks = $2, keeping_safe = $3, who_does_what = $4, contacts = $5::jsonb, updated_by = $6, updated_at = $7,
              version = version + 1
        WHERE case_id = $1 AND version = $8 RETURNING id`, [...values, version])).length > 0;
  },

  // Context read from the case and the family (read only)

  /** From the case's programme and family: whether a safety plan is wanted at the start, the review interval, the children's current legal statuses. */
  async caseContext(q: Queryable, caseId: string): Promise<{ programmeRequiresSafetyPlan: boolean; reviewIntervalDays: number; childStatuses: LegalStatus[] }> {
    const rows = await q.query<{ safety_plan_at_start: boolean; review_interval_days: number; statuses: LegalStatus[] | null }>(
      `SELECT p.safety_plan_at_start, p.review_interval_days,
              (SELECT array_agg(s.status) FROM legal_status s JOIN person m ON m.id = s.person_id
                WHERE m.family_id = c.family_id AND m.member_type <> 'adult' AND s.end_date IS NULL) AS statuses
         FROM casefile c JOIN programme p ON p.id = c.programme_id WHERE c.id = $1`, [caseId]);
    return {
      programmeRequiresSafetyPlan: rows[0]?.safety_plan_at_start ?? false, reviewIntervalDays: rows[0]?.review_interval_days ?? 28,
      childStatuses: rows[0]?.statuses ?? [],
    };
  },

  /** Whether any child's part of the assessment records risks (in words or as factors). */
  async childRisksRecorded(q: Queryable, caseId: string): Promise<boolean> {
    const rows = await q.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM assessment a JOIN assessment_member m ON m.assessment_id = a.id JOIN person p ON p.id = m.person_id
                       WHERE a.case_id = $1 AND p.member_type <> 'adult' AND (m.risks <> '' OR cardinality(m.factor_codes) > 0)) AS any`, [caseId]);
    return rows[0].any;
  },

  /** The current agreed plans of open cases among these: review dates and open actions past their due date. */
  dueItems: (q: Queryable, caseIds: string[], today: string) =>
    q.query<{ case_id: string; kind: 'plan_review' | 'plan_action'; due_on: string; number: number; description: string | null; owner_name: string | null }>(
      `SELECT p.case_id, 'plan_review' AS kind, p.review_date AS due_on, p.number, NULL AS description, NULL AS owner_name
         FROM family_plan p JOIN casefile c ON c.id = p.case_id
        WHERE p.case_id = ANY($1::uuid[]) AND p.status = 'agreed' AND p.review_date IS NOT NULL AND c.state <> 'closed'
       UNION ALL
       SELECT p.case_id, 'plan_action' AS kind, a.due_on, p.number, a.description, a.owner_name
         FROM plan_action a JOIN family_plan p ON p.id = a.plan_id JOIN casefile c ON c.id = p.case_id
        WHERE p.case_id = ANY($1::uuid[]) AND p.status = 'agreed' AND c.state <> 'closed'
          AND a.status IN ('not_started','in_progress') AND a.due_on < $2::date
        ORDER BY due_on, case_id`, [caseIds, today]),
};

import type { Queryable } from '../../db/database.ts';
import type { RetentionRecordType } from '../../domain/governance/retention.ts';

export interface FamilyHeader { id: string; reference: string; family_name: string; anonymised_at: Date | null }

export interface GrantRow {
  id: string;
  family_id: string;
  family_reference: string;
  user_id: string;
  user_name: string;
  agency_name: string;
  reason: string;
  reauthenticated_by: string;
  granted_at: Date;
  expires_at: Date;
  reviewed_at: Date | null;
  reviewed_by_name: string | null;
  review_note: string;
}

const grantColumns = `g.id, g.family_id, f.reference AS family_reference, g.user_id, u.display_name AS user_name, a.name AS agency_name,
  g.reason, g.reauthenticated_by, g.granted_at, g.expires_at, g.reviewed_at, r.display_name AS reviewed_by_name, g.review_note`;
const grantFrom = `break_glass_grant g JOIN family f ON f.id = g.family_id JOIN app_user u ON u.id = g.user_id
  JOIN agency a ON a.id = u.agency_id LEFT JOIN app_user r ON r.id = g.reviewed_by`;

export interface HoldRow {
  id: string;
  family_id: string;
  family_reference: string;
  reason: string;
  placed_by_name: string;
  placed_at: Date;
}

export interface RetentionRuleRow { record_type: RetentionRecordType; months: number; version: number; updated_at: Date | null; updated_by_name: string | null }

export const governanceRepository = {
  async familyByReference(q: Queryable, reference: string): Promise<FamilyHeader | undefined> {
    return (await q.query<FamilyHeader>('SELECT id, reference, family_name, anonymised_at FROM family WHERE reference = $1', [reference]))[0];
  },
  people: (q: Queryable, familyId: string) => q.query<{ id: string; given_name: string; family_name: string; role: string; member_type: string }>(
    'SELECT id, given_name, family_name, role, member_type FROM person WHERE family_id = $1 ORDER BY created_at, id', [familyId]),
  async familyById(q: Queryable, id: string): Promise<FamilyHeader | undefined> {
    return (await q.query<FamilyHeader>('SELECT id, reference, family_name, anonymised_at FROM family WHERE id = $1', [id]))[0];
  },

  // Break glass
  async insertGrant(q: Queryable, g: { id: string; familyId: string; userId: string; reason: string; method: string; grantedAt: Date; expiresAt: Date }) {
    await q.query(
      `INSERT INTO break_glass_grant (id, family_id, user_id, reason, reauthenticated_by, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [g.id, g.familyId, g.userId, g.reason, g.method, g.grantedAt, g.expiresAt]);
  },
  /** Tells the family's lead professionals and the managers of the actor's team; returns how many were told. */
  async insertNotices(q: Queryable, grantId: string, familyId: string, actorId: string): Promise<number> {
    const rows = await q.query<{ user_id: string }>(
      `INSERT INTO break_glass_notice (grant_id, user_id, why)
       SELECT $1, x.user_id, min(x.why) FROM (
         SELECT fp.user_id, 'lead' AS why FROM family_professional fp WHERE fp.family_id = $2 AND fp.is_lead AND fp.left_on IS NULL
         UNION
         SELECT tm.user_id, 'manager' AS why FROM app_user me JOIN team_manager tm ON tm.team_id = me.team_id WHERE me.id = $3
       ) x WHERE x.user_id <> $3 GROUP BY x.user_id
       RETURNING user_id`, [grantId, familyId, actorId]);
    return rows.length;
  },
  async unreadNotices(q: Queryable, userId: string): Promise<(GrantRow & { why: 'lead' | 'manager' })[]> {
    return q.query(
      `SELECT ${grantColumns}, n.why FROM break_glass_notice n JOIN ${grantFrom} ON g.id = n.grant_id
        WHERE n.user_id = $1 AND n.read_at IS NULL ORDER BY g.granted_at DESC LIMIT 50`, [userId]);
  },
  async markNoticeRead(q: Queryable, grantId: string, userId: string, at: Date): Promise<boolean> {
    return (await q.query('UPDATE break_glass_notice SET read_at = $3 WHERE grant_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING grant_id', [grantId, userId, at])).length > 0;
  },
  async grantsForFamily(q: Queryable, familyId: string, now: Date): Promise<GrantRow[]> {
    return q.query(`SELECT ${grantColumns} FROM ${grantFrom} WHERE g.family_id = $1 AND g.expires_at > $2 ORDER BY g.granted_at DESC`, [familyId, now]);
  },
  async activeGrant(q: Queryable, userId: string, familyId: string, now: Date): Promise<GrantRow | undefined> {
    return (await q.query<GrantRow>(
      `SELECT ${grantColumns} FROM ${grantFrom} WHERE g.user_id = $1 AND g.family_id = $2 AND g.granted_at <= $3 AND g.expires_at > $3
        ORDER BY g.expires_at DESC LIMIT 1`, [userId, familyId, now]))[0];
  },
  /** The review list: every grant (a DPO) or those of people in the teams a manager manages; unreviewed first, newest first. */
  async reviewList(q: Queryable, scope: { managerId: string | null }, limit = 200): Promise<GrantRow[]> {
    const params: unknown[] = [limit];
    let where = 'true';
    if (scope.managerId) {
      params.push(scope.managerId);
      where = `u.team_id IN (SELECT tm.team_id FROM team_manager tm WHERE tm.user_id = $2)`;
    }
    return q.query(`SELECT ${grantColumns} FROM ${grantFrom} WHERE ${where} ORDER BY (g.reviewed_at IS NULL) DESC, g.granted_at DESC LIMIT $1`, params);
  },
  async grant(q: Queryable, grantId: string): Promise<(GrantRow & { team_id: string | null }) | undefined> {
    return (await q.query<GrantRow & { team_id: string | null }>(`SELECT ${grantColumns}, u.team_id FROM ${grantFrom} WHERE g.id = $1`, [grantId]))[0];
  },
  async managesTeam(q: Queryable, managerId: string, teamId: string | null): Promise<boolean> {
    if (!teamId) return false;
    return (await q.query('SELECT 1 FROM team_manager WHERE user_id = $1 AND team_id = $2', [managerId, teamId])).length > 0;
  },
  async review(q: Queryable, grantId: string, reviewerId: string, at: Date, note: string): Promise<boolean> {
    return (await q.query('UPDATE break_glass_grant SET reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $1 AND reviewed_at IS NULL RETURNING id',
      [grantId, reviewerId, at, note])).length > 0;
  },

  // Legal holds
  async activeHolds(q: Queryable): Promise<HoldRow[]> {
    return q.query(
      `SELECT h.id, h.family_id, f.reference AS family_reference, h.reason, u.display_name AS placed_by_name, h.placed_at
         FROM legal_hold h JOIN family f ON f.id = h.family_id JOIN app_user u ON u.id = h.placed_by
        WHERE h.lifted_at IS NULL ORDER BY h.placed_at DESC`);
  },
  async holdOn(q: Queryable, familyId: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM legal_hold WHERE family_id = $1 AND lifted_at IS NULL', [familyId])).length > 0;
  },
  async insertHold(q: Queryable, h: { id: string; familyId: string; reason: string; userId: string; at: Date }) {
    await q.query('INSERT INTO legal_hold (id, family_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5)', [h.id, h.familyId, h.reason, h.userId, h.at]);
  },
  async liftHold(q: Queryable, holdId: string, userId: string, at: Date, reason: string): Promise<{ family_id: string } | undefined> {
    return (await q.query<{ family_id: string }>(
      'UPDATE legal_hold SET lifted_by = $2, lifted_at = $3, lift_reason = $4 WHERE id = $1 AND lifted_at IS NULL RETURNING family_id', [holdId, userId, at, reason]))[0];
  },

  // Retention
  async rules(q: Queryable): Promise<RetentionRuleRow[]> {
    return q.query(
      `SELECT r.record_type, r.months, r.version, r.updated_at, u.display_name AS updated_by_name
         FROM retention_rule r LEFT JOIN app_user u ON u.id = r.updated_by ORDER BY r.record_type`);
  },
  async updateRule(q: Queryable, recordType: string, months: number, version: number, userId: string | null, at: Date): Promise<boolean> {
    return (await q.query('UPDATE retention_rule SET months = $2, version = version + 1, updated_by = $4, updated_at = $5 WHERE record_type = $1 AND version = $3 RETURNING record_type',
      [recordType, months, version, userId, at])).length > 0;
  },
  /** Families with at least one case and none open, not yet anonymised: the last closure and the youngest child's birth date. */
  async closedFamilies(q: Queryable): Promise<{ id: string; reference: string; last_closed_on: string; youngest_child_born_on: string | null; held: boolean }[]> {
    return q.query(
      `SELECT f.id, f.reference, to_char(max(c.closed_at) AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS last_closed_on,
              (SELECT to_char(max(p.date_of_birth), 'YYYY-MM-DD') FROM person p WHERE p.family_id = f.id AND p.member_type = 'child') AS youngest_child_born_on,
              EXISTS (SELECT 1 FROM legal_hold h WHERE h.family_id = f.id AND h.lifted_at IS NULL) AS held
         FROM family f JOIN casefile c ON c.family_id = f.id
        WHERE f.anonymised_at IS NULL
        GROUP BY f.id, f.reference
       HAVING bool_and(c.state = 'closed' AND c.closed_at IS NOT NULL)`);
  },
  async referralsNotAccepted(q: Queryable): Promise<{ id: string; reference: string; family_id: string | null; decided_on: string; held: boolean }[]> {
    return q.query(
      `SELECT r.id, r.reference, r.family_id, to_char(r.decided_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS decided_on,
              EXISTS (SELECT 1 FROM legal_hold h WHERE h.family_id = r.family_id AND h.lifted_at IS NULL) AS held
         FROM referral r WHERE r.status IN ('signposted', 'declined') AND r.decided_at IS NOT NULL AND r.anonymised_at IS NULL`);
  },
  async referralDrafts(q: Queryable): Promise<{ id: string; created_on: string }[]> {
    return q.query(`SELECT d.id, to_char(d.created_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS created_on FROM referral_draft d`);
  },
  /** Takes everything that identifies anyone out of a family's record; the record, its codes, dates and outcome measures stay for statistics. */
  async anonymiseFamily(q: Queryable, familyId: string, at: Date): Promise<boolean> {
    const done = await q.query(
      `UPDATE family SET family_name = 'Anonymised', address_line1 = '', address_line2 = '', town = '', postcode = '', postcode_key = '',
              anonymised_at = $2, version = version + 1
        WHERE id = $1 AND anonymised_at IS NULL AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.family_id = $1 AND h.lifted_at IS NULL)
        RETURNING id`, [familyId, at]);
    if (!done.length) return false;
    const cases = `(SELECT id FROM casefile WHERE family_id = $1)`;
    for (const sql of [
      `UPDATE person SET given_name = 'Anonymised', family_name = '', date_of_birth = NULL, search_keys = '{}', version = version + 1 WHERE family_id = $1`,
      `UPDATE need SET notes = '' WHERE person_id IN (SELECT id FROM person WHERE family_id = $1)`,
      `UPDATE contact SET notes = '', did_together = '', progress = '', next_steps = '', location = '', others_present = '' WHERE case_id IN ${cases}`,
      `UPDATE letter SET recipient_name = 'Anonymised', recipient_address = '', subject = '', salutation = '', did_together = '', progress = '', next_steps = '', who_to_contact = '', services_near_you = '' WHERE case_id IN ${cases}`,
      `UPDATE case_directory_service SET note = '' WHERE case_id IN ${cases}`,
      `UPDATE assessment SET family_view = '', wants_to_change = '' WHERE case_id IN ${cases}`,
      `UPDATE assessment_member SET strengths = '', needs = '', risks = '', wishes_and_feelings = '', wishes_not_recorded_reason = '' WHERE assessment_id IN (SELECT id FROM assessment WHERE case_id IN ${cases})`,
      `UPDATE plan_goal SET goal = 'Removed', progress_note = '' WHERE plan_id IN (SELECT id FROM family_plan WHERE case_id IN ${cases})`,
      `UPDATE plan_action SET description = 'Removed', owner_name = 'Removed' WHERE plan_id IN (SELECT id FROM family_plan WHERE case_id IN ${cases})`,
      `UPDATE family_contract SET family_commitments = '', key_worker_commitments = '', agency_commitments = '[]', consequences = '' WHERE case_id IN ${cases}`,
      `UPDATE safety_plan SET risks = '', keeping_safe = '', who_does_what = '', contacts = '[]' WHERE case_id IN ${cases}`,
      `UPDATE casefile SET closing_summary = '', over_caseload_reason = '' WHERE family_id = $1`,
      `UPDATE case_event SET note = '' WHERE case_id IN ${cases}`,
      `UPDATE follow_up SET outcome_note = '' WHERE case_id IN ${cases}`,
      `UPDATE chronology_entry SET summary = 'Removed', source = '' WHERE family_id = $1`,
      `UPDATE referral SET subject = '{"familyName": "Anonymised", "addressLine1": "", "postcode": "", "members": []}', reasons = 'Removed', referrer_contact = '', decision_reason = '', anonymised_at = $2 WHERE family_id = $1`,
      `UPDATE join_request SET reason = '' WHERE family_id = $1`,
    ]) await q.query(sql, sql.includes('$2') ? [familyId, at] : [familyId]);
    return true;
  },
  async anonymiseReferral(q: Queryable, referralId: string, at: Date): Promise<boolean> {
    return (await q.query(
      `UPDATE referral SET subject = '{"familyName": "Anonymised", "addressLine1": "", "postcode": "", "members": []}', reasons = 'Removed', referrer_contact = '', decision_reason = '', signposted_to = '', anonymised_at = $2
        WHERE id = $1 AND anonymised_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM legal_hold h WHERE h.family_id = referral.family_id AND h.lifted_at IS NULL) RETURNING id`, [referralId, at])).length > 0;
  },
  async deleteDraft(q: Queryable, draftId: string): Promise<boolean> {
    return (await q.query('DELETE FROM referral_draft WHERE id = $1 RETURNING id', [draftId])).length > 0;
  },
};

/** Reads for a subject access export: everything held about one person and the family records that may mention them. */
export const subjectAccessRepository = {
  async person(q: Queryable, personId: string) {
    return (await q.query<{ id: string; family_id: string; given_name: string; family_name: string; date_of_birth: string | null; expected_date: string | null; sex: string; member_type: string; role: string; created_at: Date }>(
      `SELECT id, family_id, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, to_char(expected_date, 'YYYY-MM-DD') AS expected_date,
              sex, member_type, role, created_at FROM person WHERE id = $1`, [personId]))[0];
  },
  family: (q: Queryable, familyId: string) => q.query<{ reference: string; family_name: string; address_line1: string; address_line2: string; town: string; postcode: string }>(
    'SELECT reference, family_name, address_line1, address_line2, town, postcode FROM family WHERE id = $1', [familyId]).then((r) => r[0]),
  members: (q: Queryable, familyId: string) => q.query<{ id: string; given_name: string; family_name: string; role: string }>(
    'SELECT id, given_name, family_name, role FROM person WHERE family_id = $1 ORDER BY created_at, id', [familyId]),
  relationships: (q: Queryable, personId: string) => q.query<{ kind: string; person_id: string; related_person_id: string; other_role: string }>(
    `SELECT r.kind, r.person_id, r.related_person_id, o.role AS other_role FROM relationship r
       JOIN person o ON o.id = CASE WHEN r.person_id = $1 THEN r.related_person_id ELSE r.person_id END
      WHERE r.person_id = $1 OR r.related_person_id = $1`, [personId]),
  needs: (q: Queryable, personId: string) => q.query<{ need_type: string; code: string | null; identified_on: string; is_current: boolean; notes: string; agency: string | null }>(
    `SELECT n.need_type, n.code, to_char(n.identified_on, 'YYYY-MM-DD') AS identified_on, n.is_current, n.notes, a.name AS agency
       FROM need n LEFT JOIN agency a ON a.id = n.source_agency_id WHERE n.person_id = $1 ORDER BY n.identified_on`, [personId]),
  statuses: (q: Queryable, personId: string) => q.query<{ status: string; start_date: string; end_date: string | null }>(
    `SELECT status, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM legal_status WHERE person_id = $1 ORDER BY start_date`, [personId]),
  contacts: (q: Queryable, familyId: string, personId: string) => q.query<{ id: string; contact_date: string; contact_type: string; notes: string; did_together: string; progress: string; next_steps: string; others_present: string; present: boolean; recorded_by: string }>(
    `SELECT c.id, to_char(c.contact_date, 'YYYY-MM-DD') AS contact_date, c.contact_type, c.notes, c.did_together, c.progress, c.next_steps, c.others_present,
            EXISTS (SELECT 1 FROM contact_person cp WHERE cp.contact_id = c.id AND cp.person_id = $2) AS present, u.display_name AS recorded_by
       FROM contact c JOIN casefile cf ON cf.id = c.case_id JOIN app_user u ON u.id = c.recorded_by
      WHERE cf.family_id = $1 ORDER BY c.contact_date, c.start_time`, [familyId, personId]),
  assessments: (q: Queryable, familyId: string) => q.query<{ id: string; case_reference: string; family_view: string; wants_to_change: string; started_at: Date; completed_at: Date | null;
    members: { person_id: string; strengths: string; needs: string; risks: string; factor_codes: string[]; wishes_and_feelings: string }[] }>(
    `SELECT a.id, cf.reference AS case_reference, a.family_view, a.wants_to_change, a.started_at, a.completed_at,
            coalesce((SELECT json_agg(json_build_object('person_id', m.person_id, 'strengths', m.strengths, 'needs', m.needs, 'risks', m.risks,
                        'factor_codes', m.factor_codes, 'wishes_and_feelings', m.wishes_and_feelings)) FROM assessment_member m WHERE m.assessment_id = a.id), '[]'::json) AS members
       FROM assessment a JOIN casefile cf ON cf.id = a.case_id WHERE cf.family_id = $1 ORDER BY a.started_at`, [familyId]),
  planActions: (q: Queryable, familyId: string) => q.query<{ plan_number: number; plan_status: string; case_reference: string; goal: string; description: string; owner_type: string; owner_person_id: string | null; owner_name: string; due_on: string; status: string }>(
    `SELECT p.number AS plan_number, p.status AS plan_status, cf.reference AS case_reference, g.goal, a.description, a.owner_type, a.owner_person_id, a.owner_name,
            to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.status
       FROM plan_action a JOIN plan_goal g ON g.id = a.goal_id JOIN family_plan p ON p.id = a.plan_id JOIN casefile cf ON cf.id = p.case_id
      WHERE cf.family_id = $1 ORDER BY cf.reference, p.number, g.position, a.position`, [familyId]),
  letters: (q: Queryable, familyId: string) => q.query<{ letter_date: string; recipient: string; recipient_name: string; subject: string; did_together: string; progress: string; next_steps: string; signed_by_name: string }>(
    `SELECT to_char(l.letter_date, 'YYYY-MM-DD') AS letter_date, l.recipient, l.recipient_name, l.subject, l.did_together, l.progress, l.next_steps, l.signed_by_name
       FROM letter l JOIN casefile cf ON cf.id = l.case_id WHERE cf.family_id = $1 ORDER BY l.letter_date`, [familyId]),
};

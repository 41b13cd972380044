import type { Queryable } from '../../db/database.ts';
import type { ReferralStatus } from '../../domain/casework/lifecycle.ts';

export interface ReferralSubject {
  familyName: string;
  addressLine1: string;
  postcode: string;
  members: { givenName: string; familyName: string; role: string; dateOfBirth: string | null }[];
}

export interface ReferralRow {
  id: string;
  reference: string;
  family_id: string | null;
  family_reference: string | null;
  family_name: string | null;
  subject: ReferralSubject;
  received_at: string;
  referred_by: string | null;
  referrer_name: string;
  referrer_agency: string;
  referrer_contact: string;
  self_referral: boolean;
  need_codes: string[];
  reasons: string;
  urgency: 'routine' | 'urgent' | 'emergency';
  consent: 'given' | 'not_given';
  lawful_basis: string;
  status: ReferralStatus;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_reason: string;
  signposted_to: string;
  programme_id: string | null;
  programme_name: string | null;
  level_of_need: number | null;
  level_rule: string;
  level_override: number | null;
  level_override_reason: string;
  version: number;
  case_id: string | null;
  routed_team_id: string | null;
  routed_team_name: string | null;
}

export interface JoinRequestRow {
  id: string;
  referral_id: string;
  referral_reference: string;
  family_id: string;
  requested_by: string;
  requested_by_name: string;
  requested_by_agency: string;
  requested_at: string;
  status: 'pending' | 'accepted' | 'refused';
  decided_by_name: string | null;
  decided_at: string | null;
  reason: string;
}

const joinRequestColumns = `j.id, j.referral_id, r.reference AS referral_reference, j.family_id, j.requested_by, u.display_name AS requested_by_name,
  a.name AS requested_by_agency, j.requested_at, j.status, d.display_name AS decided_by_name, j.decided_at, j.reason
  FROM join_request j JOIN referral r ON r.id = j.referral_id JOIN app_user u ON u.id = j.requested_by JOIN agency a ON a.id = u.agency_id
  LEFT JOIN app_user d ON d.id = j.decided_by`;

const columns = `r.id, r.reference, r.family_id, f.reference AS family_reference, f.family_name, r.subject, r.received_at, r.referred_by,
  r.referrer_name, r.referrer_agency, r.referrer_contact, r.self_referral, r.need_codes, r.reasons, r.urgency, r.consent, r.lawful_basis,
  r.status, d.display_name AS decided_by_name, r.decided_at, r.decision_reason, r.signposted_to, r.programme_id, p.name AS programme_name,
  r.level_of_need, r.level_rule, r.level_override, r.level_override_reason, r.version,
  (SELECT c.id FROM casefile c WHERE c.referral_id = r.id LIMIT 1) AS case_id, r.routed_team_id, rt.name AS routed_team_name`;
const joins = `FROM referral r LEFT JOIN family f ON f.id = r.family_id LEFT JOIN app_user d ON d.id = r.decided_by LEFT JOIN programme p ON p.id = r.programme_id
  LEFT JOIN team rt ON rt.id = r.routed_team_id`;

export interface ReferralDraftRow {
  id: string;
  created_by: string;
  source_type: string;
  source_id: string | null;
  fields: Record<string, string>;
}

export const referralsRepository = {
  async insertDraft(q: Queryable, d: { id: string; createdBy: string; createdAt: Date; sourceType: string; sourceId: string | null; fields: Record<string, string> }) {
    await q.query('INSERT INTO referral_draft (id, created_by, created_at, source_type, source_id, fields) VALUES ($1, $2, $3, $4, $5, $6)',
      [d.id, d.createdBy, d.createdAt, d.sourceType, d.sourceId, JSON.stringify(d.fields)]);
  },

  /** A draft made after `madeAfter` (older ones have lapsed). */
  async draft(q: Queryable, id: string, madeAfter: Date): Promise<ReferralDraftRow | undefined> {
    return (await q.query<ReferralDraftRow>(
      `SELECT id, created_by, source_type, source_id, fields FROM referral_draft WHERE id = $1 AND created_at > $2`, [id, madeAfter]))[0];
  },

  async insert(q: Queryable, r: {
    id: string; familyId: string | null; routedTeamId: string | null; subject: ReferralSubject; referredBy: string; referrerName: string; referrerAgency: string;
    referrerContact: string; selfReferral: boolean; needCodes: string[]; reasons: string; urgency: string; consent: string; lawfulBasis: string;
    receivedAt: Date;
  }): Promise<string> {
    const rows = await q.query<{ reference: string }>(
      `INSERT INTO referral (id, reference, family_id, subject, referred_by, referrer_name, referrer_agency, referrer_contact, self_referral,
         need_codes, reasons, urgency, consent, lawful_basis, received_at, routed_team_id)
       VALUES ($1, 'REF-' || lpad(nextval('referral_reference_seq')::text, 6, '0'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING reference`,
      [r.id, r.familyId, JSON.stringify(r.subject), r.referredBy, r.referrerName, r.referrerAgency, r.referrerContact, r.selfReferral,
        r.needCodes, r.reasons, r.urgency, r.consent, r.lawfulBasis, r.receivedAt, r.routedTeamId]);
    return rows[0].reference;
  },

  async referral(q: Queryable, id: string): Promise<ReferralRow | undefined> {
    return (await q.query<ReferralRow>(`SELECT ${columns} ${joins} WHERE r.id = $1`, [id]))[0];
  },

  /**
   * Referrals waiting for a decision, and those decided since `decidedSince` (the last 30 days, by
   * the clock), that the access policy's condition `visible` on `r` lets the reader see (its parameters in `params`).
   */
  queue: (q: Queryable, decidedSince: Date, visible: string, params: unknown[]) =>
    q.query<ReferralRow>(`SELECT ${columns} ${joins}
      WHERE ${visible} AND (r.status = 'received' OR r.decided_at > $${params.length + 1})
      ORDER BY (r.status = 'received') DESC, CASE r.urgency WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, r.received_at LIMIT 300`, [...params, decidedSince]),

  byReferrer: (q: Queryable, userId: string) =>
    q.query<ReferralRow>(`SELECT ${columns} ${joins} WHERE r.referred_by = $1 ORDER BY r.received_at DESC LIMIT 100`, [userId]),

  /** Families with people who match the referral's people by name keys and date of birth: possible existing records. */
  possibleFamilies: (q: Queryable, people: { keys: string[][]; dateOfBirth: string | null }[]) => {
    const params: unknown[] = [];
    const matches = people.filter((p) => p.keys.length).map((p) => {
      const conditions = p.keys.map((group) => { params.push(group); return `p.search_keys && $${params.length}::text[]`; });
      if (p.dateOfBirth) { params.push(p.dateOfBirth); conditions.push(`p.date_of_birth = $${params.length}::date`); }
      return `(${conditions.join(' AND ')})`;
    });
    if (!matches.length) return Promise.resolve([]);
    return q.query<{ family_id: string; reference: string; family_name: string; postcode: string; matching_people: number; member_names: string }>(
      `SELECT f.id AS family_id, f.reference, f.family_name, f.postcode, count(DISTINCT p.id)::int AS matching_people,
              string_agg(DISTINCT p.given_name || ' ' || p.family_name, ', ') AS member_names
         FROM person p JOIN family f ON f.id = p.family_id
        WHERE ${matches.join(' OR ')}
        GROUP BY f.id, f.reference, f.family_name, f.postcode ORDER BY matching_people DESC LIMIT 10`, params);
  },

  async correctSubject(q: Queryable, id: string, subject: ReferralSubject) {
    await q.query('UPDATE referral SET subject = $2 WHERE id = $1', [id, JSON.stringify(subject)]);
  },

  /** A screener's correction before screening, if nobody changed or screened the referral since `version` was read. */
  async correctDetails(q: Queryable, id: string, version: number, d: { subject: ReferralSubject; referrerName: string; referrerAgency: string; referrerContact: string; reasons: string }): Promise<number | null> {
    const rows = await q.query<{ version: number }>(
      `UPDATE referral SET subject = $3, referrer_name = $4, referrer_agency = $5, referrer_contact = $6, reasons = $7, version = version + 1
        WHERE id = $1 AND version = $2 AND status = 'received' RETURNING version`,
      [id, version, JSON.stringify(d.subject), d.referrerName, d.referrerAgency, d.referrerContact, d.reasons]);
    return rows[0]?.version ?? null;
  },

  async decide(q: Queryable, id: string, version: number, d: {
    status: string; decidedBy: string; reason: string; signpostedTo: string; programmeId: string | null; familyId: string | null;
    level: number; levelRule: string; levelOverride: number | null; levelOverrideReason: string; decidedAt: Date;
  }): Promise<boolean> {
    const rows = await q.query(
      `UPDATE referral SET status = $3, decided_by = $4, decided_at = $13, decision_reason = $5, signposted_to = $6, programme_id = $7,
              family_id = COALESCE($8, family_id), level_of_need = $9, level_rule = $10, level_override = $11, level_override_reason = $12,
              version = version + 1
        WHERE id = $1 AND version = $2 AND status = 'received' RETURNING id`,
      [id, version, d.status, d.decidedBy, d.reason, d.signpostedTo, d.programmeId, d.familyId, d.level, d.levelRule, d.levelOverride, d.levelOverrideReason, d.decidedAt]);
    return rows.length === 1;
  },

  async teamExists(q: Queryable, teamId: string): Promise<boolean> {
    return (await q.query('SELECT 1 FROM team WHERE id = $1', [teamId])).length === 1;
  },

  teams: (q: Queryable) =>
    q.query<{ id: string; name: string; agency_name: string }>('SELECT t.id, t.name, a.name AS agency_name FROM team t JOIN agency a ON a.id = t.agency_id ORDER BY a.name, t.name'),

  /** A pending request, unless one for this referral and family is already waiting. */
  async insertJoinRequest(q: Queryable, j: { id: string; referralId: string; familyId: string; requestedBy: string; at: Date }): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO join_request (id, referral_id, family_id, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (referral_id, family_id) WHERE status = 'pending' DO NOTHING RETURNING id`,
      [j.id, j.referralId, j.familyId, j.requestedBy, j.at.toISOString()]);
    return rows.length === 1;
  },

  async joinRequest(q: Queryable, id: string): Promise<JoinRequestRow | undefined> {
    return (await q.query<JoinRequestRow>(`SELECT ${joinRequestColumns} WHERE j.id = $1`, [id]))[0];
  },

  joinRequestsForFamily: (q: Queryable, familyId: string) =>
    q.query<JoinRequestRow>(`SELECT ${joinRequestColumns} WHERE j.family_id = $1 ORDER BY (j.status = 'pending') DESC, j.requested_at DESC LIMIT 50`, [familyId]),

  /** The requests made for a referral, without naming the family (the screener may not open it). */
  joinRequestsForReferral: (q: Queryable, referralId: string) =>
    q.query<{ id: string; status: string; requested_at: string; reason: string }>(
      'SELECT id, status, requested_at, reason FROM join_request WHERE referral_id = $1 ORDER BY requested_at DESC', [referralId]),

  async decideJoinRequest(q: Queryable, id: string, status: 'accepted' | 'refused', decidedBy: string, at: Date, reason: string) {
    await q.query('UPDATE join_request SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1', [id, status, decidedBy, at.toISOString(), reason]);
  },

  async joinReferralToFamily(q: Queryable, referralId: string, familyId: string): Promise<boolean> {
    const rows = await q.query(
      `UPDATE referral SET family_id = $2, version = version + 1 WHERE id = $1 AND family_id IS NULL AND status = 'received' RETURNING id`, [referralId, familyId]);
    return rows.length === 1;
  },

  /** The most recent case for this family closed within 12 months before the given time. */
  async recentClosure(q: Queryable, familyId: string, before: string): Promise<{ reference: string; closed_at: string; closure_reason: string } | undefined> {
    return (await q.query<{ reference: string; closed_at: string; closure_reason: string }>(
      `SELECT reference, closed_at, closure_reason FROM casefile
        WHERE family_id = $1 AND state = 'closed' AND closed_at > $2::timestamptz - interval '12 months' AND closed_at <= $2::timestamptz
        ORDER BY closed_at DESC LIMIT 1`, [familyId, before]))[0];
  },
};

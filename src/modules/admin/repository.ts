import type { Queryable } from '../../db/database.ts';
import type { AgencyKind, UserRole } from '../../domain/codes.ts';
import type { SessionUser } from '../../domain/session.ts';

/** A user as the administration pages show them: the signed-in shape, and what only an administrator sees. */
export interface AdminUserRow extends SessionUser {
  invited: boolean;
  last_sign_in_at: Date | null;
  version: number;
  managed_team_ids: string[];
  front_door_screener: boolean;
}

export interface AgencyRow { id: string; name: string; kind: AgencyKind; version: number }
export interface TeamRow { id: string; name: string; agency_id: string; agency_name: string; version: number; members: number }
export interface ProgrammeFields {
  name: string;
  description: string;
  durationWeeks: number;
  maxHoursPerWeek: number;
  minVisitsPerWeek: number;
  maxVisitsPerWeek: number;
  firstVisitHours: number;
  reviewIntervalDays: number;
  caseloadLimit: number;
  followUpMonths: number[];
  noContactAlertDays: number;
  safetyPlanAtStart: boolean;
  availability: string;
  active: boolean;
}
export type ProgrammeRecord = ProgrammeFields & { id: string; key: string; version: number };

const programmeColumns = `id, key, name, description, duration_weeks AS "durationWeeks", max_hours_per_week::float8 AS "maxHoursPerWeek",
  min_visits_per_week AS "minVisitsPerWeek", max_visits_per_week AS "maxVisitsPerWeek", first_visit_hours AS "firstVisitHours",
  review_interval_days AS "reviewIntervalDays", caseload_limit AS "caseloadLimit", follow_up_months AS "followUpMonths",
  no_contact_alert_days AS "noContactAlertDays", safety_plan_at_start AS "safetyPlanAtStart", availability, active, version`;
const programmeParams = (p: ProgrammeFields) => [p.name, p.description, p.durationWeeks, p.maxHoursPerWeek, p.minVisitsPerWeek, p.maxVisitsPerWeek,
  p.firstVisitHours, p.reviewIntervalDays, p.caseloadLimit, p.followUpMonths, p.noContactAlertDays, p.safetyPlanAtStart, p.availability, p.active];

export interface DistrictRow { id: string; name: string; version: number }

const userColumns = `u.id, u.email, u.display_name, u.job_title, u.role, u.agency_id, a.name AS agency_name, u.team_id, t.name AS team_name,
  u.active, (u.password_hash = '' AND NOT EXISTS (SELECT 1 FROM sso_identity i WHERE i.user_id = u.id)) AS invited, u.version, u.front_door_screener,
  (SELECT max(e.at) FROM audit_event e WHERE e.user_id = u.id AND e.action = 'sign-in' AND e.outcome = 'allowed') AS last_sign_in_at,
  ARRAY(SELECT tm.team_id::text FROM team_manager tm WHERE tm.user_id = u.id ORDER BY tm.team_id) AS managed_team_ids`;
const userFrom = 'FROM app_user u JOIN agency a ON a.id = u.agency_id LEFT JOIN team t ON t.id = u.team_id';

/** An update that touched no row lost the race for this version: the caller reports a conflict. */
async function updated(q: Queryable, sql: string, params: unknown[]): Promise<boolean> {
  return (await q.query<{ id: string }>(`${sql} RETURNING id`, params)).length === 1;
}

export const adminRepository = {
  partnershipId: async (q: Queryable): Promise<string | undefined> =>
    (await q.query<{ id: string }>('SELECT id FROM partnership ORDER BY name LIMIT 1'))[0]?.id,

  insertPartnership: (q: Queryable, id: string, name: string) => q.query('INSERT INTO partnership (id, name) VALUES ($1, $2)', [id, name]),

  users: (q: Queryable) => q.query<AdminUserRow>(`SELECT ${userColumns} ${userFrom} ORDER BY u.display_name, u.email`),

  user: async (q: Queryable, id: string): Promise<AdminUserRow | undefined> =>
    (await q.query<AdminUserRow>(`SELECT ${userColumns} ${userFrom} WHERE u.id = $1`, [id]))[0],

  emailTaken: async (q: Queryable, email: string, exceptId: string | null): Promise<boolean> =>
    (await q.query('SELECT 1 FROM app_user WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2', [email, exceptId])).length > 0,

  insertUser: (q: Queryable, u: { id: string; email: string; displayName: string; jobTitle: string; role: UserRole; agencyId: string; teamId: string | null; passwordHash: string; frontDoorScreener?: boolean }) =>
    q.query(`INSERT INTO app_user (id, email, display_name, job_title, password_hash, role, agency_id, team_id, front_door_screener) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [u.id, u.email, u.displayName, u.jobTitle, u.passwordHash, u.role, u.agencyId, u.teamId, u.frontDoorScreener ?? false]),

  updateUser: (q: Queryable, u: { id: string; version: number; email: string; displayName: string; jobTitle: string; role: UserRole; agencyId: string; teamId: string | null; frontDoorScreener: boolean }) =>
    updated(q, `UPDATE app_user SET email = $3, display_name = $4, job_title = $5, role = $6, agency_id = $7, team_id = $8, front_door_screener = $9, version = version + 1
                 WHERE id = $1 AND version = $2`, [u.id, u.version, u.email, u.displayName, u.jobTitle, u.role, u.agencyId, u.teamId, u.frontDoorScreener]),

  setManagedTeams: async (q: Queryable, userId: string, teamIds: string[]) => {
    await q.query('DELETE FROM team_manager WHERE user_id = $1', [userId]);
    if (teamIds.length) await q.query('INSERT INTO team_manager (team_id, user_id) SELECT unnest($2::uuid[]), $1', [userId, teamIds]);
  },

  setActive: (q: Queryable, id: string, version: number, active: boolean) =>
    updated(q, 'UPDATE app_user SET active = $3, version = version + 1 WHERE id = $1 AND version = $2', [id, version, active]),

  /** Ends every session and revokes every API token of a user being disabled (at the clock's real instant). */
  async endSessionsAndTokens(q: Queryable, userId: string, at: Date) {
    await q.query('DELETE FROM session WHERE user_id = $1', [userId]);
    await q.query('UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [userId, at]);
  },

  setPassword: (q: Queryable, userId: string, passwordHash: string) =>
    q.query('UPDATE app_user SET password_hash = $2, version = version + 1 WHERE id = $1', [userId, passwordHash]),

  /** An invited person who links an issuer's account instead of choosing a password. */
  setPasswordIfNone: (q: Queryable, userId: string, passwordHash: string) =>
    q.query(`UPDATE app_user SET password_hash = $2, version = version + 1 WHERE id = $1 AND password_hash = ''`, [userId, passwordHash]),

  /** Security time: an invitation made at the clock's real instant `at` works until `expiresAt`. */
  insertInvitation: (q: Queryable, i: { tokenHash: string; userId: string; createdBy: string | null; at: Date; expiresAt: Date }) =>
    q.query(`INSERT INTO user_invitation (token_hash, user_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [i.tokenHash, i.userId, i.createdBy, i.at, i.expiresAt]),

  /** The person an unused, unexpired invitation is for. */
  invitation: async (q: Queryable, tokenHash: string, at: Date): Promise<{ user_id: string; display_name: string; email: string } | undefined> =>
    (await q.query<{ user_id: string; display_name: string; email: string }>(
      `SELECT i.user_id, u.display_name, u.email FROM user_invitation i JOIN app_user u ON u.id = i.user_id
        WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.active`, [tokenHash, at]))[0],

  useInvitation: async (q: Queryable, tokenHash: string, at: Date): Promise<boolean> =>
    (await q.query('UPDATE user_invitation SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING token_hash', [tokenHash, at])).length === 1,

  /** A new link replaces any the person has not used yet. */
  cancelInvitations: (q: Queryable, userId: string, at: Date) =>
    q.query('UPDATE user_invitation SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL', [userId, at]),

  agencies: (q: Queryable) => q.query<AgencyRow>('SELECT id, name, kind, version FROM agency ORDER BY name'),
  agency: async (q: Queryable, id: string) => (await q.query<AgencyRow>('SELECT id, name, kind, version FROM agency WHERE id = $1', [id]))[0],
  agencyNameTaken: async (q: Queryable, name: string, exceptId: string | null) =>
    (await q.query('SELECT 1 FROM agency WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2', [name, exceptId])).length > 0,
  insertAgency: (q: Queryable, a: { id: string; partnershipId: string; name: string; kind: AgencyKind }) =>
    q.query('INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, $3, $4)', [a.id, a.partnershipId, a.name, a.kind]),
  updateAgency: (q: Queryable, a: { id: string; version: number; name: string; kind: AgencyKind }) =>
    updated(q, 'UPDATE agency SET name = $3, kind = $4, version = version + 1 WHERE id = $1 AND version = $2', [a.id, a.version, a.name, a.kind]),

  teams: (q: Queryable) => q.query<TeamRow>(
    `SELECT t.id, t.name, t.agency_id, a.name AS agency_name, t.version,
            (SELECT count(*)::int FROM app_user u WHERE u.team_id = t.id AND u.active) AS members
       FROM team t JOIN agency a ON a.id = t.agency_id ORDER BY a.name, t.name`),
  team: async (q: Queryable, id: string) => (await q.query<TeamRow>(
    `SELECT t.id, t.name, t.agency_id, a.name AS agency_name, t.version, 0 AS members FROM team t JOIN agency a ON a.id = t.agency_id WHERE t.id = $1`, [id]))[0],
  teamNameTaken: async (q: Queryable, agencyId: string, name: string, exceptId: string | null) =>
    (await q.query('SELECT 1 FROM team WHERE agency_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3', [agencyId, name, exceptId])).length > 0,
  insertTeam: (q: Queryable, t: { id: string; agencyId: string; name: string }) =>
    q.query('INSERT INTO team (id, agency_id, name) VALUES ($1, $2, $3)', [t.id, t.agencyId, t.name]),
  updateTeam: (q: Queryable, t: { id: string; version: number; agencyId: string; name: string }) =>
    updated(q, 'UPDATE team SET agency_id = $3, name = $4, version = version + 1 WHERE id = $1 AND version = $2', [t.id, t.version, t.agencyId, t.name]),

  districts: (q: Queryable) => q.query<DistrictRow>('SELECT id, name, version FROM district ORDER BY name'),
  district: async (q: Queryable, id: string) => (await q.query<DistrictRow>('SELECT id, name, version FROM district WHERE id = $1', [id]))[0],
  districtNameTaken: async (q: Queryable, name: string, exceptId: string | null) =>
    (await q.query('SELECT 1 FROM district WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2', [name, exceptId])).length > 0,
  insertDistrict: (q: Queryable, d: { id: string; partnershipId: string; name: string }) =>
    q.query('INSERT INTO district (id, partnership_id, name) VALUES ($1, $2, $3)', [d.id, d.partnershipId, d.name]),
  updateDistrict: (q: Queryable, d: { id: string; version: number; name: string }) =>
    updated(q, 'UPDATE district SET name = $3, version = version + 1 WHERE id = $1 AND version = $2', [d.id, d.version, d.name]),

  programmes: (q: Queryable) => q.query<ProgrammeRecord>(`SELECT ${programmeColumns} FROM programme ORDER BY active DESC, name`),
  programme: async (q: Queryable, id: string) => (await q.query<ProgrammeRecord>(`SELECT ${programmeColumns} FROM programme WHERE id = $1`, [id]))[0],
  programmeNameTaken: async (q: Queryable, name: string, key: string, exceptId: string | null) =>
    (await q.query('SELECT 1 FROM programme WHERE (lower(name) = lower($1) OR key = $2) AND id IS DISTINCT FROM $3', [name, key, exceptId])).length > 0,
  insertProgramme: (q: Queryable, id: string, key: string, p: ProgrammeFields) =>
    q.query(`INSERT INTO programme (id, key, name, description, duration_weeks, max_hours_per_week, min_visits_per_week, max_visits_per_week,
               first_visit_hours, review_interval_days, caseload_limit, follow_up_months, no_contact_alert_days, safety_plan_at_start, availability, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`, [id, key, ...programmeParams(p)]),
  updateProgramme: (q: Queryable, id: string, version: number, p: ProgrammeFields) =>
    updated(q, `UPDATE programme SET name = $3, description = $4, duration_weeks = $5, max_hours_per_week = $6, min_visits_per_week = $7,
                  max_visits_per_week = $8, first_visit_hours = $9, review_interval_days = $10, caseload_limit = $11, follow_up_months = $12,
                  no_contact_alert_days = $13, safety_plan_at_start = $14, availability = $15, active = $16, version = version + 1
                WHERE id = $1 AND version = $2`, [id, version, ...programmeParams(p)]),
};

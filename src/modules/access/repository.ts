import type { Queryable } from '../../db/database.ts';
import type { SessionUser } from '../../domain/session.ts';

export interface UserRow extends SessionUser {
  password_hash: string;
}

const publicUserColumns = `u.id, u.email, u.display_name, u.job_title, u.role, u.agency_id,
  a.name AS agency_name, u.team_id, t.name AS team_name, u.active`;
const userColumns = `${publicUserColumns}, u.password_hash`;

export interface SessionWithUserRow {
  id_hash: string;
  csrf_token: string;
  data: Record<string, unknown> | null;
  user: SessionUser | null;
  second_factor_done: boolean;
  second_factor_enrolled: boolean;
}

export const accessRepository = {
  async userByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
    const rows = await q.query<UserRow>(
      `SELECT ${userColumns} FROM app_user u JOIN agency a ON a.id = u.agency_id LEFT JOIN team t ON t.id = u.team_id
        WHERE lower(u.email) = lower($1)`, [email]);
    return rows[0];
  },

  async userById(q: Queryable, id: string): Promise<UserRow | undefined> {
    const rows = await q.query<UserRow>(
      `SELECT ${userColumns} FROM app_user u JOIN agency a ON a.id = u.agency_id LEFT JOIN team t ON t.id = u.team_id
        WHERE u.id = $1`, [id]);
    return rows[0];
  },

  /**
   * The failures that count against this sign-in: for the email from this address since its last
   * success there (with the latest one's time), for the email from anywhere, and from this address
   * for any email. Each counts from the email's last unlock at the earliest.
   */
  async failedSignIns(q: Queryable, email: string, ip: string, windows: { pairHours: number; emailHours: number; ipMinutes: number }, at: Date) {
    const rows = await q.query<{ by_pair: number; seconds_since_failure: number | null; by_email: number; by_ip: number; locked_until: Date | null }>(
      `WITH lock AS (SELECT locked_until, unlocked_at FROM sign_in_lock WHERE email = lower($1)),
            since AS (SELECT coalesce((SELECT unlocked_at FROM lock), '-infinity'::timestamptz) AS t),
            pair_success AS (SELECT coalesce(max(la.at), '-infinity'::timestamptz) AS t FROM login_attempt la
                              WHERE lower(la.email) = lower($1) AND la.ip = $2 AND la.succeeded)
       SELECT
         (SELECT count(*)::int FROM login_attempt la
           WHERE lower(la.email) = lower($1) AND la.ip = $2 AND NOT la.succeeded AND la.at > $6::timestamptz - make_interval(hours => $3)
             AND la.at > (SELECT t FROM since) AND la.at > (SELECT t FROM pair_success)) AS by_pair,
         (SELECT extract(epoch FROM $6::timestamptz - max(la.at))::float8 FROM login_attempt la
           WHERE lower(la.email) = lower($1) AND la.ip = $2 AND NOT la.succeeded) AS seconds_since_failure,
         (SELECT count(*)::int FROM login_attempt la
           WHERE lower(la.email) = lower($1) AND NOT la.succeeded AND la.at > $6::timestamptz - make_interval(hours => $4) AND la.at > (SELECT t FROM since)) AS by_email,
         (SELECT count(*)::int FROM login_attempt la WHERE la.ip = $2 AND NOT la.succeeded AND la.at > $6::timestamptz - make_interval(mins => $5)) AS by_ip,
         (SELECT locked_until FROM lock WHERE locked_until > $6::timestamptz AND unlocked_at IS NULL) AS locked_until`,
      [email, ip, windows.pairHours, windows.emailHours, windows.ipMinutes, at]);
    return { byPair: rows[0].by_pair, secondsSinceFailure: rows[0].seconds_since_failure, byEmail: rows[0].by_email, byIp: rows[0].by_ip, lockedUntil: rows[0].locked_until };
  },

  async lockEmail(q: Queryable, email: string, hours: number, at: Date): Promise<Date> {
    const [row] = await q.query<{ locked_until: Date }>(
      `INSERT INTO sign_in_lock (email, locked_at, locked_until) VALUES (lower($1), $3, $3::timestamptz + make_interval(hours => $2))
       ON CONFLICT (email) DO UPDATE SET locked_at = $3, locked_until = $3::timestamptz + make_interval(hours => $2), unlocked_at = NULL, unlocked_by = NULL
       RETURNING locked_until`, [email, hours, at]);
    return row.locked_until;
  },

  /** Ends a lock and forgives the failures before it. Returns whether the email was locked. */
  async unlockEmail(q: Queryable, email: string, byUserId: string | null, at: Date): Promise<boolean> {
    const [row] = await q.query<{ was_locked: boolean }>(
      `WITH before AS (SELECT locked_until > $3 AND unlocked_at IS NULL AS locked FROM sign_in_lock WHERE email = lower($1))
       INSERT INTO sign_in_lock (email, locked_at, locked_until, unlocked_at, unlocked_by) VALUES (lower($1), $3, NULL, $3, $2)
       ON CONFLICT (email) DO UPDATE SET unlocked_at = $3, unlocked_by = $2
       RETURNING coalesce((SELECT locked FROM before), false) AS was_locked`, [email, byUserId, at]);
    return row.was_locked;
  },

  /** at: the clock's real instant, the same time the sign-in limits count back from (never SQL now(), which a test's moved clock does not move). */
  async recordLoginAttempt(q: Queryable, email: string, ip: string, succeeded: boolean, at: Date) {
    await q.query('INSERT INTO login_attempt (email, ip, succeeded, at) VALUES ($1, $2, $3, $4)', [email, ip, succeeded, at]);
  },

  async insertSession(q: Queryable, s: { idHash: string; userId: string | null; csrfToken: string; hours: number; at: Date }) {
    await q.query(
      `INSERT INTO session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $5, $5::timestamptz + make_interval(hours => $4))`,
      [s.idHash, s.userId, s.csrfToken, s.hours, s.at]);
  },

  /** The session and its user in one round trip: this runs on every page request. */
  async sessionWithUser(q: Queryable, idHash: string, at: Date): Promise<SessionWithUserRow | undefined> {
    return (await q.query<SessionWithUserRow>(
      `SELECT s.id_hash, s.csrf_token, s.data, s.second_factor_done,
              EXISTS (SELECT 1 FROM second_factor sf WHERE sf.user_id = s.user_id AND sf.confirmed_at IS NOT NULL) AS second_factor_enrolled,
              CASE WHEN u.id IS NOT NULL AND u.active THEN json_build_object(
                'id', u.id, 'email', u.email, 'display_name', u.display_name, 'job_title', u.job_title, 'role', u.role,
                'agency_id', u.agency_id, 'agency_name', a.name, 'team_id', u.team_id, 'team_name', t.name, 'active', u.active) END AS user
         FROM session s LEFT JOIN app_user u ON u.id = s.user_id LEFT JOIN agency a ON a.id = u.agency_id
         LEFT JOIN team t ON t.id = u.team_id
        WHERE s.id_hash = $1 AND s.expires_at > $2`, [idHash, at]))[0];
  },

  async updateSessionData(q: Queryable, idHash: string, data: Record<string, unknown>) {
    await q.query('UPDATE session SET data = $2 WHERE id_hash = $1', [idHash, JSON.stringify(data)]);
  },

  async deleteSession(q: Queryable, idHash: string) {
    await q.query('DELETE FROM session WHERE id_hash = $1', [idHash]);
  },

  async deleteExpiredSessions(q: Queryable, at: Date) {
    await q.query('DELETE FROM session WHERE expires_at < $1', [at]);
  },

  async insertApiToken(q: Queryable, tokenHash: string, userId: string, label: string) {
    await q.query('INSERT INTO api_token (token_hash, user_id, label) VALUES ($1, $2, $3)', [tokenHash, userId, label]);
  },

  async userIdForApiToken(q: Queryable, tokenHash: string): Promise<string | undefined> {
    return (await q.query<{ user_id: string }>('SELECT user_id FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]))[0]?.user_id;
  },
};

import type { Queryable } from '../../db/database.ts';

/** The second factor's SQL. Times here are security time: the clock's real instant (`clock.real()`), passed in. */
export const secondFactorRepository = {
  async get(q: Queryable, userId: string): Promise<{ secret: string; last_step: number } | undefined> {
    const rows = await q.query<{ secret: string; last_step: string | number }>(
      'SELECT secret, last_step FROM second_factor WHERE user_id = $1 AND confirmed_at IS NOT NULL', [userId]);
    return rows[0] ? { secret: rows[0].secret, last_step: Number(rows[0].last_step) } : undefined;
  },

  async save(q: Queryable, userId: string, secret: string, lastStep: number, at: Date) {
    await q.query(
      `INSERT INTO second_factor (user_id, secret, confirmed_at, last_step) VALUES ($1, $2, $4, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, confirmed_at = EXCLUDED.confirmed_at, last_step = EXCLUDED.last_step`,
      [userId, secret, lastStep, at]);
  },

  /** Takes a step as used unless it (or a later one) already was: false means the code was a replay. */
  async useStep(q: Queryable, userId: string, step: number): Promise<boolean> {
    return (await q.query('UPDATE second_factor SET last_step = $2 WHERE user_id = $1 AND last_step < $2 RETURNING user_id', [userId, step])).length === 1;
  },

  async replaceRecoveryCodes(q: Queryable, userId: string, hashes: string[]) {
    await q.query('DELETE FROM recovery_code WHERE user_id = $1', [userId]);
    for (const hash of hashes) await q.query('INSERT INTO recovery_code (user_id, code_hash) VALUES ($1, $2)', [userId, hash]);
  },

  /** Uses a recovery code once: false when it is not one of theirs or was used before. */
  async useRecoveryCode(q: Queryable, userId: string, hash: string, at: Date): Promise<boolean> {
    return (await q.query('UPDATE recovery_code SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id', [userId, hash, at])).length === 1;
  },

  async recoveryCodesLeft(q: Queryable, userId: string): Promise<number> {
    return (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM recovery_code WHERE user_id = $1 AND used_at IS NULL', [userId]))[0].n;
  },

  async remove(q: Queryable, userId: string): Promise<boolean> {
    await q.query('DELETE FROM recovery_code WHERE user_id = $1', [userId]);
    return (await q.query('DELETE FROM second_factor WHERE user_id = $1 RETURNING user_id', [userId])).length === 1;
  },

  async markSessionDone(q: Queryable, idHash: string) {
    await q.query('UPDATE session SET second_factor_done = true WHERE id_hash = $1', [idHash]);
  },

  /** After a reset the person's sessions must pass (or set up) a second factor again. */
  async undoSessions(q: Queryable, userId: string) {
    await q.query('UPDATE session SET second_factor_done = false WHERE user_id = $1', [userId]);
  },

  async recordAttempt(q: Queryable, userId: string, succeeded: boolean, at: Date) {
    await q.query('INSERT INTO second_factor_attempt (user_id, succeeded, at) VALUES ($1, $2, $3)', [userId, succeeded, at]);
  },

  /** Wrong codes since the last right one (within a day), and seconds since the latest wrong one. */
  async failures(q: Queryable, userId: string, at: Date): Promise<{ failures: number; secondsSinceFailure: number | null }> {
    const [row] = await q.query<{ failures: number; seconds_since_failure: number | null }>(
      `WITH last_ok AS (SELECT coalesce(max(at), '-infinity'::timestamptz) AS t FROM second_factor_attempt WHERE user_id = $1 AND succeeded)
       SELECT count(*)::int AS failures, extract(epoch FROM $2::timestamptz - max(at))::float8 AS seconds_since_failure
         FROM second_factor_attempt WHERE user_id = $1 AND NOT succeeded AND at > (SELECT t FROM last_ok) AND at > $2::timestamptz - interval '24 hours'`,
      [userId, at]);
    return { failures: row.failures, secondsSinceFailure: row.seconds_since_failure };
  },

  /** The demo: everyone in these roles gets the demo secret, already confirmed. */
  async enrolRoles(q: Queryable, secret: string, roles: readonly string[], at: Date) {
    await q.query(
      `INSERT INTO second_factor (user_id, secret, confirmed_at, created_at) SELECT id, $1, $3, $3 FROM app_user WHERE role = ANY($2)
       ON CONFLICT (user_id) DO NOTHING`, [secret, roles, at]);
  },

  async userByEmail(q: Queryable, email: string): Promise<{ id: string; secret: string | null } | undefined> {
    return (await q.query<{ id: string; secret: string | null }>(
      'SELECT u.id, sf.secret FROM app_user u LEFT JOIN second_factor sf ON sf.user_id = u.id AND sf.confirmed_at IS NOT NULL WHERE lower(u.email) = lower($1)',
      [email]))[0];
  },
};

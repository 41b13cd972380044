import type { Queryable } from '../../db/database.ts';

export interface SessionRow {
  public_id: string;
  id_hash: string;
  created_at: Date;
  expires_at: Date;
  user_agent: string;
  ip: string;
}

export const sessionsRepository = {
  forUser: (q: Queryable, userId: string, at: Date) => q.query<SessionRow>(
    `SELECT public_id, id_hash, created_at, expires_at, user_agent, ip FROM session
      WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC`, [userId, at]),

  /** Notes the browser and address once per session, the first time it is used signed in. */
  describe: (q: Queryable, idHash: string, userAgent: string, ip: string) =>
    q.query(`UPDATE session SET user_agent = $2, ip = $3 WHERE id_hash = $1`, [idHash, userAgent.slice(0, 300), ip.slice(0, 100)]),

  async endOne(q: Queryable, userId: string, publicId: string): Promise<boolean> {
    return (await q.query('DELETE FROM session WHERE user_id = $1 AND public_id = $2 RETURNING id_hash', [userId, publicId])).length === 1;
  },

  async endAll(q: Queryable, userId: string): Promise<number> {
    return (await q.query('DELETE FROM session WHERE user_id = $1 RETURNING id_hash', [userId])).length;
  },
};

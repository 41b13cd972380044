import type { Queryable } from '../../db/database.ts';

export interface PendingPersonRow {
  id: string;
  issuer: string;
  subject: string;
  issuer_id: string;
  email: string;
  email_verified: boolean;
  display_name: string;
  first_seen_at: Date;
  last_seen_at: Date;
}

export interface SsoIdentityRow {
  id: string;
  issuer: string;
  issuer_id: string;
  linked_at: Date;
  last_sign_in_at: Date | null;
}

const localPasswordsKey = 'sign_in.local_passwords';

/** Single sign-on's SQL: identities, people waiting for a role, the session's authentication, the local-passwords setting. */
export const ssoRepository = {
  async userForIdentity(q: Queryable, issuer: string, subject: string): Promise<{ id: string; active: boolean } | undefined> {
    return (await q.query<{ id: string; active: boolean }>(
      `SELECT u.id, u.active FROM sso_identity i JOIN app_user u ON u.id = i.user_id WHERE i.issuer = $1 AND i.subject = $2`, [issuer, subject]))[0];
  },

  async userByEmail(q: Queryable, email: string): Promise<{ id: string; active: boolean } | undefined> {
    return (await q.query<{ id: string; active: boolean }>('SELECT id, active FROM app_user WHERE lower(email) = lower($1)', [email]))[0];
  },

  async link(q: Queryable, link: { issuer: string; subject: string; userId: string; issuerId: string }) {
    await q.query('INSERT INTO sso_identity (issuer, subject, user_id, issuer_id) VALUES ($1, $2, $3, $4)', [link.issuer, link.subject, link.userId, link.issuerId]);
  },

  /** Security time (the clock's real instant): when this link was last used to sign in. */
  async touchIdentity(q: Queryable, issuer: string, subject: string, at: Date) {
    await q.query('UPDATE sso_identity SET last_sign_in_at = $3 WHERE issuer = $1 AND subject = $2', [issuer, subject, at]);
  },

  /**
   * The issuer (its configured id) a person last signed in through, and whether they also have a
   * Lantern password of their own (an argon2 hash, not an invitation's empty one nor the single
   * sign-on marker); undefined when they are linked to no issuer.
   */
  async linkedIssuer(q: Queryable, userId: string): Promise<{ issuer_id: string; own_password: boolean } | undefined> {
    return (await q.query<{ issuer_id: string; own_password: boolean }>(
      `SELECT i.issuer_id, u.password_hash LIKE '$argon2%' AS own_password FROM sso_identity i JOIN app_user u ON u.id = i.user_id
        WHERE i.user_id = $1 ORDER BY i.last_sign_in_at DESC NULLS LAST, i.linked_at DESC LIMIT 1`, [userId]))[0];
  },

  async identitiesOf(q: Queryable, userId: string): Promise<SsoIdentityRow[]> {
    return q.query<SsoIdentityRow>('SELECT id, issuer, issuer_id, linked_at, last_sign_in_at FROM sso_identity WHERE user_id = $1 ORDER BY linked_at, id', [userId]);
  },

  /** Removes one of a person's links; undefined when it is not theirs (or already gone). */
  async unlink(q: Queryable, userId: string, identityId: string): Promise<SsoIdentityRow | undefined> {
    return (await q.query<SsoIdentityRow>(
      'DELETE FROM sso_identity WHERE user_id = $1 AND id = $2 RETURNING id, issuer, issuer_id, linked_at, last_sign_in_at', [userId, identityId]))[0];
  },

  /** Ends the person's sessions that signed in through this issuer; returns how many. */
  async endSessionsThrough(q: Queryable, userId: string, issuerId: string): Promise<number> {
    return (await q.query(`DELETE FROM session WHERE user_id = $1 AND data->>'ssoIssuerId' = $2 RETURNING id_hash`, [userId, issuerId])).length;
  },

  /** Someone waiting who has now been let in another way (an invitation) waits no longer. */
  async deletePendingIdentity(q: Queryable, issuer: string, subject: string) {
    await q.query('DELETE FROM sso_pending_person WHERE issuer = $1 AND subject = $2', [issuer, subject]);
  },

  /** Records (or refreshes) someone waiting for a role; returns their id and whether they are new. */
  async upsertPending(q: Queryable, p: { id: string; issuer: string; subject: string; issuerId: string; email: string; emailVerified: boolean; displayName: string; at: Date }) {
    const [row] = await q.query<{ id: string; created: boolean }>(
      `INSERT INTO sso_pending_person (id, issuer, subject, issuer_id, email, email_verified, display_name, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (issuer, subject) DO UPDATE SET email = EXCLUDED.email, email_verified = EXCLUDED.email_verified,
         display_name = EXCLUDED.display_name, last_seen_at = EXCLUDED.last_seen_at
       RETURNING id, (xmax = 0) AS created`,
      [p.id, p.issuer, p.subject, p.issuerId, p.email, p.emailVerified, p.displayName, p.at]);
    return row;
  },

  pending: (q: Queryable) => q.query<PendingPersonRow>('SELECT * FROM sso_pending_person ORDER BY first_seen_at, id'),

  async pendingById(q: Queryable, id: string): Promise<PendingPersonRow | undefined> {
    return (await q.query<PendingPersonRow>('SELECT * FROM sso_pending_person WHERE id = $1', [id]))[0];
  },

  async pendingForUpdate(q: Queryable, id: string): Promise<PendingPersonRow | undefined> {
    return (await q.query<PendingPersonRow>('SELECT * FROM sso_pending_person WHERE id = $1 FOR UPDATE', [id]))[0];
  },

  async deletePending(q: Queryable, id: string) {
    await q.query('DELETE FROM sso_pending_person WHERE id = $1', [id]);
  },

  /**
   * Security time: when the session last proved who it is at its issuer, the ID token's auth_time
   * (null when the issuer did not say, which never counts as recent).
   */
  async markAuthenticated(q: Queryable, idHash: string, secondFactor: boolean, authenticatedAt: Date | null) {
    await q.query(
      'UPDATE session SET authenticated_at = $3, second_factor_done = (second_factor_done OR $2) WHERE id_hash = $1', [idHash, secondFactor, authenticatedAt]);
  },

  /**
   * Whether the session proved who it is at its issuer after `since` (the clock's real instant, as
   * auth_time is). Its expiry is the session loader's (src/modules/access/repository.ts), not asked here.
   */
  async authenticatedSince(q: Queryable, idHash: string, since: Date): Promise<boolean> {
    const [row] = await q.query<{ recent: boolean }>('SELECT coalesce(authenticated_at > $2, false) AS recent FROM session WHERE id_hash = $1', [idHash, since]);
    return row?.recent ?? false;
  },

  async secondFactorDone(q: Queryable, idHash: string): Promise<boolean> {
    return (await q.query<{ done: boolean }>('SELECT second_factor_done AS done FROM session WHERE id_hash = $1', [idHash]))[0]?.done ?? false;
  },

  async localPasswordsSetting(q: Queryable): Promise<boolean | undefined> {
    const value = (await q.query<{ value: unknown }>('SELECT value FROM setting WHERE key = $1', [localPasswordsKey]))[0]?.value;
    return typeof value === 'boolean' ? value : undefined;
  },

  async setLocalPasswords(q: Queryable, on: boolean, at: Date) {
    await q.query(
      `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [localPasswordsKey, JSON.stringify(on), at]);
  },
};

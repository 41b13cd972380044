/**
 * Re-authentication: the acting person proves again, now, that they are who their session says,
 * before something sensitive (break glass). One small interface with a method per kind of proof:
 * the password, or a fresh sign-in at the issuer a single sign-on session came through (such a
 * session is never asked for a password).
 */
import argon2 from 'argon2';
import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { accessRepository } from './repository.ts';

/**
 * What proves it is them: their password, or, for a session signed in through an issuer, whether
 * it signed in there again within the last 10 minutes (`fresh`, read from the session before the
 * act's transaction: PGlite has one connection).
 */
export type ReauthenticationProof =
  /** at: the clock's real instant, when a wrong password counts as a failed sign-in. */
  | { method: 'password'; password: string; at: Date }
  | { method: 'issuer'; issuerId: string; fresh: boolean }
  /** An API caller who confirms who they are only at an issuer: the API cannot send them there, so `page` can. */
  | { method: 'issuer-on-web'; issuerId: string; account: string; page: string };

/** atIssuer: the person must be sent to their issuer to sign in again, then come back to the act. */
export type ReauthenticationResult = { ok: true; method: string } | { ok: false; message: string; atIssuer?: true };

/** Thrown by a use case whose single sign-on session must sign in again at its issuer first; the page sends the person there. */
export class ReauthenticationAtIssuerNeeded extends Error {
  constructor(readonly issuerId: string) {
    super('Sign in again with your organisation’s account to confirm it is you');
  }
}

export type Reauthenticator = (q: Queryable, actor: Actor, proof: ReauthenticationProof) => Promise<ReauthenticationResult>;

export const wrongPasswordMessage = 'Enter your password correctly to confirm it is you';

/** The password method: a wrong password is refused, and counts as a failed sign-in for the sign-in limits. */
export const passwordReauthenticator: Reauthenticator = async (q, actor, proof) => {
  if (proof.method !== 'password') return { ok: false, message: wrongPasswordMessage };
  if (!proof.password) return { ok: false, message: 'Enter your password to confirm it is you' };
  const user = await accessRepository.userById(q, actor.id);
  const verified = Boolean(user?.active) && (await argon2.verify(user!.password_hash, proof.password).catch(() => false));
  if (!verified) {
    if (user) await accessRepository.recordLoginAttempt(q, user.email, actor.ip, false, proof.at);
    return { ok: false, message: wrongPasswordMessage };
  }
  return { ok: true, method: 'password' };
};

/** The issuer method: the session signed in at its issuer within the last 10 minutes, or it must go back there. */
export const issuerReauthenticator: Reauthenticator = async (_q, _actor, proof) => {
  if (proof.method === 'issuer' && proof.fresh) return { ok: true, method: 'single sign-on' };
  return { ok: false, message: 'Sign in again with your organisation’s account to confirm it is you', atIssuer: true };
};

/**
 * The API's answer for someone who confirms who they are only at an issuer: never a password they
 * cannot have. Not a recent sign-in at the issuer either: that proved who held a browser session,
 * not who holds this API token, so it cannot vouch for the token's caller. They ask on the web page.
 */
export const issuerOnWebReauthenticator: Reauthenticator = async (_q, _actor, proof) => {
  if (proof.method !== 'issuer-on-web') return { ok: false, message: wrongPasswordMessage };
  return {
    ok: false,
    message: `You sign in to Lantern with your ${proof.account}, so the API cannot confirm it is you with a password. `
      + `Ask for emergency access on the web page ${proof.page}, where your ${proof.account} confirms who you are.`,
  };
};

/** The one entry point services call; the method is chosen by the proof's kind. */
export function reauthenticate(q: Queryable, actor: Actor, proof: ReauthenticationProof): Promise<ReauthenticationResult> {
  const methods: Record<ReauthenticationProof['method'], Reauthenticator> = { password: passwordReauthenticator, issuer: issuerReauthenticator, 'issuer-on-web': issuerOnWebReauthenticator };
  return methods[proof.method](q, actor, proof);
}

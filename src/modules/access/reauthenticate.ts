/**
 * Re-authentication: the acting person proves again, now, that they are who their session says,
 * before something sensitive (break glass). One small interface so that single sign-on can plug in
 * "go back to the issuer" beside the password: a method answers whether the proof it was given holds.
 */
import argon2 from 'argon2';
import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { accessRepository } from './repository.ts';

/** What the person sent to prove it is them: their password (an SSO issuer's fresh assertion can be added as another kind). */
export type ReauthenticationProof = { method: 'password'; password: string };

export type ReauthenticationResult = { ok: true; method: string } | { ok: false; message: string };

export type Reauthenticator = (q: Queryable, actor: Actor, proof: ReauthenticationProof) => Promise<ReauthenticationResult>;

export const wrongPasswordMessage = 'Enter your password correctly to confirm it is you';

/** The password method: a wrong password is refused, and counts as a failed sign-in for the sign-in limits. */
export const passwordReauthenticator: Reauthenticator = async (q, actor, proof) => {
  if (!proof.password) return { ok: false, message: 'Enter your password to confirm it is you' };
  const user = await accessRepository.userById(q, actor.id);
  const verified = Boolean(user?.active) && (await argon2.verify(user!.password_hash, proof.password).catch(() => false));
  if (!verified) {
    if (user) await accessRepository.recordLoginAttempt(q, user.email, actor.ip, false);
    return { ok: false, message: wrongPasswordMessage };
  }
  return { ok: true, method: 'password' };
};

/** The one entry point services call; the method is chosen by the proof's kind. */
export function reauthenticate(q: Queryable, actor: Actor, proof: ReauthenticationProof): Promise<ReauthenticationResult> {
  const methods: Record<ReauthenticationProof['method'], Reauthenticator> = { password: passwordReauthenticator };
  return methods[proof.method](q, actor, proof);
}

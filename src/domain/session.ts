import { timingSafeEqual } from 'node:crypto';
import type { Actor } from './actor.ts';
import type { UserRole } from './codes.ts';
import { secondFactorRequired } from './access/policy.ts';

/** A signed-in user as a request sees them: never the password hash. */
export interface SessionUser {
  id: string;
  email: string;
  display_name: string;
  job_title: string;
  role: UserRole;
  agency_id: string;
  agency_name: string;
  team_id: string | null;
  team_name: string | null;
  active: boolean;
}

export interface Session {
  idHash: string;
  csrfToken: string;
  user: SessionUser | null;
  data: Record<string, unknown>;
  /** Whether this session has passed a second factor (a code, or an SSO issuer's multi-factor sign-in). */
  secondFactorDone?: boolean;
  /** Whether the signed-in person has a confirmed second factor. */
  secondFactorEnrolled?: boolean;
}

export function actorFrom(user: SessionUser, ip: string, now?: Date): Actor {
  return { id: user.id, role: user.role, displayName: user.display_name, agencyId: user.agency_id, teamId: user.team_id, ip, now };
}

/** Compares two secrets (tokens) in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * What a signed-in session still owes before it is usable: a code (the person has a second
 * factor), setting one up (their role must have one), or nothing. A session whose SSO issuer
 * asserted multi-factor authentication arrives with `secondFactorDone` already true.
 */
export function secondFactorOwed(session: Pick<Session, 'secondFactorDone' | 'secondFactorEnrolled'>, role: UserRole): 'code' | 'set-up' | null {
  if (session.secondFactorDone) return null;
  if (session.secondFactorEnrolled) return 'code';
  return secondFactorRequired(role) ? 'set-up' : null;
}

import { secondFactorRequired } from '../../domain/access/policy.ts';
import type { UserRole } from '../../domain/codes.ts';
import type { Session } from './service.ts';

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

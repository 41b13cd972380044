import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError, ValidationError, validated } from '../../domain/errors.ts';
import { unlockSignInSchema } from './schemas.ts';
import { auditRepository } from '../audit/repository.ts';
import { accessRepository } from './repository.ts';
import type { Session, SessionUser } from '../../domain/session.ts';
import { requireFeature } from './policy.ts';
import { count } from '../../domain/plural.ts';

/**
 * Sign-in limits (stated in the README). Failures slow down one email from one address, so a
 * stranger elsewhere cannot lock a colleague out; only many failures from anywhere lock the
 * email, until an administrator unlocks it or the lock runs out.
 */
export const signInLimits = {
  /** Failures for one email from one address (since its last success there, within a day) before each try waits. */
  freeFailures: 5,
  /** The wait after the 5th failure; it doubles with each further failure, up to maxDelayMinutes. */
  firstDelayMinutes: 1,
  maxDelayMinutes: 15,
  /** Failures for one email from any address within emailWindowHours that lock it. */
  lockAfterFailures: 50,
  emailWindowHours: 24,
  lockHours: 24,
  /** Failures from one address for any emails within ipWindowMinutes before it must wait. */
  maxFailuresPerIp: 30,
  ipWindowMinutes: 15,
};

/** Minutes to wait after `failures` failures for one email from one address (0: no wait). */
export function signInDelayMinutes(failures: number): number {
  if (failures < signInLimits.freeFailures) return 0;
  return Math.min(signInLimits.maxDelayMinutes, signInLimits.firstDelayMinutes * 2 ** (failures - signInLimits.freeFailures));
}

const minutes = (n: number) => count(n, 'minute');
const lockedMessage = 'This account is locked after too many attempts to sign in. Ask your Lantern administrator to unlock it, or try again tomorrow.';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export type SignInResult =
  | { ok: true; sessionId: string; user: SessionUser }
  | { ok: false; message: string };

export function accessService(db: Database, options: { sessionHours: number; clock: Clock }) {
  // Security time (sessions, sign-in limits and locks) is the clock's real instant, never the business clock's.
  const real = () => options.clock.real();
  async function newSession(userId: string | null): Promise<{ sessionId: string; csrfToken: string; idHash: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const idHash = hashToken(sessionId);
    await accessRepository.insertSession(db, { idHash, userId, csrfToken, hours: options.sessionHours, at: real() });
    return { sessionId, csrfToken, idHash };
  }

  return {
    newSession,

    async session(sessionId: string): Promise<Session | null> {
      const row = await accessRepository.sessionWithUser(db, hashToken(sessionId), real());
      if (!row) return null;
      return {
        idHash: row.id_hash, csrfToken: row.csrf_token, user: row.user, data: row.data ?? {},
        secondFactorDone: row.second_factor_done, secondFactorEnrolled: row.second_factor_enrolled,
      };
    },

    saveSessionData: (idHash: string, data: Record<string, unknown>) => accessRepository.updateSessionData(db, idHash, data),

    async signIn(email: string, password: string, ip: string): Promise<SignInResult> {
      const failures = await accessRepository.failedSignIns(db, email, ip, {
        pairHours: signInLimits.emailWindowHours, emailHours: signInLimits.emailWindowHours, ipMinutes: signInLimits.ipWindowMinutes,
      }, real());
      if (failures.lockedUntil) return { ok: false, message: lockedMessage };
      const delay = signInDelayMinutes(failures.byPair);
      const waitSeconds = delay * 60 - (failures.secondsSinceFailure ?? Infinity);
      if (waitSeconds > 0) {
        return { ok: false, message: `Too many failed attempts to sign in. Wait ${minutes(Math.ceil(waitSeconds / 60))} and try again.` };
      }
      if (failures.byIp >= signInLimits.maxFailuresPerIp) {
        return { ok: false, message: `Too many failed attempts to sign in from this network. Wait ${minutes(signInLimits.ipWindowMinutes)} and try again.` };
      }
      const user = await accessRepository.userByEmail(db, email);
      // Verify against a real hash either way so the response time does not reveal which emails exist.
      const verified = user ? await argon2.verify(user.password_hash, password).catch(() => false) : (await argon2.verify(dummyHash, password).catch(() => false)) && false;
      const succeeded = Boolean(user && user.active && verified);
      const locked = await db.transaction(async (tx) => {
        await accessRepository.recordLoginAttempt(tx, email, ip, succeeded, real());
        await auditRepository.insert(tx, {
          userId: succeeded ? user!.id : null, action: 'sign-in', recordType: 'user', recordId: user?.id ?? null,
          outcome: succeeded ? 'allowed' : 'denied', ip, detail: { email },
        });
        if (succeeded || failures.byEmail + 1 < signInLimits.lockAfterFailures) return false;
        await accessRepository.lockEmail(tx, email, signInLimits.lockHours, real());
        await auditRepository.insert(tx, { userId: null, action: 'lock-sign-in', recordType: 'user', recordId: user?.id ?? null, outcome: 'denied', ip, detail: { email } });
        return true;
      });
      if (locked) return { ok: false, message: lockedMessage };
      if (!succeeded || !user) return { ok: false, message: 'Enter a correct email address and password' };
      const { sessionId } = await newSession(user.id);
      const { password_hash: _, ...signedIn } = user;
      return { ok: true, sessionId, user: signedIn };
    },

    /** An administrator (or the command line, actor null) ends a sign-in lock on an email. */
    async unlockSignIn(actor: Actor | null, email: string): Promise<{ wasLocked: boolean }> {
      await requireFeature(actor, 'admin.manage', 'Only an administrator can unlock an account');
      const { email: given } = await validated(unlockSignInSchema, { email });
      return db.transaction(async (tx) => {
        const user = await accessRepository.userByEmail(tx, given);
        const wasLocked = await accessRepository.unlockEmail(tx, given, actor?.id ?? null, real());
        await auditRepository.insert(tx, {
          userId: actor?.id ?? null, action: 'unlock-sign-in', recordType: 'user', recordId: user?.id ?? null, outcome: 'allowed',
          ip: actor?.ip ?? null, detail: actor ? { email: given } : { email: given, via: 'command line' },
        });
        return { wasLocked };
      });
    },

    async signOut(idHash: string, actor: Actor | null) {
      await db.transaction(async (tx) => {
        await accessRepository.deleteSession(tx, idHash);
        if (actor) await auditRepository.insert(tx, { userId: actor.id, action: 'sign-out', recordType: 'user', recordId: actor.id, outcome: 'allowed', ip: actor.ip });
      });
    },

    async discardSession(idHash: string) {
      await accessRepository.deleteSession(db, idHash);
    },

    deleteExpiredSessions: () => accessRepository.deleteExpiredSessions(db, real()),

    async userForApiToken(token: string): Promise<SessionUser | null> {
      const userId = await accessRepository.userIdForApiToken(db, hashToken(token));
      if (!userId) return null;
      const user = await accessRepository.userById(db, userId);
      if (!user?.active) return null;
      const { password_hash: _, ...apiUser } = user;
      return apiUser;
    },

    async createApiToken(email: string, label: string): Promise<string> {
      const user = await accessRepository.userByEmail(db, email);
      if (!user) throw new ValidationError({ email: `No user has the email address ${email}` });
      const token = `lnt_${randomBytes(32).toString('base64url')}`;
      await accessRepository.insertApiToken(db, hashToken(token), user.id, label);
      return token;
    },
  };
}

export type AccessService = ReturnType<typeof accessService>;

/** now: the request's time by the app's clock (time-limited grants end by it). */
// A fixed argon2id hash of a random string, used when the email is unknown.
const dummyHash = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$Qk1JbZc2x7T0mC5cWv4y1XK4fQjz8f3y0L2m5k9p6aE';

import { mayUse } from '../../domain/access/policy.ts';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { ForbiddenError, NotFoundError, ValidationError, validated } from '../../domain/errors.ts';
import { secondFactorCodeSchema } from './schemas.ts';
import { base32Decode, base32Encode, normaliseRecoveryCode, otpauthUri, totpCode, verifyTotp } from '../../domain/access/totp.ts';
import { auditRepository } from '../audit/repository.ts';
import { secondFactorRepository as repo } from './second-factor-repository.ts';
import { hashToken, signInDelayMinutes } from './service.ts';
import { count } from '../../domain/plural.ts';

/**
 * The demo's administrator and analyst share this secret so the README's demo sign-in works
 * (`lantern demo-code --email E` prints the current code). The test harness uses it too.
 */
export const demoSecondFactorSecret = 'LANTERNDEMOSECONDFACTOR234567ABC';

export const recoveryCodeCount = 10;

const minutes = (n: number) => count(n, 'minute');

/** A recovery code: ten letters and digits in two groups of five, like "k7p2m-x9qf4". */
function newRecoveryCode(): string {
  const text = base32Encode(randomBytes(7)).toLowerCase().slice(0, 10);
  return `${text.slice(0, 5)}-${text.slice(5)}`;
}

export type CodeResult = { ok: true; usedRecoveryCode: boolean; recoveryCodesLeft: number } | { ok: false; message: string };

/** Time-based one-time codes (with recovery codes) after the password, for the people who must or choose to. */
export function secondFactorService(db: Database, { clock }: { clock: Clock }) {
  const realMs = () => clock.real().getTime();

  return {
    /** A new secret for the set-up page (kept in the session until a code confirms it). */
    newSecret(): string {
      return base32Encode(randomBytes(20));
    },

    uri: (secret: string, email: string) => otpauthUri(secret, email, 'Lantern'),

    /** Confirms set-up with a code from the new secret; replaces any earlier second factor. Returns the recovery codes, shown once. */
    async confirmSetUp(actor: Actor, sessionIdHash: string, secret: string, code: string): Promise<string[]> {
      const { code: typed } = await validated(secondFactorCodeSchema, { code });
      const step = verifyTotp(base32Decode(secret), typed, realMs(), 0);
      if (step === null) throw new ValidationError({ code: 'The code is not right. Check the time on your phone is correct, and enter the code your app shows now' });
      const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
      await db.transaction(async (tx) => {
        await repo.save(tx, actor.id, secret, step, clock.real());
        await repo.replaceRecoveryCodes(tx, actor.id, codes.map((c) => hashToken(normaliseRecoveryCode(c))));
        await repo.markSessionDone(tx, sessionIdHash);
        await auditRepository.insert(tx, { userId: actor.id, action: 'set-up-second-factor', recordType: 'user', recordId: actor.id, outcome: 'allowed', ip: actor.ip });
      });
      return codes;
    },

    /** Checks a code (or a recovery code) for a signed-in session that has not yet passed its second factor. */
    async checkCode(userId: string, sessionIdHash: string, typed: string, ip: string): Promise<CodeResult> {
      const { failures, secondsSinceFailure } = await repo.failures(db, userId, clock.real());
      const wait = signInDelayMinutes(failures) * 60 - (secondsSinceFailure ?? Infinity);
      if (wait > 0) {
        // Held back unchecked (even a right code waits), and kept in the audit log like any other try.
        await auditRepository.insert(db, {
          userId, action: 'second-factor', recordType: 'user', recordId: userId, outcome: 'denied', ip, detail: { reason: 'too many wrong codes', failures },
        });
        return { ok: false, message: `Too many wrong codes. Wait ${minutes(Math.ceil(wait / 60))} and try again.` };
      }
      const factor = await repo.get(db, userId);
      if (!factor) throw new NotFoundError('Second factor');
      const digits = typed.replace(/\s/g, '');
      const isTotp = /^\d{6}$/.test(digits);
      return db.transaction(async (tx) => {
        let ok = false;
        let replay = false;
        if (isTotp) {
          const step = verifyTotp(base32Decode(factor.secret), digits, realMs(), factor.last_step);
          if (step !== null) ok = await repo.useStep(tx, userId, step);
          // A code from the last step used (or before) is a replay: say so, it is not a typing slip.
          else replay = verifyTotp(base32Decode(factor.secret), digits, realMs(), -1) !== null;
        } else if (typed.trim()) {
          ok = await repo.useRecoveryCode(tx, userId, hashToken(normaliseRecoveryCode(typed)), clock.real());
        }
        await repo.recordAttempt(tx, userId, ok, clock.real());
        await auditRepository.insert(tx, {
          userId, action: 'second-factor', recordType: 'user', recordId: userId, outcome: ok ? 'allowed' : 'denied', ip,
          detail: { method: isTotp ? 'code' : 'recovery code' },
        });
        if (!ok) {
          return {
            ok: false as const,
            message: replay ? 'That code has already been used. Wait for your app to show a new code and enter that'
              : isTotp ? 'The code is not right. Enter the 6-digit code your app shows now'
                : 'Enter the 6-digit code from your authenticator app, or one of your recovery codes',
          };
        }
        await repo.markSessionDone(tx, sessionIdHash);
        return { ok: true as const, usedRecoveryCode: !isTotp, recoveryCodesLeft: await repo.recoveryCodesLeft(tx, userId) };
      });
    },

    recoveryCodesLeft: (userId: string) => repo.recoveryCodesLeft(db, userId),

    /** An administrator takes away a person's second factor (a lost phone): they set one up again at their next sign-in. Audited. */
    async reset(actor: Actor | null, userId: string): Promise<boolean> {
      if (actor && !mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can reset a second factor');
      return db.transaction(async (tx) => {
        const left = await repo.recoveryCodesLeft(tx, userId);
        const had = await repo.remove(tx, userId);
        await repo.undoSessions(tx, userId);
        await auditRepository.insert(tx, {
          userId: actor?.id ?? null, action: 'reset-second-factor', recordType: 'user', recordId: userId, outcome: 'allowed', ip: actor?.ip ?? null,
          detail: { before: { secondFactor: had, recoveryCodesLeft: left }, after: { secondFactor: false, recoveryCodesLeft: 0 } },
        });
        return had;
      });
    },

    /** The demo: gives a person the demo secret, set up and confirmed (no recovery codes). */
    async enrolDemo(userId: string) {
      await repo.save(db, userId, demoSecondFactorSecret, 0, clock.real());
    },

    /** The current code for a demo account (the command line's `demo-code`); only for the demo secret. */
    async demoCode(email: string): Promise<string> {
      const user = await repo.userByEmail(db, email);
      if (!user) throw new ValidationError({ email: `No user has the email address ${email}` });
      if (user.secret !== demoSecondFactorSecret) throw new ValidationError({ email: `${email} does not use the demo second factor: codes come from their own authenticator app` });
      return totpCode(base32Decode(demoSecondFactorSecret), realMs());
    },
  };
}

export type SecondFactorService = ReturnType<typeof secondFactorService>;

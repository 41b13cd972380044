import type { Database } from '../../db/database.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { auditRepository } from '../audit/repository.ts';
import { sessionsRepository as repo } from './repository.ts';
import { requireFeature } from '../access/policy.ts';

/** A person's own sessions (every browser signed in as them), and an administrator ending all of someone's. */
// Session expiry is security time: the clock's real instant, never the business clock's shifted one.
export function sessionsService(db: Database, { clock }: { clock: Clock }) {
  return {
    /** The actor's sessions, marking the one this request came in on. */
    async mine(actor: Actor, currentIdHash: string | null) {
      const rows = await repo.forUser(db, actor.id, clock.real());
      return rows.map(({ id_hash, ...s }) => ({ ...s, current: id_hash === currentIdHash }));
    },

    describe: (idHash: string, userAgent: string, ip: string) => repo.describe(db, idHash, userAgent, ip),

    async endMine(actor: Actor, sessionId: string) {
      await db.transaction(async (tx) => {
        if (!(await repo.endOne(tx, actor.id, sessionId))) throw new NotFoundError('Session');
        await auditRepository.insert(tx, { userId: actor.id, action: 'end-session', recordType: 'session', recordId: sessionId, outcome: 'allowed', ip: actor.ip });
      });
    },

    async count(actor: Actor, userId: string): Promise<number> {
      await requireFeature(actor, 'admin.manage', 'Only administrators can see other people’s sessions');
      return (await repo.forUser(db, userId, clock.real())).length;
    },

    /** Signs a person out everywhere (their API tokens stay: disable the account to stop those too). */
    async endAllFor(actor: Actor, userId: string): Promise<number> {
      if (actor.id !== userId) await requireFeature(actor, 'admin.manage', 'Only administrators can end other people’s sessions');
      return db.transaction(async (tx) => {
        const ended = await repo.endAll(tx, userId);
        await auditRepository.insert(tx, { userId: actor.id, action: 'end-all-sessions', recordType: 'user', recordId: userId, outcome: 'allowed', ip: actor.ip, detail: { ended } });
        return ended;
      });
    },
  };
}

import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import { familyDecision, withFamily } from '../access/policy.ts';
import { auditRepository } from './repository.ts';

export function auditService(db: Database) {
  return {
    /** "Who has seen this family": every view, change and list that showed it, for the family's lead and managers. */
    async maySeeWhoHasSeen(actor: Actor, familyId: string): Promise<boolean> {
      return (await familyDecision(db, actor, 'family.seen-by', familyId)).allowed;
    },

    seenBy(actor: Actor, familyId: string) {
      return withFamily(db, actor, familyId, { action: 'view-who-has-seen', permission: 'family.seen-by' }, (tx) => auditRepository.seenBy(tx, familyId));
    },

    /** The latest audit events, for administrators only. Reading the log is itself audited. */
    async recent(actor: Actor, limit = 100) {
      if (actor.role !== 'administrator') throw new ForbiddenError('Only administrators can read the audit log');
      return db.transaction(async (tx) => {
        const rows = await auditRepository.recent(tx, limit);
        await auditRepository.insert(tx, { userId: actor.id, action: 'read-audit-log', recordType: 'audit_event', outcome: 'allowed', ip: actor.ip });
        return rows;
      });
    },
  };
}

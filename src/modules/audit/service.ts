import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import { auditRepository } from './repository.ts';

export function auditService(db: Database) {
  return {
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

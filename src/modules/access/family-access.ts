import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { auditRepository } from '../audit/repository.ts';
import { accessRepository } from './repository.ts';

/**
 * Runs a use case on one family after checking the actor may open it (team around the family, or
 * managing someone in it). The audit row is written in the same transaction as the work; a refusal
 * is audited and committed too, then reported as 403.
 */
export async function withFamilyAccess<T>(
  db: Database, actor: Actor, familyId: string, action: string, work: (tx: Queryable) => Promise<T>, record?: { type: string; id: string },
): Promise<T> {
  const outcome = await db.transaction(async (tx) => {
    const { exists, allowed } = await accessRepository.familyAccess(tx, actor.id, familyId);
    if (!exists) return { notFound: true as const };
    await auditRepository.insert(tx, {
      userId: actor.id, action, recordType: record?.type ?? 'family', recordId: record?.id ?? familyId, familyId,
      outcome: allowed ? 'allowed' : 'denied', ip: actor.ip,
    });
    if (!allowed) return { denied: true as const };
    return { value: await work(tx) };
  });
  if ('notFound' in outcome) throw new NotFoundError('Family');
  if ('denied' in outcome) throw new ForbiddenError();
  return outcome.value;
}

import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { FamilyPermission } from '../../domain/access/policy.ts';
import { withFamily } from './policy.ts';

/** Reads are named view-, list-, print- or download-; every other action changes the record. */
export function permissionFor(action: string): FamilyPermission {
  return /^(view|list|print|download)-/.test(action) ? 'family.read' : 'family.change';
}

/** Runs a use case on one family through the access policy (see ./policy.ts): checked, audited, failures after the check audited too. */
export function withFamilyAccess<T>(
  db: Database, actor: Actor, familyId: string, action: string, work: (tx: Queryable) => Promise<T>, record?: { type: string; id: string },
): Promise<T> {
  return withFamily(db, actor, familyId, { action, permission: permissionFor(action), record }, (tx) => work(tx));
}

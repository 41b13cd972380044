/**
 * The category check hook of the access policy (rules in src/domain/access/categories.ts): the
 * viewer's agency, its kind's sharing rule and the family's consents and Schedule 1 decisions,
 * loaded in one query once per request, inside the request's transaction. Every view of a
 * family's data filters through the Withholding it returns, and every write of a category asks it.
 */
import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { AgencyKind } from '../../domain/codes.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import {
  Withholding, agencyKindPlurals, dataCategoryLabels, effectiveRules, legalStatusRecorders, legalStatusRefusal, mayRecord,
  type DataCategory, type ShareFacts, type ShareGrant,
} from '../../domain/access/categories.ts';

export const sharingRulesKey = 'sharing_rules';

/** The stored sharing rules (overrides of the defaults) and their version. */
export async function storedSharingRules(q: Queryable): Promise<{ rules: Record<string, string[]> | null; version: number }> {
  const row = (await q.query<{ value: { version?: number; rules?: Record<string, string[]> } }>('SELECT value FROM setting WHERE key = $1', [sharingRulesKey]))[0];
  return { rules: row?.value.rules ?? null, version: row?.value.version ?? 0 };
}

/** The facts for one viewer and one family, in one round trip. */
export async function loadShareFacts(q: Queryable, actor: Actor, familyId: string): Promise<ShareFacts> {
  const rows = await q.query<{ agency_kind: AgencyKind; rules: { rules?: Record<string, string[]> } | null; grants: ShareGrant[] }>(
    `SELECT a.kind AS agency_kind, (SELECT value FROM setting WHERE key = $3) AS rules,
            (SELECT coalesce(json_agg(json_build_object('basis', c.basis, 'agencyKinds', c.agency_kinds, 'agencyIds', c.agency_ids,
                     'categories', c.categories, 'withdrawn', c.withdrawn_on IS NOT NULL)), '[]'::json)
               FROM family_consent c WHERE c.family_id = $2) AS grants
       FROM agency a WHERE a.id = $1`, [actor.agencyId, familyId, sharingRulesKey]);
  const row = rows[0];
  const agencyKind: AgencyKind = row?.agency_kind ?? 'voluntary_sector';
  return {
    agencyId: actor.agencyId, agencyKind, rule: row ? effectiveRules(row.rules?.rules)[agencyKind] : [],
    grants: row?.grants ?? [],
  };
}

/** What this viewer may see of one family: filter each item through `sees`, then show `notices()`. */
export async function withholdingFor(q: Queryable, actor: Actor, familyId: string): Promise<Withholding> {
  return new Withholding(await loadShareFacts(q, actor, familyId));
}

/** Refuses a write of a category the writer's agency may not see (403 with the reason). */
export function requireMayRecord(facts: ShareFacts, category: DataCategory): void {
  if (!mayRecord(facts, category)) {
    throw new ForbiddenError(`${agencyKindPlurals[facts.agencyKind].replace(/^./, (c) => c.toUpperCase())} may not record ${dataCategoryLabels[category].toLowerCase()} under the partnership's sharing rules. Ask the family's key worker to record it.`);
  }
}

/** Refuses a legal status from anyone but children's social care. */
export function requireMayRecordLegalStatus(facts: ShareFacts): void {
  if (!legalStatusRecorders.includes(facts.agencyKind)) throw new ForbiddenError(legalStatusRefusal);
}

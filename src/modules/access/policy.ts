/**
 * The policy point every route and use case asks (rules in src/domain/access/policy.ts): loads the
 * facts about the acting user once per check, decides, audits the decision, and runs the work
 * inside a savepoint so that a failure after the check (404, 409, 400) still leaves its audit row.
 * PGlite has a single connection, so the failure is recorded in the same transaction, never a second.
 */
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { AgencyKind } from '../../domain/codes.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import {
  decideFamily, decideReferral, mayUse, referralFilterSql, type Feature,
  type AccessFacts, type Decision, type FamilyPermission, type FamilyTie, type ReferralFacts, type ReferralPermission,
} from '../../domain/access/policy.ts';
import { auditRepository } from '../audit/repository.ts';

/** The facts about an actor and their ties to these families, in one round trip. */
export async function loadFacts(q: Queryable, actor: Actor, familyIds: readonly string[] = []): Promise<AccessFacts> {
  // Break-glass grants count until they expire by the app's clock, carried on the actor (no clock: none count).
  const rows = await q.query<{ agency_kind: AgencyKind; front_door_screener: boolean; managed_team_ids: string[]; ties: (FamilyTie & { familyId: string })[]; break_glass: string[] }>(
    `SELECT a.kind AS agency_kind, u.front_door_screener,
            ARRAY(SELECT tm.team_id::text FROM team_manager tm WHERE tm.user_id = u.id) AS managed_team_ids,
            (SELECT coalesce(json_agg(json_build_object(
               'familyId', f.id,
               'member', EXISTS (SELECT 1 FROM family_professional fp WHERE fp.family_id = f.id AND fp.left_on IS NULL AND fp.user_id = u.id),
               'lead', EXISTS (SELECT 1 FROM family_professional fp WHERE fp.family_id = f.id AND fp.left_on IS NULL AND fp.user_id = u.id AND fp.is_lead),
               'managesMember', EXISTS (SELECT 1 FROM family_professional fp JOIN app_user fu ON fu.id = fp.user_id
                                          JOIN team_manager ftm ON ftm.team_id = fu.team_id
                                         WHERE fp.family_id = f.id AND fp.left_on IS NULL AND ftm.user_id = u.id))), '[]'::json)
               FROM unnest($2::uuid[]) AS f(id)) AS ties,
            ARRAY(SELECT DISTINCT g.family_id::text FROM break_glass_grant g
                   WHERE g.user_id = u.id AND g.family_id = ANY($2::uuid[]) AND $3::timestamptz IS NOT NULL
                     AND g.granted_at <= $3::timestamptz AND g.expires_at > $3::timestamptz) AS break_glass
       FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.id = $1 AND u.active`, [actor.id, [...familyIds], actor.now ?? null]);
  const row = rows[0];
  return {
    userId: actor.id, role: row ? actor.role : 'administrator', agencyKind: row?.agency_kind ?? 'voluntary_sector', teamId: actor.teamId,
    managedTeamIds: row?.managed_team_ids ?? [], frontDoorScreener: row?.front_door_screener ?? false,
    // An inactive or unknown user has no ties, so every family rule refuses them.
    ties: new Map((row?.ties ?? []).map(({ familyId, ...tie }) => [familyId, tie])),
    breakGlass: new Set(row?.break_glass ?? []),
  };
}

/** Where a refused feature is audited, for use cases that record refusals before any family check. */
export interface FeatureRefusalAudit {
  /** The database itself: the refusal row commits on its own. */
  q: Queryable;
  action: string;
  recordType: string;
  recordId?: string | null;
  /** The family the refused request was about, looked up only when refused. */
  familyId?: () => Promise<string | null>;
}

/**
 * Refuses (403 with `message`) an actor whose role may not use `feature` (the feature table in
 * src/domain/access/policy.ts), auditing the refusal when `audit` says where. A null actor is the
 * command line: whoever can run it already holds the database. Every role check goes through here.
 */
export async function requireFeature(actor: Actor | null, feature: Feature, message: string, audit?: FeatureRefusalAudit): Promise<void> {
  if (!actor || mayUse(actor.role, feature)) return;
  if (audit) {
    await auditRepository.insert(audit.q, {
      userId: actor.id, action: audit.action, recordType: audit.recordType, recordId: audit.recordId ?? null,
      familyId: audit.familyId ? await audit.familyId() : null, outcome: 'denied', ip: actor.ip, detail: { feature },
    });
  }
  throw new ForbiddenError(message);
}

/** Whether the actor's role may use a feature: for pages deciding what to offer (refusing is `requireFeature`'s). */
export function offers(actor: Actor | null | undefined, feature: Feature): boolean {
  return !!actor && mayUse(actor.role, feature);
}

export async function familyDecision(q: Queryable, actor: Actor, permission: FamilyPermission, familyId: string): Promise<Decision> {
  return decideFamily(await loadFacts(q, actor, [familyId]), permission, familyId);
}

export async function referralDecision(q: Queryable, actor: Actor, permission: ReferralPermission, referral: ReferralFacts): Promise<Decision> {
  return decideReferral(await loadFacts(q, actor, referral.familyId ? [referral.familyId] : []), permission, referral);
}

/** Which of these families the actor holds `permission` on. */
export async function familiesAllowed(q: Queryable, actor: Actor, permission: FamilyPermission, familyIds: readonly string[]): Promise<Set<string>> {
  const facts = await loadFacts(q, actor, familyIds);
  return new Set(familyIds.filter((id) => decideFamily(facts, permission, id).allowed));
}

/** The SQL condition on referral `r` for what the actor may read or screen; appends its parameters. */
export async function visibleReferralsSql(q: Queryable, actor: Actor, permission: ReferralPermission, params: unknown[]): Promise<string> {
  return referralFilterSql(await loadFacts(q, actor), permission, params);
}

export interface Guarded {
  action: string;
  permission: FamilyPermission;
  /** The record acted on, when it is not the family itself. */
  record?: { type: string; id: string };
  detail?: Record<string, unknown>;
}

/**
 * Runs `work` on one family after the policy allows it. The decision is audited (a refusal too,
 * and committed); a failure after the check rolls the work back to a savepoint and is audited as
 * well, then raised.
 */
export async function withFamily<T>(db: Database, actor: Actor, familyId: string, guard: Guarded, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    const exists = await tx.query('SELECT 1 FROM family WHERE id = $1', [familyId]);
    if (!exists.length) throw new NotFoundError('Family');
    return guardedWork(tx, actor, familyId, guard, work);
  });
}

/** As withFamily, inside an open transaction, once the caller has found the family the record belongs to. */
export async function guardedWork<T>(tx: Queryable, actor: Actor, familyId: string, guard: Guarded, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const decision = await familyDecision(tx, actor, guard.permission, familyId);
  const event = {
    userId: actor.id, action: guard.action, recordType: guard.record?.type ?? 'family', recordId: guard.record?.id ?? familyId, familyId,
    ip: actor.ip, basis: decision.basis, detail: guard.detail,
  };
  await auditRepository.insert(tx, { ...event, outcome: decision.allowed ? 'allowed' : 'denied' });
  if (!decision.allowed) throw new Refused(new ForbiddenError());
  return afterCheck(tx, () => work(tx), (error) =>
    auditRepository.insert(tx, { ...event, outcome: 'failed', detail: { ...guard.detail, failed: failureName(error) } }).then(() => undefined));
}

/** Runs work in a savepoint; on failure rolls back to it, records the failure, and raises it. */
async function afterCheck<T>(tx: Queryable, work: () => Promise<T>, recordFailure: (error: unknown) => Promise<void>): Promise<T> {
  await tx.query('SAVEPOINT after_access_check');
  try {
    const value = await work();
    await tx.query('RELEASE SAVEPOINT after_access_check');
    return value;
  } catch (error) {
    // A nested check already audited its own refusal or failure: keep those rows.
    if (error instanceof Refused) {
      await tx.query('RELEASE SAVEPOINT after_access_check');
      throw error;
    }
    await tx.query('ROLLBACK TO SAVEPOINT after_access_check');
    await recordFailure(error);
    throw new Refused(error);
  }
}

/** Audits a list, export or report: one event, and each family it showed. */
export async function auditShown(q: Queryable, actor: Actor, action: string, recordType: string, familyIds: readonly string[], detail: Record<string, unknown> = {}) {
  const eventId = await auditRepository.insert(q, {
    userId: actor.id, action, recordType, outcome: 'allowed', ip: actor.ip, basis: 'list', detail: { ...detail, shown: new Set(familyIds).size },
  });
  await auditRepository.insertShown(q, eventId, familyIds);
}

function failureName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : 'Error';
}

/**
 * An error raised after the audit rows were written: the transaction commits (keeping them) and
 * the error is raised once it has.
 */
class Refused {
  constructor(readonly error: unknown) {}
}

/** Raises `error` from inside inTransaction while keeping the audit rows already written (a refusal). */
export function refusal(error: unknown): Refused {
  return new Refused(error);
}

/** A transaction whose audit rows are kept when the work is refused or fails after the access check. */
export async function inTransaction<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const outcome = await db.transaction(async (tx) => {
    try {
      return { value: await work(tx) };
    } catch (error) {
      if (error instanceof Refused) return { error: error.error };
      throw error;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

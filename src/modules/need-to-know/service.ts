/**
 * Need to know: the partnership's sharing rules (administrators) and each family's consents and
 * Schedule 1 paragraph 18 decisions (the team around the family). Reads and changes go through
 * the access policy and are audited; the rules themselves are in src/domain/access/categories.ts.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { agencyKinds, agencyKindLabels, type AgencyKind } from '../../domain/codes.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, fieldErrors } from '../../domain/errors.ts';
import { dataCategories, dataCategoryLabels, effectiveRules, sharingRulesSchema, teamCategories, type DataCategory, type SharingRules } from '../../domain/access/categories.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { withFamilyAccess } from '../access/family-access.ts';
import { sharingRulesKey, storedSharingRules } from '../access/sharing.ts';
import { auditRepository } from '../audit/repository.ts';

export const consentSchema = z.object({
  basis: z.enum(['consent', 'schedule1'], { message: 'Select whether the family agreed, or sharing rests on a safeguarding decision' }),
  personId: z.string().uuid({ message: 'Select the adult who agreed' }).nullable().optional(),
  agencyKinds: z.array(z.enum(agencyKinds, { message: 'Select only the listed kinds of agency' }), { message: 'Select at least one kind of agency' })
    .min(1, { message: 'Select at least one kind of agency' }),
  categories: z.array(z.enum(dataCategories, { message: 'Select only the listed kinds of information' }), { message: 'Select at least one kind of information' })
    .min(1, { message: 'Select at least one kind of information' }),
  givenOn: z.string().refine(isIsoDate, { message: 'Enter the date as YYYY-MM-DD, a real date' }),
  reason: z.string().max(2000, { message: 'The reason must be 2000 characters or fewer' }).default(''),
}).superRefine((v, ctx) => {
  if (v.basis === 'consent' && !v.personId) ctx.addIssue({ code: 'custom', path: ['personId'], message: 'Select the adult who agreed' });
  if (v.basis === 'schedule1' && !v.reason.trim()) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Say why sharing without consent is necessary to protect the children' });
});

export const withdrawalSchema = z.object({
  version: z.coerce.number().int().min(1, { message: 'Send the version you read' }),
  reason: z.string().max(2000, { message: 'The reason must be 2000 characters or fewer' }).default(''),
});

export const sharingRulesInputSchema = z.object({ version: z.coerce.number().int().min(0, { message: 'Send the version you read' }), rules: sharingRulesSchema });

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

interface ConsentRow {
  id: string; basis: 'consent' | 'schedule1'; person_id: string | null; person_name: string | null; agency_kinds: AgencyKind[]; categories: DataCategory[];
  given_on: string; decided_by_name: string | null; reason: string; withdrawn_on: string | null; withdrawn_reason: string; recorded_by_name: string | null; version: number;
}

export function needToKnowService(db: Database, { clock }: { clock: Clock }) {
  const consentRows = (q: Queryable, familyId: string) => q.query<ConsentRow>(
    `SELECT c.id, c.basis, c.person_id, p.given_name || ' ' || p.family_name AS person_name, c.agency_kinds, c.categories, c.given_on::text AS given_on,
            du.display_name AS decided_by_name, c.reason, c.withdrawn_on::text AS withdrawn_on, c.withdrawn_reason, ru.display_name AS recorded_by_name, c.version
       FROM family_consent c LEFT JOIN person p ON p.id = c.person_id
       LEFT JOIN app_user du ON du.id = c.decided_by LEFT JOIN app_user ru ON ru.id = c.recorded_by
      WHERE c.family_id = $1 ORDER BY c.given_on DESC, c.recorded_at DESC`, [familyId]);

  const present = (r: ConsentRow) => ({
    id: r.id, basis: r.basis, personId: r.person_id, personName: r.person_name, agencyKinds: r.agency_kinds, categories: r.categories,
    agencyKindNames: r.agency_kinds.map((k) => agencyKindLabels[k] ?? k), categoryNames: r.categories.map((c) => dataCategoryLabels[c] ?? c),
    givenOn: r.given_on, decidedBy: r.decided_by_name, reason: r.reason, withdrawnOn: r.withdrawn_on, withdrawnReason: r.withdrawn_reason,
    recordedBy: r.recorded_by_name, version: r.version, inForce: r.withdrawn_on === null,
  });

  function requireAdmin(actor: Actor) {
    if (actor.role !== 'administrator') throw new ForbiddenError('Only administrators can change the sharing rules');
  }

  return {
    /** The family's consents and Schedule 1 decisions, newest first, with the adults who may give consent. */
    consents: (actor: Actor, familyId: string) =>
      withFamilyAccess(db, actor, familyId, 'view-consents', async (tx) => {
        const [rows, adults, family] = await Promise.all([
          consentRows(tx, familyId),
          tx.query<{ id: string; name: string }>(`SELECT id, given_name || ' ' || family_name AS name FROM person WHERE family_id = $1 AND member_type = 'adult' ORDER BY given_name`, [familyId]),
          tx.query<{ id: string; reference: string; family_name: string }>('SELECT id, reference, family_name FROM family WHERE id = $1', [familyId]),
        ]);
        return { family: { id: family[0].id, reference: family[0].reference, familyName: family[0].family_name }, consents: rows.map(present), adults };
      }, { type: 'consents', id: familyId }),

    /** Records what an adult agreed to share, or a Schedule 1 paragraph 18 decision (the actor decides). */
    recordConsent: (actor: Actor, familyId: string, input: unknown) =>
      withFamilyAccess(db, actor, familyId, 'record-consent', async (tx) => {
        const c = parse(consentSchema, input);
        if (c.givenOn > clock.today()) throw new ValidationError({ givenOn: 'The date must be today or in the past' });
        if (c.basis === 'consent') {
          const adult = await tx.query(`SELECT 1 FROM person WHERE id = $1 AND family_id = $2 AND member_type = 'adult'`, [c.personId, familyId]);
          if (!adult.length) throw new ValidationError({ personId: 'Select an adult in this family' });
        }
        const id = randomUUID();
        await tx.query(
          `INSERT INTO family_consent (id, family_id, basis, person_id, agency_kinds, categories, given_on, decided_by, reason, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [id, familyId, c.basis, c.basis === 'consent' ? c.personId : null, c.agencyKinds, c.categories, c.givenOn,
            c.basis === 'schedule1' ? actor.id : null, c.reason.trim(), actor.id, clock.now()]);
        await auditRepository.insert(tx, { userId: actor.id, action: 'record-consent', recordType: 'consent', recordId: id, familyId, outcome: 'allowed', ip: actor.ip, detail: { after: { ...c, reason: undefined } } });
        return { id };
      }),

    /** Withdraws a consent (or ends a Schedule 1 decision) from today: the next request no longer sees what it covered. */
    withdrawConsent: (actor: Actor, familyId: string, consentId: string, input: unknown) =>
      withFamilyAccess(db, actor, familyId, 'withdraw-consent', async (tx) => {
        const w = parse(withdrawalSchema, input);
        const found = await tx.query<{ withdrawn_on: string | null; version: number }>('SELECT withdrawn_on, version FROM family_consent WHERE id = $1 AND family_id = $2', [consentId, familyId]);
        if (!found.length) throw new NotFoundError('Consent');
        if (found[0].withdrawn_on) throw new ConflictError('This consent has already been withdrawn.');
        const saved = await tx.query(
          `UPDATE family_consent SET withdrawn_on = greatest($1::date, given_on), withdrawn_reason = $2, version = version + 1
            WHERE id = $3 AND version = $4 RETURNING id`, [clock.today(), w.reason.trim(), consentId, w.version]);
        if (!saved.length) throw new ConflictError('Someone else changed this consent after you opened the page. Nothing has been changed. Check it, then try again.');
        return { withdrawnOn: clock.today() };
      }, { type: 'consent', id: consentId }),

    /** The rules in force (defaults with the administrator's changes) and their version. */
    async sharingRules(actor: Actor) {
      requireAdmin(actor);
      const stored = await storedSharingRules(db);
      await auditRepository.insert(db, { userId: actor.id, action: 'view-sharing-rules', recordType: 'setting', recordId: sharingRulesKey, outcome: 'allowed', ip: actor.ip });
      return { version: stored.version, rules: effectiveRules(stored.rules) };
    },

    /** Replaces the rules; refused (409) if someone saved since `version` was read. Audited with before and after. */
    async setSharingRules(actor: Actor, input: unknown): Promise<{ version: number; rules: SharingRules }> {
      requireAdmin(actor);
      const { version, rules } = parse(sharingRulesInputSchema, input);
      const missing: Record<string, string> = {};
      for (const k of agencyKinds) {
        for (const c of teamCategories) {
          if (!(rules[k] as string[]).includes(c)) missing[k] = `${agencyKindLabels[k]} must see ${dataCategoryLabels[c].toLowerCase()}: everyone in the team around the family needs to know who is in it`;
        }
      }
      if (Object.keys(missing).length) throw new ValidationError(missing);
      return db.transaction(async (tx) => {
        // Serialises concurrent saves, so the version check cannot race.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sharing_rules'))`);
        const stored = await storedSharingRules(tx);
        if (stored.version !== version) throw new ConflictError('Someone else changed the sharing rules after you opened the page. Your changes have not been saved. Check the current rules, then make your changes again.');
        const before = effectiveRules(stored.rules);
        const after = effectiveRules(rules as Record<string, string[]>);
        const next = { version: version + 1, rules: after };
        await tx.query(
          `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
          [sharingRulesKey, JSON.stringify(next), clock.now()]);
        await auditRepository.insert(tx, { userId: actor.id, action: 'set-sharing-rules', recordType: 'setting', recordId: sharingRulesKey, outcome: 'allowed', ip: actor.ip, detail: { before, after } });
        return next;
      });
    },
  };
}

export type NeedToKnowService = ReturnType<typeof needToKnowService>;

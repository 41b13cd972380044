import { mayUse } from '../../domain/access/policy.ts';
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
import { needToKnowRepository as repo, type ConsentRow } from './repository.ts';

/**
 * A consent or a Schedule 1 decision, given on `today` (the clock's date) or before; `adultIds`:
 * the family's adults, one of whom gives a consent. Every problem is reported at once.
 */
export const consentSchemaOn = (today?: string, adultIds?: ReadonlySet<string>) => z.object({
  basis: z.enum(['consent', 'schedule1'], { message: 'Select whether the family agreed, or sharing rests on a safeguarding decision' }),
  personId: z.string().uuid({ message: 'Select the adult who agreed' }).nullable().optional(),
  agencyKinds: z.array(z.enum(agencyKinds, { message: 'Select only the listed kinds of agency' }), { message: 'Select at least one kind of agency' })
    .min(1, { message: 'Select at least one kind of agency' }),
  categories: z.array(z.enum(dataCategories, { message: 'Select only the listed kinds of information' }), { message: 'Select at least one kind of information' })
    .min(1, { message: 'Select at least one kind of information' }),
  givenOn: z.string({ message: 'Enter the date they agreed, or the date of the decision' }).refine(isIsoDate, { message: 'Enter the date as YYYY-MM-DD, a real date' }),
  reason: z.string().max(2000, { message: 'The reason must be 2000 characters or fewer' }).default(''),
}).superRefine((v, ctx) => {
  // The values may not be valid yet: each check looks only at the fields it needs.
  if (!v || typeof v !== 'object') return;
  if (v.basis === 'consent' && !v.personId) ctx.addIssue({ code: 'custom', path: ['personId'], message: 'Select the adult who agreed' });
  else if (v.basis === 'consent' && adultIds && typeof v.personId === 'string' && !adultIds.has(v.personId)) ctx.addIssue({ code: 'custom', path: ['personId'], message: 'Select an adult in this family' });
  if (v.basis === 'schedule1' && !(typeof v.reason === 'string' && v.reason.trim())) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Say why sharing without consent is necessary to protect the children' });
  if (today && typeof v.givenOn === 'string' && isIsoDate(v.givenOn) && v.givenOn > today) ctx.addIssue({ code: 'custom', path: ['givenOn'], message: 'The date must be today or in the past' });
}, { when: () => true });
export const consentSchema = consentSchemaOn();

export const withdrawalSchema = z.object({
  version: z.coerce.number().int().min(1, { message: 'Send the version you read' }),
  reason: z.string().max(2000, { message: 'The reason must be 2000 characters or fewer' }).default(''),
});

/**
 * The sharing rules with the version read. Every kind of agency must see the categories the team
 * around the family needs (who is in it): each kind missing one is reported, with any other problem.
 */
export const sharingRulesInputSchema = z.object({ version: z.coerce.number().int().min(0, { message: 'Send the version you read' }), rules: sharingRulesSchema }).superRefine((v, ctx) => {
  const rules = v && typeof v === 'object' && v.rules && typeof v.rules === 'object' ? v.rules as Record<string, unknown> : null;
  if (!rules) return;
  for (const k of agencyKinds) {
    const seen = Array.isArray(rules[k]) ? rules[k] as unknown[] : [];
    const lacking = teamCategories.find((c) => !seen.includes(c));
    if (lacking) ctx.addIssue({ code: 'custom', path: [k], message: `${agencyKindLabels[k]} must see ${dataCategoryLabels[lacking].toLowerCase()}: everyone in the team around the family needs to know who is in it` });
  }
}, { when: () => true });

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export function needToKnowService(db: Database, { clock }: { clock: Clock }) {
  const present = (r: ConsentRow) => ({
    id: r.id, basis: r.basis, personId: r.person_id, personName: r.person_name, agencyKinds: r.agency_kinds, categories: r.categories,
    agencyKindNames: r.agency_kinds.map((k) => agencyKindLabels[k] ?? k), categoryNames: r.categories.map((c) => dataCategoryLabels[c] ?? c),
    givenOn: r.given_on, decidedBy: r.decided_by_name, reason: r.reason, withdrawnOn: r.withdrawn_on, withdrawnReason: r.withdrawn_reason,
    recordedBy: r.recorded_by_name, version: r.version, inForce: r.withdrawn_on === null,
  });

  function requireAdmin(actor: Actor) {
    if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change the sharing rules');
  }

  return {
    /** The family's consents and Schedule 1 decisions, newest first, with the adults who may give consent. */
    consents: (actor: Actor, familyId: string) =>
      withFamilyAccess(db, actor, familyId, 'view-consents', async (tx) => {
        const [rows, adults, family] = await Promise.all([
          repo.consents(tx, familyId), repo.adults(tx, familyId), repo.family(tx, familyId),
        ]);
        return { family: { id: family[0].id, reference: family[0].reference, familyName: family[0].family_name }, consents: rows.map(present), adults };
      }, { type: 'consents', id: familyId }),

    /** Records what an adult agreed to share, or a Schedule 1 paragraph 18 decision (the actor decides). */
    recordConsent: (actor: Actor, familyId: string, input: unknown) =>
      withFamilyAccess(db, actor, familyId, 'record-consent', async (tx) => {
        const adults = new Set((await repo.adults(tx, familyId)).map((a) => a.id));
        const c = parse(consentSchemaOn(clock.today(), adults), input);
        const id = randomUUID();
        await repo.insertConsent(tx, {
          id, familyId, basis: c.basis, personId: c.basis === 'consent' ? c.personId! : null, agencyKinds: c.agencyKinds, categories: c.categories, givenOn: c.givenOn,
          decidedBy: c.basis === 'schedule1' ? actor.id : null, reason: c.reason.trim(), recordedBy: actor.id, recordedAt: clock.now(),
        });
        await auditRepository.insert(tx, { userId: actor.id, action: 'record-consent', recordType: 'consent', recordId: id, familyId, outcome: 'allowed', ip: actor.ip, detail: { after: { ...c, reason: undefined } } });
        return { id };
      }),

    /** Withdraws a consent (or ends a Schedule 1 decision) from today: the next request no longer sees what it covered. */
    withdrawConsent: (actor: Actor, familyId: string, consentId: string, input: unknown) =>
      withFamilyAccess(db, actor, familyId, 'withdraw-consent', async (tx) => {
        const w = parse(withdrawalSchema, input);
        const found = await repo.consent(tx, familyId, consentId);
        if (!found) throw new NotFoundError('Consent');
        if (found.withdrawn_on) throw new ConflictError('This consent has already been withdrawn.');
        if (!(await repo.withdraw(tx, consentId, w.version, clock.today(), w.reason.trim()))) throw new ConflictError('Someone else changed this consent after you opened the page. Nothing has been changed. Check it, then try again.');
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
      return db.transaction(async (tx) => {
        // Serialises concurrent saves, so the version check cannot race.
        await repo.lockSharingRules(tx);
        const stored = await storedSharingRules(tx);
        if (stored.version !== version) throw new ConflictError('Someone else changed the sharing rules after you opened the page. Your changes have not been saved. Check the current rules, then make your changes again.');
        const before = effectiveRules(stored.rules);
        const after = effectiveRules(rules as Record<string, string[]>);
        const next = { version: version + 1, rules: after };
        await repo.saveSetting(tx, sharingRulesKey, next, clock.now());
        await auditRepository.insert(tx, { userId: actor.id, action: 'set-sharing-rules', recordType: 'setting', recordId: sharingRulesKey, outcome: 'allowed', ip: actor.ip, detail: { before, after } });
        return next;
      });
    },
  };
}

export type NeedToKnowService = ReturnType<typeof needToKnowService>;

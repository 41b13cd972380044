import { mayUse } from '../../domain/access/policy.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ConflictError, ForbiddenError, validated } from '../../domain/errors.ts';
import type { IdentificationRules } from '../../domain/identification/prioritise.ts';
import type { AreaRule, ClaimSettings } from '../../domain/outcomes/claims.ts';
import { auditRepository } from '../audit/repository.ts';
import { fingerprint } from './rule-forms.ts';
import { claimRulesInputSchema, identificationRulesInputSchema } from './schemas.ts';

/** Where the rules live: the identification and outcomes modules keep them; the admin area edits them through these. */
export interface RuleStores {
  identification: { rules(): Promise<IdentificationRules>; setRules(actor: Actor, input: unknown): Promise<IdentificationRules> };
  claims: { claimSettings(actor: Actor): Promise<{ settings: ClaimSettings }>; saveClaimSettings(actor: Actor, input: unknown): Promise<ClaimSettings> };
}

const stale = () => new ConflictError('Someone else changed these rules while you were editing them. Go back, reload the page and make your change again.');

function requireAdministrator(actor: Actor) {
  if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change these rules');
}

/** The version the caller read, if any: a stale one is refused (409) before the answers are checked; a missing one is a field error. */
export function sentVersion(input: unknown): string | undefined {
  const v = input && typeof input === 'object' ? (input as Record<string, unknown>).version : undefined;
  return typeof v === 'string' && v ? v : undefined;
}

/** The identification rules and the claim rules from the admin area: plain forms, optimistic locking, audited with before and after. */
export function rulesAdminService(db: Database, stores: RuleStores) {
  const audited = (actor: Actor, action: string, recordId: string, before: unknown, after: unknown) =>
    auditRepository.insert(db, { userId: actor.id, action, recordType: 'setting', recordId, outcome: 'allowed', ip: actor.ip, detail: { before, after } });

  return {
    async identificationRules(actor: Actor) {
      requireAdministrator(actor);
      return stores.identification.rules();
    },

    /** From the form (through `identificationRulesJsonFromForm`) or the API's JSON, with the version read: one schema, every problem at once. */
    async putIdentificationRules(actor: Actor, input: unknown) {
      requireAdministrator(actor);
      const before = await stores.identification.rules();
      const sent = sentVersion(input);
      if (sent && sent !== fingerprint(before)) throw stale();
      const { version: _v, ...rules } = await validated(identificationRulesInputSchema, input);
      const saved = await stores.identification.setRules(actor, rules);
      await audited(actor, 'update-identification-rules', 'identification_rules', before, saved);
      return saved;
    },

    async claimRules(actor: Actor): Promise<AreaRule[]> {
      requireAdministrator(actor);
      return (await stores.claims.claimSettings(actor)).settings.rules;
    },

    /** The claim rules (`{ rules, version }`, from the form through `claimRulesJsonFromForm`); the payment model and amounts stay as they are. */
    async setClaimRules(actor: Actor, input: unknown) {
      requireAdministrator(actor);
      const { settings } = await stores.claims.claimSettings(actor);
      const sent = sentVersion(input);
      if (sent && sent !== fingerprint(settings.rules)) throw stale();
      const { rules } = await validated(claimRulesInputSchema, input);
      const saved = await stores.claims.saveClaimSettings(actor, { ...settings, rules });
      await audited(actor, 'update-claim-rules', 'supporting-families-claims', settings.rules, saved.rules);
      return saved.rules;
    },
  };
}

export type RulesAdminService = ReturnType<typeof rulesAdminService>;

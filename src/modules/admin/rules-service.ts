import { mayUse } from '../../domain/access/policy.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../../domain/errors.ts';
import type { IdentificationRules } from '../../domain/identification/prioritise.ts';
import type { AreaRule, ClaimSettings } from '../../domain/outcomes/claims.ts';
import { auditRepository } from '../audit/repository.ts';
import { claimRulesFromForm, fingerprint, identificationRulesFromForm } from './rule-forms.ts';

/** Where the rules live: the identification and outcomes modules keep them; the admin area edits them through these. */
export interface RuleStores {
  identification: { rules(): Promise<IdentificationRules>; setRules(actor: Actor, input: unknown): Promise<IdentificationRules> };
  claims: { claimSettings(actor: Actor): Promise<{ settings: ClaimSettings }>; saveClaimSettings(actor: Actor, input: unknown): Promise<ClaimSettings> };
}

const stale = () => new ConflictError('Someone else changed these rules while you were editing them. Go back, reload the page and make your change again.');

function requireAdministrator(actor: Actor) {
  if (!mayUse(actor.role, 'admin.manage')) throw new ForbiddenError('Only administrators can change these rules');
}

function sentVersion(input: Record<string, unknown>): string {
  const v = input.version;
  if (typeof v !== 'string' || !v) throw new ValidationError({ version: 'Send the version you read (GET gives it)' });
  return v;
}

/** The identification rules and the claim rules from the admin area: plain forms, optimistic locking, audited with before and after. */
export function rulesAdminService(db: Database, stores: RuleStores) {
  const audited = (actor: Actor, action: string, recordId: string, before: unknown, after: unknown) =>
    auditRepository.insert(db, { userId: actor.id, action, recordType: 'setting', recordId, outcome: 'allowed', ip: actor.ip, detail: { before, after } });

  async function saveIdentification(actor: Actor, rules: IdentificationRules, version: string) {
    const before = await stores.identification.rules();
    if (version !== fingerprint(before)) throw stale();
    const saved = await stores.identification.setRules(actor, rules);
    await audited(actor, 'update-identification-rules', 'identification_rules', before, saved);
    return saved;
  }

  return {
    async identificationRules(actor: Actor) {
      requireAdministrator(actor);
      return stores.identification.rules();
    },

    /** From the form's answers. */
    async setIdentificationRules(actor: Actor, body: Record<string, unknown>) {
      requireAdministrator(actor);
      return saveIdentification(actor, identificationRulesFromForm(body), String(body.version ?? ''));
    },

    /** From the API's JSON (the stored shape, with the version read): the same checks as the form. */
    async putIdentificationRules(actor: Actor, input: Record<string, unknown>) {
      requireAdministrator(actor);
      const asForm = {
        ...input, requireChildren: input.requireChildren === true ? 'yes' : input.requireChildren === false ? 'no' : '',
      };
      const rules = identificationRulesFromForm(asForm);
      return saveIdentification(actor, rules, sentVersion(input));
    },

    async claimRules(actor: Actor): Promise<AreaRule[]> {
      requireAdministrator(actor);
      return (await stores.claims.claimSettings(actor)).settings.rules;
    },

    /** The claim rules from the form; the payment model and amounts stay as they are. */
    async setClaimRules(actor: Actor, body: Record<string, unknown>) {
      requireAdministrator(actor);
      const rules = claimRulesFromForm(body);
      const { settings } = await stores.claims.claimSettings(actor);
      if (String(body.version ?? '') !== fingerprint(settings.rules)) throw stale();
      const saved = await stores.claims.saveClaimSettings(actor, { ...settings, rules });
      await audited(actor, 'update-claim-rules', 'supporting-families-claims', settings.rules, saved.rules);
      return saved.rules;
    },
  };
}

export type RulesAdminService = ReturnType<typeof rulesAdminService>;

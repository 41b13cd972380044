import { mayUse, type Feature } from '../../domain/access/policy.ts';
/**
 * Break glass, the data protection officer's work (reviews, who has seen a family, subject access,
 * legal holds) and retention. Every use case checks who may do it first and audits in the same
 * transaction; family reads under break glass go through the one access policy like any other.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { fieldErrors, validatedWith, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { mayBreakGlass } from '../../domain/access/policy.ts';
import {
  closedFamilyDue, dueAfter, planRetention, retentionRecordTypes, type RetentionItem, type RetentionRecordType,
} from '../../domain/governance/retention.ts';
import { auditRepository } from '../audit/repository.ts';
import { familyDecision, inTransaction, loadFacts, refusal } from '../access/policy.ts';
import { ReauthenticationAtIssuerNeeded, reauthenticate, type ReauthenticationProof } from '../access/reauthenticate.ts';
import { governanceRepository as repo, type GrantRow } from './repository.ts';
import { breakGlassSchema, breakGlassThroughIssuerSchema, legalHoldSchema, liftHoldSchema, retentionRulesSchema, reviewSchema, subjectAccessSearchSchema } from './schemas.ts';
import { buildSubjectAccess, type SubjectAccessExport } from './subject-access.ts';
import type { z } from 'zod';

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}


export function governanceService(db: Database, options: { clock: Clock; breakGlassHours?: number }) {
  const { clock } = options;
  const hours = options.breakGlassHours ?? 24;

  function audit(q: Queryable, actor: Actor | null, e: { action: string; recordType: string; recordId?: string | null; familyId?: string | null; outcome?: 'allowed' | 'denied'; basis?: string; detail?: Record<string, unknown> }) {
    return auditRepository.insert(q, {
      userId: actor?.id ?? null, ip: actor?.ip ?? null, outcome: e.outcome ?? 'allowed', action: e.action, recordType: e.recordType,
      recordId: e.recordId ?? null, familyId: e.familyId ?? null, basis: e.basis ?? '', detail: actor ? e.detail : { ...e.detail, via: 'command line' },
    });
  }

  function requireRole(actor: Actor, feature: Feature, message: string) {
    if (!mayUse(actor.role, feature)) throw new ForbiddenError(message);
  }

  return {
    breakGlassHours: hours,

    /**
     * Emergency read-only access: the family by its reference, a reason, and the person's password
     * again. A wrong password is refused (and audited); the grant lasts `hours` by the app's clock.
     * A session signed in through an issuer gives `issuer` instead (read from the session before
     * this transaction): it must have signed in there again within 10 minutes, or
     * ReauthenticationAtIssuerNeeded sends the person there first. It is never asked for a password.
     * Through the API such a person gives `issuer-on-web`: refused with a message sending them to the page.
     */
    async requestBreakGlass(actor: Actor, input: unknown, issuer?: Exclude<ReauthenticationProof, { method: 'password' }>): Promise<{ familyId: string; expiresAt: Date }> {
      requireRole(actor, 'break-glass.ask', 'Only practitioners and managers can ask for emergency access');
      return inTransaction(db, async (tx) => {
        // The family asked for is checked with the reason and the password's presence, in one round;
        // the password itself is checked once the form is right (a wrong one is audited). A session
        // signed in through an issuer is never asked for a password: it signs in there again.
        let found: Awaited<ReturnType<typeof repo.familyByReference>>;
        const schema = issuer ? breakGlassThroughIssuerSchema : breakGlassSchema;
        const checked = await validatedWith(schema, input, async (raw, errors) => {
          const reference = schema.shape.familyReference.safeParse(raw.familyReference);
          if (!reference.success) return;
          found = await repo.familyByReference(tx, reference.data);
          if (!found || found.anonymised_at) {
            errors.familyReference = `No family has the reference ${reference.data}`;
            return;
          }
          const may = mayBreakGlass(await loadFacts(tx, actor, [found.id]), found.id);
          if (!may.allowed) errors.familyReference = may.reason === 'already' ? 'You already work with this family: open it from My families' : 'Your role cannot ask for emergency access';
        });
        const fields = { password: '', ...checked };
        const family = found!;
        const proof = await reauthenticate(tx, actor, issuer ?? { method: 'password', password: fields.password, at: clock.real() });
        if (!proof.ok && proof.atIssuer) throw new ReauthenticationAtIssuerNeeded(issuer!.issuerId);
        if (!proof.ok) {
          const onWeb = issuer?.method === 'issuer-on-web';
          await audit(tx, actor, { action: 'break-glass', recordType: 'family', recordId: family.id, familyId: family.id, outcome: 'denied', detail: { reason: fields.reason, refused: onWeb ? 'confirm-at-issuer-on-the-web' : 'reauthentication' } });
          // An API caller who signs in only through an issuer is refused (403), never asked for a password.
          throw refusal(onWeb ? new ForbiddenError(proof.message) : new ValidationError({ password: proof.message }));
        }
        const now = clock.now();
        const expiresAt = new Date(now.getTime() + hours * 3_600_000);
        const id = randomUUID();
        await repo.insertGrant(tx, { id, familyId: family.id, userId: actor.id, reason: fields.reason, method: proof.method, grantedAt: now, expiresAt });
        const told = await repo.insertNotices(tx, id, family.id, actor.id);
        await audit(tx, actor, {
          action: 'break-glass', recordType: 'break_glass_grant', recordId: id, familyId: family.id, basis: 'break glass',
          detail: { reason: fields.reason, hours, told, confirmedBy: proof.method, ...(issuer ? { issuer: issuer.issuerId } : {}) },
        });
        return { familyId: family.id, expiresAt };
      });
    },

    /** Break-glass notices for the family's lead and the actor's managers, until each marks them read. */
    notices: (actor: Actor) => repo.unreadNotices(db, actor.id),

    async markNoticeRead(actor: Actor, grantId: string) {
      if (!(await repo.markNoticeRead(db, grantId, actor.id, clock.now()))) throw new NotFoundError('Notice');
    },

    /** The family page's break-glass panel: the actor's own grant, and for those who may see who has seen the family every unexpired grant. */
    async familyPanel(actor: Actor, familyId: string): Promise<{ mine: GrantRow | null; others: GrantRow[] }> {
      const now = clock.now();
      const mine = (await repo.activeGrant(db, actor.id, familyId, now)) ?? null;
      const maySee = (await familyDecision(db, actor, 'family.seen-by', familyId)).allowed;
      const others = maySee ? (await repo.grantsForFamily(db, familyId, now)).filter((g) => g.user_id !== actor.id) : [];
      return { mine, others };
    },

    /** The review list: every grant for a data protection officer; a manager's for the people in their teams. Audited. */
    async reviewList(actor: Actor): Promise<GrantRow[]> {
      requireRole(actor, 'break-glass.review', 'Only data protection officers and managers review emergency access');
      return inTransaction(db, async (tx) => {
        const rows = await repo.reviewList(tx, { managerId: mayUse(actor.role, 'data-protection') ? null : actor.id });
        const eventId = await audit(tx, actor, { action: 'list-break-glass-reviews', recordType: 'break_glass_grant', basis: 'list', detail: { shown: rows.length } });
        await auditRepository.insertShown(tx, eventId, [...new Set(rows.map((r) => r.family_id))]);
        return rows;
      });
    },

    async review(actor: Actor, grantId: string, input: unknown) {
      requireRole(actor, 'break-glass.review', 'Only data protection officers and managers review emergency access');
      const { note } = parse(reviewSchema, input);
      return inTransaction(db, async (tx) => {
        const grant = await repo.grant(tx, grantId);
        if (!grant) throw new NotFoundError('Emergency access');
        if (!mayUse(actor.role, 'data-protection') && !(await repo.managesTeam(tx, actor.id, grant.team_id))) throw new NotFoundError('Emergency access');
        if (!(await repo.review(tx, grantId, actor.id, clock.now(), note))) throw new ConflictError('Someone has already reviewed this emergency access.');
        await audit(tx, actor, { action: 'review-break-glass', recordType: 'break_glass_grant', recordId: grantId, familyId: grant.family_id, basis: mayUse(actor.role, 'data-protection') ? 'data protection officer' : 'manager', detail: { note } });
      });
    },

    /** The family's reference and name for "Who has seen this family", to those the policy lets see it (a data protection officer: any family). */
    async seenByHeader(actor: Actor, familyId: string) {
      const family = await repo.familyById(db, familyId);
      if (!family) throw new NotFoundError('Family');
      if (!(await familyDecision(db, actor, 'family.seen-by', familyId)).allowed) throw new ForbiddenError();
      return { id: family.id, reference: family.reference, familyName: family.family_name };
    },

    /** The data protection officer finds a family by its reference. */
    async findFamily(actor: Actor, input: unknown) {
      requireRole(actor, 'data-protection', 'Only data protection officers can do this');
      const { familyReference } = parse(subjectAccessSearchSchema, input);
      const family = await repo.familyByReference(db, familyReference);
      if (!family) throw new ValidationError({ familyReference: `No family has the reference ${familyReference}` });
      return family;
    },

    // Legal holds
    async holds(actor: Actor) {
      requireRole(actor, 'legal-holds.manage', 'Only data protection officers and administrators manage legal holds');
      return repo.activeHolds(db);
    },

    async placeHold(actor: Actor, input: unknown): Promise<string> {
      requireRole(actor, 'legal-holds.manage', 'Only data protection officers and administrators manage legal holds');
      return db.transaction(async (tx) => {
        // The family and any hold already on it are checked with the reason, in one round.
        let found: Awaited<ReturnType<typeof repo.familyByReference>>;
        const fields = await validatedWith(legalHoldSchema, input, async (raw, errors) => {
          const reference = legalHoldSchema.shape.familyReference.safeParse(raw.familyReference);
          if (!reference.success) return;
          found = await repo.familyByReference(tx, reference.data);
          if (!found) errors.familyReference = `No family has the reference ${reference.data}`;
          else if (await repo.holdOn(tx, found.id)) errors.familyReference = `Family ${found.reference} already has a legal hold`;
        });
        const family = found!;
        const id = randomUUID();
        await repo.insertHold(tx, { id, familyId: family.id, reason: fields.reason, userId: actor.id, at: clock.now() });
        await audit(tx, actor, { action: 'place-legal-hold', recordType: 'legal_hold', recordId: id, familyId: family.id, detail: { reason: fields.reason } });
        return id;
      });
    },

    async liftHold(actor: Actor, holdId: string, input: unknown) {
      requireRole(actor, 'legal-holds.manage', 'Only data protection officers and administrators manage legal holds');
      const { reason } = parse(liftHoldSchema, input);
      await db.transaction(async (tx) => {
        const lifted = await repo.liftHold(tx, holdId, actor.id, clock.now(), reason);
        if (!lifted) throw new NotFoundError('Legal hold');
        await audit(tx, actor, { action: 'lift-legal-hold', recordType: 'legal_hold', recordId: holdId, familyId: lifted.family_id, detail: { reason } });
      });
    },

    // Retention
    async retentionRules(actor: Actor | null) {
      if (actor) requireRole(actor, 'retention.read', 'Only administrators and data protection officers can see retention');
      return repo.rules(db);
    },

    async setRetentionRules(actor: Actor | null, input: unknown) {
      if (actor) requireRole(actor, 'retention.manage', 'Only administrators can change retention periods');
      const fields = parse(retentionRulesSchema, input);
      return db.transaction(async (tx) => {
        const before = await repo.rules(tx);
        for (const type of retentionRecordTypes) {
          const change = fields[type];
          if (!change) continue;
          const was = before.find((r) => r.record_type === type);
          if (was?.months === change.months && was.version === change.version) continue;
          if (!(await repo.updateRule(tx, type, change.months, change.version, actor?.id ?? null, clock.now()))) {
            throw new ConflictError('Someone else changed the retention periods after you opened them. Reload the page and make your change again.');
          }
          await audit(tx, actor, { action: 'change-retention-rule', recordType: 'retention_rule', recordId: type, detail: { before: { months: was?.months }, after: { months: change.months } } });
        }
        return repo.rules(tx);
      });
    },

    /** Everything retention will remove, keep for a hold, or reach within 30 days, by the clock's date. */
    async retentionPlan(actor: Actor | null) {
      if (actor) requireRole(actor, 'retention.read', 'Only administrators and data protection officers can see retention');
      const today = clock.today();
      const months = Object.fromEntries((await repo.rules(db)).map((r) => [r.record_type, r.months])) as Record<RetentionRecordType, number>;
      const items: RetentionItem[] = [
        ...(await repo.closedFamilies(db)).map((f) => ({
          recordType: 'closed_family' as const, recordId: f.id, familyId: f.id, reference: f.reference, held: f.held,
          dueOn: closedFamilyDue(f.last_closed_on, f.youngest_child_born_on, months.closed_family),
        })),
        ...(await repo.referralsNotAccepted(db)).map((r) => ({
          recordType: 'referral_not_accepted' as const, recordId: r.id, familyId: r.family_id, reference: r.reference, held: r.held,
          dueOn: dueAfter(r.decided_on, months.referral_not_accepted),
        })),
        ...(await repo.referralDrafts(db)).map((d) => ({
          recordType: 'referral_draft' as const, recordId: d.id, familyId: null, reference: `draft ${d.id.slice(0, 8)}`, held: false,
          dueOn: dueAfter(d.created_on, months.referral_draft),
        })),
      ];
      return { today, ...planRetention(items, today) };
    },

    /**
     * `lantern retention run`: anonymises or deletes what is due by the clock's date, never while a
     * legal hold is on (checked again in the statement that removes it). Audited per record and once for the run.
     */
    async runRetention(actor: Actor | null): Promise<{ anonymisedFamilies: number; anonymisedReferrals: number; deletedDrafts: number; held: number }> {
      if (actor) requireRole(actor, 'retention.manage', 'Only administrators can run retention');
      const plan = await this.retentionPlan(actor);
      const counts = { anonymisedFamilies: 0, anonymisedReferrals: 0, deletedDrafts: 0, held: plan.held.length };
      const now = clock.now();
      for (const item of plan.due) {
        await db.transaction(async (tx) => {
          const done = item.recordType === 'closed_family' ? await repo.anonymiseFamily(tx, item.recordId, now)
            : item.recordType === 'referral_not_accepted' ? await repo.anonymiseReferral(tx, item.recordId, now)
              : await repo.deleteDraft(tx, item.recordId);
          if (!done) return;
          if (item.recordType === 'closed_family') counts.anonymisedFamilies += 1;
          else if (item.recordType === 'referral_not_accepted') counts.anonymisedReferrals += 1;
          else counts.deletedDrafts += 1;
          await audit(tx, actor, { action: item.recordType === 'referral_draft' ? 'retention-delete' : 'retention-anonymise', recordType: item.recordType, recordId: item.recordId, familyId: item.familyId, detail: { dueOn: item.dueOn } });
        });
      }
      await audit(db, actor, { action: 'retention-run', recordType: 'retention_rule', detail: { today: plan.today, ...counts, heldReferences: plan.held.map((h) => h.reference) } });
      return counts;
    },

    // Subject access
    async subjectAccessPeople(actor: Actor, input: unknown) {
      const family = await this.findFamily(actor, input);
      return { family, people: await repo.people(db, family.id) };
    },

    /** Everything Lantern holds about one person, other people's data redacted and listed. Data protection officers only; audited. */
    async subjectAccess(actor: Actor, personId: string): Promise<SubjectAccessExport> {
      requireRole(actor, 'data-protection', 'Only data protection officers run subject access exports');
      return db.transaction(async (tx) => {
        const data = await buildSubjectAccess(tx, personId, clock.now());
        if (!data) throw new NotFoundError('Person');
        await audit(tx, actor, {
          action: 'export-subject-access', recordType: 'person', recordId: personId, familyId: data.familyId, basis: 'data protection officer',
          detail: { redactions: data.redacted.length },
        });
        return data;
      });
    },
  };
}

export type GovernanceService = ReturnType<typeof governanceService>;

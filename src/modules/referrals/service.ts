import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { cinFactorCodes, type Role } from '../../domain/codes.ts';
import { screen } from '../../domain/casework/lifecycle.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { levelOfNeed, type NeedForLevel } from '../../domain/level-of-need.ts';
import { searchKeyGroups } from '../../domain/names.ts';
import { accessRepository } from '../access/repository.ts';
import { auditRepository } from '../audit/repository.ts';
import { casesRepository } from '../cases/repository.ts';
import type { FamiliesService } from '../families/service.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { referralsRepository as repo, type ReferralRow } from './repository.ts';
import { referralSchema, screeningSchema } from './schemas.ts';

const referrers = new Set(['practitioner', 'manager']);
const screeners = new Set(['manager']);
/** How long a referral form filled in from a household stays available. */
const referralDraftDays = 30;

/** A referral's coded needs as needs of a parent (B), a child (A) or someone else (C), for the level of need. */
function needsFromCodes(codes: string[]): NeedForLevel[] {
  const roleFor: Record<string, Role> = { A: 'child', B: 'mother', C: 'other_adult' };
  return codes.map((code) => ({ personName: 'referral', role: roleFor[code.slice(-1)] ?? 'other_adult', needType: 'cin_factor', code, isCurrent: true }));
}

export function referralsService(db: Database, families: FamiliesService, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  /** The referral if the actor may read it (the referrer or a screening manager), else null; either way audited. */
  async function readable(tx: Queryable, actor: Actor, id: string, action: string): Promise<ReferralRow | null> {
    const referral = await repo.referral(tx, id);
    if (!referral) throw new NotFoundError('Referral');
    const allowed = screeners.has(actor.role) || referral.referred_by === actor.id;
    await auditRepository.insert(tx, { userId: actor.id, action, recordType: 'referral', recordId: id, familyId: referral.family_id, outcome: allowed ? 'allowed' : 'denied', ip: actor.ip });
    return allowed ? referral : null;
  }
  const refused = () => new ForbiddenError('Only the referrer and screening managers can see this referral');

  // Takes the open transaction when there is one: PGlite has one connection, so a query outside it would wait forever.
  async function level(referral: ReferralRow, q: Queryable = db) {
    const codes = needsFromCodes(referral.need_codes);
    const rules = await families.levelOfNeedRules(q);
    if (!referral.family_id) return levelOfNeed(codes, rules);
    return levelOfNeed([...codes, ...(await families.currentNeedsForLevel(referral.family_id, q))], rules);
  }

  return {
    /**
     * Keeps a filled-in referral form (from an identified household) under a new id, so the
     * answers never travel in a URL. Anyone who may read the source has already been checked by
     * its service; the copy is audited here.
     */
    async saveDraft(actor: Actor, draft: { sourceType: string; sourceId: string | null; fields: Record<string, string> }): Promise<string> {
      const id = randomUUID();
      await db.transaction(async (tx) => {
        await repo.insertDraft(tx, { id, createdBy: actor.id, createdAt: clock.now(), ...draft });
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'create-referral-draft', recordType: 'referral-draft', recordId: id, outcome: 'allowed', ip: actor.ip,
          detail: { sourceType: draft.sourceType, sourceId: draft.sourceId },
        });
      });
      return id;
    },

    /**
     * A draft's answers, for the referral form. Its maker may open it; so may any practitioner or
     * manager, to whom an analyst sends it (analysts find households, referrers refer them).
     * Drafts last referralDraftDays. Every attempt is audited.
     */
    async draft(actor: Actor, draftId: string): Promise<Record<string, string>> {
      return db.transaction(async (tx) => {
        const draft = await repo.draft(tx, draftId, new Date(clock.now().getTime() - referralDraftDays * 86_400_000));
        if (!draft) throw new NotFoundError('Referral draft');
        const allowed = draft.created_by === actor.id || referrers.has(actor.role);
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'read-referral-draft', recordType: 'referral-draft', recordId: draftId, outcome: allowed ? 'allowed' : 'denied', ip: actor.ip,
          detail: { sourceType: draft.source_type, sourceId: draft.source_id },
        });
        if (!allowed) throw new ForbiddenError('Only practitioners and managers can open a referral form filled in from a household');
        return draft.fields;
      });
    },

    async refer(actor: Actor, input: unknown) {
      if (!referrers.has(actor.role)) throw new ForbiddenError('Only practitioners and managers can make referrals');
      const parsed = referralSchema.safeParse(input);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
      const r = parsed.data;
      const id = randomUUID();
      const denied = await db.transaction(async (tx) => {
        if (r.familyId && !(await accessRepository.mayOpenFamily(tx, actor.id, r.familyId))) {
          await auditRepository.insert(tx, { userId: actor.id, action: 'create-referral', recordType: 'referral', familyId: r.familyId, outcome: 'denied', ip: actor.ip });
          return true;
        }
        const reference = await repo.insert(tx, {
          id, familyId: r.familyId, referredBy: actor.id, subject: { familyName: r.familyName, addressLine1: r.addressLine1, postcode: r.postcode, members: r.members },
          referrerName: r.referrerName, referrerAgency: r.referrerAgency, referrerContact: r.referrerContact, selfReferral: r.selfReferral,
          needCodes: r.needCodes, reasons: r.reasons, urgency: r.urgency, consent: r.consent, lawfulBasis: r.lawfulBasis, receivedAt: clock.now(),
        });
        await auditRepository.insert(tx, { userId: actor.id, action: 'create-referral', recordType: 'referral', recordId: id, familyId: r.familyId, outcome: 'allowed', ip: actor.ip, detail: { reference } });
        return false;
      });
      if (denied) throw new ForbiddenError();
      return { id };
    },

    async queue(actor: Actor) {
      if (!screeners.has(actor.role)) throw new ForbiddenError('Only managers screen referrals');
      const rows = await repo.queue(db, new Date(clock.now().getTime() - 30 * 86_400_000));
      await auditRepository.insert(db, { userId: actor.id, action: 'list-referrals', recordType: 'referral', outcome: 'allowed', ip: actor.ip, detail: { count: rows.length } });
      return rows;
    },

    async mine(actor: Actor) {
      return repo.byReferrer(db, actor.id);
    },

    /** The referral with what screening needs: possible existing families, the level of need and its rule, a recent closure. */
    async referral(actor: Actor, id: string) {
      const referral = await db.transaction((tx) => readable(tx, actor, id, 'view-referral'));
      if (!referral) throw refused();
      const possibleFamilies = screeners.has(actor.role) && !referral.family_id
        ? await repo.possibleFamilies(db, referral.subject.members.map((m) => ({ keys: searchKeyGroups(`${m.givenName} ${m.familyName}`), dateOfBirth: m.dateOfBirth })))
        : [];
      const recentClosure = referral.family_id ? await repo.recentClosure(db, referral.family_id, referral.received_at) : undefined;
      return {
        referral,
        needs: referral.need_codes.map((code) => ({ code, label: cinFactorCodes[code] ?? code })),
        possibleFamilies,
        levelOfNeed: await level(referral),
        recentClosure: recentClosure ?? null,
        programmes: await casesRepository.programmes(db),
      };
    },

    async screen(actor: Actor, id: string, input: unknown) {
      if (!screeners.has(actor.role)) throw new ForbiddenError('Only managers screen referrals');
      const parsed = screeningSchema.safeParse(input);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
      const s = parsed.data;
      return db.transaction(async (tx) => {
        const referral = await readable(tx, actor, id, 'screen-referral');
        if (!referral) throw refused();
        const allowed = screen(referral.status);
        if (!allowed.ok) throw new RuleViolation(allowed.reason);
        const computed = await level(referral, tx);
        let familyId = referral.family_id;
        let caseId: string | null = null;
        if (s.decision === 'accepted') {
          const programme = await casesRepository.programme(tx, s.programmeId!);
          if (!programme) throw new ValidationError({ programmeId: 'Select a programme' });
          if (!familyId) {
            if (s.familyChoice === 'new') {
              const subject = referral.subject;
              familyId = (await families.createFamilyWithin(tx, actor, {
                family: { familyName: subject.familyName, addressLine1: subject.addressLine1 || 'Not known', postcode: subject.postcode, districtId: null },
                members: subject.members.map((m) => ({ ...m, sex: 'not_known', expectedDate: null })),
              }, 'Team manager')).id;
            } else {
              const candidates = await repo.possibleFamilies(tx, referral.subject.members.map((m) => ({ keys: searchKeyGroups(`${m.givenName} ${m.familyName}`), dateOfBirth: m.dateOfBirth })));
              if (!candidates.some((c) => c.family_id === s.familyChoice)) throw new ValidationError({ familyChoice: 'Select one of the matching families, or create a new one' });
              familyId = s.familyChoice;
              await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: actor.id, roleInFamily: 'Team manager', today: today() });
            }
          } else {
            await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: actor.id, roleInFamily: 'Team manager', today: today() });
          }
          if (referral.referred_by && referral.referred_by !== actor.id) {
            await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: referral.referred_by, roleInFamily: 'Referrer', today: today() });
          }
          caseId = randomUUID();
          const due = new Date(new Date(referral.received_at).getTime() + programme.first_visit_hours * 3_600_000).toISOString();
          await casesRepository.insertCase(tx, { id: caseId, familyId, referralId: id, programmeId: programme.id, firstVisitDueAt: due, openedAt: clock.now() });
          await auditRepository.insert(tx, { userId: actor.id, action: 'open-case', recordType: 'case', recordId: caseId, familyId, outcome: 'allowed', ip: actor.ip });
        }
        const decided = await repo.decide(tx, id, s.version, {
          status: s.decision, decidedBy: actor.id, reason: s.reason, signpostedTo: s.signpostedTo, programmeId: s.decision === 'accepted' ? s.programmeId : null,
          familyId, level: computed.level, levelRule: computed.reason, levelOverride: s.levelOverride !== null && s.levelOverride !== computed.level ? s.levelOverride : null,
          levelOverrideReason: s.levelOverride !== null && s.levelOverride !== computed.level ? s.levelOverrideReason : '',
          decidedAt: clock.now(),
        });
        if (!decided) throw new ConflictError('Someone else screened this referral after you opened it. Your decision has not been saved.');
        return { decision: s.decision, familyId, caseId };
      });
    },
  };
}

export type ReferralsService = ReturnType<typeof referralsService>;

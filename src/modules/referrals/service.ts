import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { cinFactorCodes, type Role } from '../../domain/codes.ts';
import { ukDate } from '../../domain/casework/due.ts';
import { screen } from '../../domain/casework/lifecycle.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { levelOfNeed, type NeedForLevel } from '../../domain/level-of-need.ts';
import { searchKeyGroups } from '../../domain/names.ts';
import {
  auditShown, familiesAllowed, familyDecision, guardedWork, inTransaction, offers, referralDecision, refusal, requireFeature, visibleReferralsSql, withFamily,
} from '../access/policy.ts';
import { auditRepository } from '../audit/repository.ts';
import { casesRepository } from '../cases/repository.ts';
import type { FamiliesService } from '../families/service.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { referralsRepository as repo, type ReferralRow } from './repository.ts';
import { joinDecisionSchema, joinRequestSchema, referralDetailsSchemaOn, referralSchemaOn, screeningSchema } from './schemas.ts';

/** How long a referral form filled in from a household stays available. */
const referralDraftDays = 30;

/** A referral's coded needs as needs of a parent (B), a child (A) or someone else (C), for the level of need. */
function needsFromCodes(codes: string[]): NeedForLevel[] {
  const roleFor: Record<string, Role> = { A: 'child', B: 'mother', C: 'other_adult' };
  return codes.map((code) => ({ personName: 'referral', role: roleFor[code.slice(-1)] ?? 'other_adult', needType: 'cin_factor', code, isCurrent: true }));
}

export function referralsService(db: Database, families: FamiliesService, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  /** The referral if the policy lets the actor read or screen it (the referrer, or a manager it is routed to), else null; either way audited. */
  async function permitted(tx: Queryable, actor: Actor, id: string, action: string, permission: 'referral.read' | 'referral.screen'): Promise<ReferralRow | null> {
    const referral = await repo.referral(tx, id);
    if (!referral) throw new NotFoundError('Referral');
    const decision = await referralDecision(tx, actor, permission, { referredBy: referral.referred_by, routedTeamId: referral.routed_team_id, familyId: referral.family_id, status: referral.status });
    await auditRepository.insert(tx, {
      userId: actor.id, action, recordType: 'referral', recordId: id, familyId: referral.family_id, outcome: decision.allowed ? 'allowed' : 'denied', ip: actor.ip, basis: decision.basis,
    });
    return decision.allowed ? referral : null;
  }
  const refused = () => new ForbiddenError('Only the referrer and the managers the referral is routed to can see this referral');

  /** Families whose people match the referral's: those the actor may open by name, the rest only as "a family already known to Lantern". */
  async function matches(q: Queryable, actor: Actor, referral: ReferralRow) {
    const candidates = await repo.possibleFamilies(q, referral.subject.members.map((m) => ({ keys: searchKeyGroups(`${m.givenName} ${m.familyName}`), dateOfBirth: m.dateOfBirth })));
    const readable = await familiesAllowed(q, actor, 'family.read', candidates.map((c) => c.family_id));
    return {
      openable: candidates.filter((c) => readable.has(c.family_id)),
      // Nothing about these families but that they exist: the screener asks their lead to join the referral to one.
      known: candidates.filter((c) => !readable.has(c.family_id)).map((c) => ({ family_id: c.family_id, matching_people: c.matching_people })),
    };
  }

  // Takes the open transaction when there is one: PGlite has one connection, so a query outside it would wait forever.
  async function level(referral: ReferralRow, q: Queryable = db) {
    const codes = needsFromCodes(referral.need_codes);
    const rules = await families.levelOfNeedRules(q);
    if (!referral.family_id) return levelOfNeed(codes, rules);
    return levelOfNeed([...codes, ...(await families.currentNeedsForLevel(referral.family_id, q))], rules);
  }

  /** The referral's fields, or a ValidationError with every problem in it. */
  function parseReferral(input: unknown) {
    const parsed = referralSchemaOn(today()).safeParse(input);
    if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
    return parsed.data;
  }

  return {
    /** Every problem with a referral, without saving it: for a page that has found problems of its own. */
    referralErrors(input: unknown) {
      const parsed = referralSchemaOn(today()).safeParse(input);
      return parsed.success ? {} : fieldErrors(parsed.error);
    },

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
      // inTransaction with refusal(): the refused attempt's audit row commits.
      return inTransaction(db, async (tx) => {
        const draft = await repo.draft(tx, draftId, new Date(clock.now().getTime() - referralDraftDays * 86_400_000));
        if (!draft) throw new NotFoundError('Referral draft');
        const allowed = draft.created_by === actor.id || offers(actor, 'referral.make');
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'read-referral-draft', recordType: 'referral-draft', recordId: draftId, outcome: allowed ? 'allowed' : 'denied', ip: actor.ip,
          detail: { sourceType: draft.source_type, sourceId: draft.source_id },
        });
        if (!allowed) throw refusal(new ForbiddenError('Only practitioners and managers can open a referral form filled in from a household'));
        return draft.fields;
      });
    },

    async refer(actor: Actor, input: unknown) {
      await requireFeature(actor, 'referral.make', 'Only practitioners and managers can make referrals');
      const r = parseReferral(input);
      const id = randomUUID();
      if (r.routedTeamId && !(await repo.teamExists(db, r.routedTeamId))) throw new ValidationError({ routedTeamId: 'Select the team the referral is for' });
      const denied = await db.transaction(async (tx) => {
        if (r.familyId && !(await familyDecision(tx, actor, 'family.read', r.familyId)).allowed) {
          await auditRepository.insert(tx, { userId: actor.id, action: 'create-referral', recordType: 'referral', familyId: r.familyId, outcome: 'denied', ip: actor.ip });
          return true;
        }
        const reference = await repo.insert(tx, {
          id, familyId: r.familyId, routedTeamId: r.routedTeamId, referredBy: actor.id, subject: { familyName: r.familyName, addressLine1: r.addressLine1, postcode: r.postcode, members: r.members },
          referrerName: r.referrerName, referrerAgency: r.referrerAgency, referrerContact: r.referrerContact, selfReferral: r.selfReferral,
          needCodes: r.needCodes, reasons: r.reasons, urgency: r.urgency, consent: r.consent, lawfulBasis: r.lawfulBasis, receivedAt: clock.now(),
        });
        await auditRepository.insert(tx, { userId: actor.id, action: 'create-referral', recordType: 'referral', recordId: id, familyId: r.familyId, outcome: 'allowed', ip: actor.ip, detail: { reference } });
        return false;
      });
      if (denied) throw new ForbiddenError();
      return { id };
    },

    /** The referrals routed to this manager's teams (and the front door's, for its screeners), audited with each family shown. */
    async queue(actor: Actor) {
      return db.transaction(async (tx) => {
        const params: unknown[] = [];
        const visible = await visibleReferralsSql(tx, actor, 'referral.screen', params);
        const rows = await repo.queue(tx, new Date(clock.now().getTime() - 30 * 86_400_000), visible, params);
        await auditShown(tx, actor, 'list-referrals', 'referral', rows.map((r) => r.family_id).filter((id): id is string => Boolean(id)), { count: rows.length });
        return rows;
      });
    },

    /** Where a referral can be sent: the front door, or a team. */
    teams: () => repo.teams(db),

    /** "Referrals I made", each with its status. */
    async mine(actor: Actor) {
      return db.transaction(async (tx) => {
        const rows = await repo.byReferrer(tx, actor.id);
        await auditShown(tx, actor, 'list-my-referrals', 'referral', rows.map((r) => r.family_id).filter((id): id is string => Boolean(id)), { count: rows.length });
        return rows;
      });
    },

    /** The referral with what screening needs: possible existing families, the level of need and its rule, a recent closure. */
    async referral(actor: Actor, id: string) {
      const referral = await db.transaction((tx) => permitted(tx, actor, id, 'view-referral', 'referral.read'));
      if (!referral) throw refused();
      const mayScreen = (await referralDecision(db, actor, 'referral.screen', { referredBy: referral.referred_by, routedTeamId: referral.routed_team_id, familyId: referral.family_id, status: referral.status })).allowed;
      const possible = mayScreen && !referral.family_id ? await matches(db, actor, referral) : { openable: [], known: [] };
      // The family's past cases are for those who may open the family.
      const mayOpenFamily = referral.family_id ? (await familyDecision(db, actor, 'family.read', referral.family_id)).allowed : false;
      const recentClosure = mayOpenFamily ? await repo.recentClosure(db, referral.family_id!, referral.received_at) : undefined;
      // Need to know: the level's reasons name the family's needs; when some are not for this viewer, the level shows without them.
      const familyNeeds = referral.family_id ? await families.currentNeedsForLevelSeenBy(actor, referral.family_id, mayOpenFamily) : null;
      const computed = familyNeeds
        ? levelOfNeed([...needsFromCodes(referral.need_codes), ...familyNeeds.needs], await families.levelOfNeedRules(db))
        : await level(referral);
      const withholding = Boolean(familyNeeds?.hidden);
      const withheldReason = 'Worked out from the referral and every current need on the family’s record. Some of those needs are not shared with you, so the reasons are not shown here.';
      const shown = mayOpenFamily || !referral.family_id ? referral : { ...referral, family_reference: null, family_name: null };
      return {
        referral: withholding && shown.level_rule ? { ...shown, level_rule: withheldReason } : shown,
        withheld: { total: familyNeeds?.hidden ?? 0, notices: familyNeeds?.notices ?? [] },
        mayScreen,
        needs: referral.need_codes.map((code) => ({ code, label: cinFactorCodes[code] ?? code })),
        possibleFamilies: possible.openable,
        knownFamilies: possible.known,
        joinRequests: await repo.joinRequestsForReferral(db, id),
        levelOfNeed: withholding ? { ...computed, reason: withheldReason, vulnerabilities: [] } : computed,
        recentClosure: recentClosure ?? null,
        programmes: await casesRepository.programmes(db),
      };
    },

    /**
     * Asks the lead or managers of a family that possibly matches the referral, which the screener
     * may not open, to join the referral to it. Nothing is opened until one of them accepts.
     */
    async requestJoin(actor: Actor, referralId: string, input: unknown) {
      return inTransaction(db, async (tx) => {
        const referral = await permitted(tx, actor, referralId, 'request-join-to-family', 'referral.screen');
        if (!referral) throw refusal(refused());
        // Parsed after the audited check: a malformed request is still on the record.
        const parsed = joinRequestSchema.safeParse(input);
        if (!parsed.success) throw refusal(new ValidationError({ familyChoice: 'Select one of the families already known to Lantern' }));
        const { familyId } = parsed.data;
        if (referral.family_id || referral.status !== 'received') throw refusal(new RuleViolation('This referral is already joined to a family or screened'));
        const { known } = await matches(tx, actor, referral);
        if (!known.some((k) => k.family_id === familyId)) throw refusal(new ValidationError({ familyChoice: 'Select one of the families already known to Lantern' }));
        const requestId = randomUUID();
        const created = await repo.insertJoinRequest(tx, { id: requestId, referralId, familyId, requestedBy: actor.id, at: clock.now() });
        if (!created) throw refusal(new ValidationError({ familyChoice: 'You have already asked to join this referral to that family' }));
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'join-request-sent', recordType: 'join_request', recordId: requestId, familyId, outcome: 'allowed', ip: actor.ip,
          basis: 'referral routed to you', detail: { referral: referral.reference },
        });
        return { id: requestId };
      });
    },

    /** A family's lead or manager accepts (the requester joins the team around the family and the referral is joined to it) or refuses. */
    async decideJoinRequest(actor: Actor, familyId: string, requestId: string, body: unknown) {
      const said = (body as { decision?: unknown } | null)?.decision;
      return inTransaction(db, async (tx) => guardedWork(tx, actor, familyId,
        { action: said === 'accept' ? 'join-request-accepted' : said === 'refuse' ? 'join-request-refused' : 'join-request-answered', permission: 'family.join-request.decide', record: { type: 'join_request', id: requestId } },
        async () => {
          // Parsed inside the audited work: a refused or malformed answer leaves its audit row.
          const parsed = joinDecisionSchema.safeParse(body ?? {});
          if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
          const input = { accept: parsed.data.decision === 'accept', reason: parsed.data.reason };
          const request = await repo.joinRequest(tx, requestId);
          if (!request || request.family_id !== familyId) throw new NotFoundError('Request');
          if (request.status !== 'pending') throw new RuleViolation('This request has already been answered');
          await repo.decideJoinRequest(tx, requestId, input.accept ? 'accepted' : 'refused', actor.id, clock.now(), input.reason);
          if (input.accept) {
            if (!(await repo.joinReferralToFamily(tx, request.referral_id, familyId))) throw new RuleViolation('The referral has been screened or joined to another family since the request was made');
            await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: request.requested_by, roleInFamily: 'Screening manager', today: today() });
            await auditRepository.insert(tx, {
              userId: request.requested_by, action: 'team-member-added', recordType: 'user', recordId: request.requested_by, familyId, outcome: 'allowed',
              ip: actor.ip, basis: 'request accepted', detail: { added: request.requested_by_name, acceptedBy: actor.displayName },
            });
          }
          return { status: input.accept ? 'accepted' : 'refused' };
        }));
    },

    /** Requests waiting for this family's lead or managers, and those answered. */
    async joinRequestsForFamily(actor: Actor, familyId: string) {
      return withFamily(db, actor, familyId, { action: 'view-join-requests', permission: 'family.join-request.decide' }, (tx) => repo.joinRequestsForFamily(tx, familyId));
    },

    /**
     * A screener (a manager the referral is routed to) corrects the referral's details before
     * screening: the family's name, address and people, the referrer's details and the reasons.
     * Refused once screened, or when someone changed it since `version` was read; audited with
     * the fields before and after. `incomplete`: the page found a problem of its own (a date its
     * boxes cannot make), so nothing is saved, but the schema's problems are still all reported.
     */
    async correctDetails(actor: Actor, id: string, input: unknown, { incomplete = false }: { incomplete?: boolean } = {}) {
      return inTransaction(db, async (tx) => {
        const referral = await permitted(tx, actor, id, 'correct-referral', 'referral.screen');
        if (!referral) throw refusal(refused());
        if (referral.status !== 'received') throw new RuleViolation('This referral has been screened: its details can no longer be corrected');
        const parsed = referralDetailsSchemaOn(today(), { joined: Boolean(referral.family_id) }).safeParse(input);
        if (!parsed.success || incomplete) throw new ValidationError(parsed.success ? {} : fieldErrors(parsed.error));
        const d = parsed.data;
        const before = {
          subject: referral.subject, referrerName: referral.referrer_name, referrerAgency: referral.referrer_agency, referrerContact: referral.referrer_contact, reasons: referral.reasons,
        };
        const after = {
          subject: { familyName: d.familyName, addressLine1: d.addressLine1, postcode: d.postcode, members: d.members },
          referrerName: d.referrerName, referrerAgency: d.referrerAgency, referrerContact: d.referrerContact, reasons: d.reasons,
        };
        const version = await repo.correctDetails(tx, id, d.version, after);
        if (version === null) throw new ConflictError('Someone else changed or screened this referral after you opened it. Your corrections have not been saved. Check the current details, then make your corrections again.');
        const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
        await auditRepository.insert(tx, {
          userId: actor.id, action: 'referral-details-corrected', recordType: 'referral', recordId: id, familyId: referral.family_id, outcome: 'allowed', ip: actor.ip,
          basis: 'referral routed to you',
          detail: { before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
        });
        return { id, version };
      });
    },

    async screen(actor: Actor, id: string, input: unknown) {
      const parsed = screeningSchema.safeParse(input);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
      const s = parsed.data;
      return inTransaction(db, async (tx) => {
        const referral = await permitted(tx, actor, id, 'screen-referral', 'referral.screen');
        if (!referral) throw refusal(refused());
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
              // The screener may correct the address the referrer gave: the corrected one is kept on the referral too.
              const subject = { ...referral.subject, addressLine1: s.addressLine1 || referral.subject.addressLine1, postcode: s.postcode || referral.subject.postcode };
              if (subject.addressLine1 !== referral.subject.addressLine1 || subject.postcode !== referral.subject.postcode) await repo.correctSubject(tx, id, subject);
              familyId = (await families.createFamilyWithin(tx, actor, {
                family: { familyName: subject.familyName, addressLine1: subject.addressLine1 || 'Not known', postcode: subject.postcode, districtId: null },
                members: subject.members.map((m) => ({ ...m, sex: 'not_known', expectedDate: null })),
              }, 'Team manager')).id;
            } else {
              // Only a family the screener may already open; any other is reached through a request to its lead.
              const { openable } = await matches(tx, actor, referral);
              if (!openable.some((c) => c.family_id === s.familyChoice)) throw new ValidationError({ familyChoice: 'Select one of the matching families, or create a new one' });
              familyId = s.familyChoice;
              await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: actor.id, roleInFamily: 'Team manager', today: today() });
            }
          } else {
            await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: actor.id, roleInFamily: 'Team manager', today: today() });
          }
          if (referral.referred_by && referral.referred_by !== actor.id) {
            await casesRepository.joinTeam(tx, { id: randomUUID(), familyId, userId: referral.referred_by, roleInFamily: 'Referrer', today: today() });
          }
          await families.recordReferralNeedsWithin(tx, actor, familyId, referral.need_codes, ukDate(referral.received_at), `Coded at referral ${referral.reference}`);
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

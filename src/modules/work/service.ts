import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { signpostRepository } from '../directory/signposting.ts';
import { closureReasonLabel, closureReasonLabels, stepDownTierLabels, type ClosureReason, type StepDownTier } from '../../domain/casework/closure.ts';
import {
  assess, bySoonest, caseload, countBySeverity, defaultFollowUpMonths, driftSignals, dueItems, followUpSchedule,
  latestClosureWithin12Months, toDueItem, ukDate, addDays, dueSoonDays,
  type CaseFacts, type DriftSignal, type DueItem, type DueSourceItem,
} from '../../domain/casework/due.ts';
import { caseStateLabels, transition } from '../../domain/casework/lifecycle.ts';
import { formatDate } from '../../domain/dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { auditRepository } from '../audit/repository.ts';
import { auditShown, offers, requireFeature } from '../access/policy.ts';
import type { CasesService } from '../cases/service.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { workRepository as repo, type FollowUpRow, type WorkCaseRow } from './repository.ts';
import { closureSchemaFor, followUpRecordSchemaOn } from './schemas.ts';

/** Items another module reports as due on these cases (plan reviews, plan actions...). */
export type DueSource = (tx: Queryable, caseIds: string[]) => Promise<DueSourceItem[]>;

/** The latest contact and the first home visit of each case, as the contacts module knows them (ISO instants or dates). */
export interface ContactFacts {
  lastContactAt: string | null;
  firstVisitAt: string | null;
}
export type ContactSource = (tx: Queryable, caseIds: string[]) => Promise<Map<string, ContactFacts>>;

export interface WorkOptions {
  clock: Clock;
  /** Other modules' due items, wired in src/services.ts. */
  dueSources?: DueSource[];
  /** Contacts and first visits from the contacts module; without it, the case's record_contact events stand in. */
  contactSource?: ContactSource;
}

export const closeRefusal = 'Only a manager can close a case. Ask your manager to close this case.';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export function workService(db: Database, cases: CasesService, options: WorkOptions) {
  const dueSources = options.dueSources ?? [];

  const instant = () => options.clock.now().toISOString();
  const today = () => options.clock.today();

  function programmeOf(r: WorkCaseRow) {
    return {
      name: r.programme_name, durationWeeks: r.duration_weeks, firstVisitHours: r.first_visit_hours,
      reviewIntervalDays: r.review_interval_days, noContactAlertDays: r.no_contact_alert_days, followUpMonths: r.follow_up_months,
    };
  }

  /** Everything that decides what is due on these cases, from this module and from the sources wired in. */
  async function factsFor(tx: Queryable, rows: WorkCaseRow[]): Promise<Map<string, CaseFacts>> {
    const ids = rows.map((r) => r.id);
    const reported = ids.length ? (await Promise.all(dueSources.map((source) => source(tx, ids)))).flat() : [];
    const contacts = ids.length && options.contactSource ? await options.contactSource(tx, ids) : new Map<string, ContactFacts>();
    const followUps = await repo.followUpsForCases(tx, ids);
    return new Map(rows.map((r) => {
      const contact = contacts.get(r.id);
      const facts: CaseFacts = {
        caseId: r.id, state: r.state, programme: programmeOf(r), referredAt: r.referred_at, firstVisitDueAt: r.first_visit_due_at,
        openedAt: r.opened_at, allocatedAt: r.allocated_at,
        firstVisitAt: contact ? contact.firstVisitAt : r.first_contact_at,
        lastContactAt: contact ? contact.lastContactAt : r.last_contact_at,
        planAgreedAt: r.plan_agreed_at, lastReviewAt: r.last_review_at,
        followUps: followUps.filter((f) => f.case_id === r.id).map((f) => ({ id: f.id, monthsAfter: f.months_after, dueOn: f.due_on, doneOn: f.done_on })),
        reported: reported.filter((i) => i.caseId === r.id),
      };
      return [r.id, facts];
    }));
  }

  function reReferral(r: WorkCaseRow) {
    if (!r.previous_closed_at) return null;
    const closedOn = latestClosureWithin12Months([r.previous_closed_at], r.opened_at);
    return closedOn ? { closedOn, reference: r.previous_reference } : null;
  }

  /** One open case with what is due on it and, for managers, its drift. */
  function caseSummary(r: WorkCaseRow, facts: CaseFacts, at: string) {
    const items = dueItems(facts, at);
    const counts = countBySeverity(items);
    return {
      id: r.id, reference: r.reference, familyId: r.family_id, familyName: r.family_name, state: r.state, stateLabel: caseStateLabels[r.state],
      programmeName: r.programme_name, caseloadLimit: r.caseload_limit, keyWorkerId: r.key_worker_id, keyWorkerName: r.key_worker_name,
      openedOn: ukDate(r.opened_at), items, counts, next: items[0] ?? null,
      drift: driftSignals(facts, at) as DriftSignal[],
      reReferral: reReferral(r),
    };
  }
  type CaseSummary = ReturnType<typeof caseSummary>;

  const soonestFirst = (a: CaseSummary, b: CaseSummary) =>
    a.next && b.next ? bySoonest(a.next, b.next) : a.next ? -1 : b.next ? 1 : a.familyName.localeCompare(b.familyName);

  function followUpView(f: FollowUpRow, at: string) {
    const due = f.done_on ? null : assess(f.due_on, null, at);
    return {
      id: f.id, caseId: f.case_id, monthsAfter: f.months_after, label: `${f.months_after}-month follow-up`, dueOn: f.due_on, doneOn: f.done_on,
      outcomeNote: f.outcome_note, doneBy: f.done_by_name, version: f.version, severity: due?.severity ?? null, status: due?.status ?? 'done',
    };
  }

  return {
    /**
     * The actor's open cases as key worker with what is due and overdue, soonest first, and the
     * follow-ups due within a week on cases they closed.
     */
    async myWork(actor: Actor) {
      await requireFeature(actor, 'work.mine', 'My work is for practitioners and managers');
      const at = instant();
      return db.transaction(async (tx) => {
        const rows = await repo.openCasesOf(tx, [actor.id]);
        const facts = await factsFor(tx, rows);
        const summaries = rows.map((r) => caseSummary(r, facts.get(r.id)!, at)).sort(soonestFirst);
        const followUps = await repo.dueFollowUpsFor(tx, actor.id, addDays(ukDate(at), dueSoonDays));
        const followUpItems = followUps.map((f) => ({
          item: toDueItem({ caseId: f.case_id, kind: 'follow_up', dueOn: f.due_on, label: `${f.months_after}-month follow-up after closure`, recordId: f.id }, at),
          case: { id: f.case_id, reference: f.reference, familyId: f.family_id, familyName: f.family_name, programmeName: f.programme_name, closedOn: ukDate(f.closed_at) },
        }));
        const due = [
          ...summaries.flatMap((c) => c.items.filter((i) => i.severity !== 'upcoming').map((item) => ({
            item, case: { id: c.id, reference: c.reference, familyId: c.familyId, familyName: c.familyName, programmeName: c.programmeName, closedOn: null as string | null },
          }))),
          ...followUpItems,
        ].sort((a, b) => bySoonest(a.item, b.item));
        const counts = countBySeverity(due.map((d) => d.item));
        await auditShown(tx, actor, 'view-my-work', 'case', [...summaries.map((c) => c.familyId), ...followUpItems.map((f) => f.case.familyId)], { cases: rows.length, due: due.length });
        return { today: ukDate(at), counts, due, cases: summaries };
      });
    },

    /**
     * A manager's view of the open cases of every practitioner they manage: caseloads against the
     * programme limit, overdue counts, drift and re-referrals. Filter by worker, or drifting only.
     */
    async teamWork(actor: Actor, filter: { workerId?: string | null; driftingOnly?: boolean } = {}) {
      await requireFeature(actor, 'work.team', 'Only managers can see their team’s work');
      const at = instant();
      return db.transaction(async (tx) => {
        const workers = await repo.managedPractitioners(tx, actor.id);
        const rows = await repo.openCasesOf(tx, workers.map((w) => w.id));
        const facts = await factsFor(tx, rows);
        const all = rows.map((r) => caseSummary(r, facts.get(r.id)!, at));
        const caseloads = workers.map((w) => {
          const theirs = all.filter((c) => c.keyWorkerId === w.id);
          const load = caseload(theirs.map((c) => c.caseloadLimit));
          return {
            id: w.id, name: w.display_name, team: w.team_name, openCases: load.open, limit: load.limit, status: load.status,
            overdue: theirs.reduce((n, c) => n + c.counts.overdue, 0),
            drifting: theirs.filter((c) => c.drift.length > 0).length,
          };
        });
        const awaitingRows = await repo.awaitingAllocationFor(tx, actor);
        const awaiting = awaitingRows.map((r) => ({
          id: r.id, reference: r.reference, familyName: r.family_name, programmeName: r.programme_name, referredOn: ukDate(r.referred_at),
          firstVisitDueBy: r.first_visit_due_at,
        }));
        const workerId = filter.workerId && workers.some((w) => w.id === filter.workerId) ? filter.workerId : null;
        const driftingOnly = Boolean(filter.driftingOnly);
        const shown = all
          .filter((c) => (!workerId || c.keyWorkerId === workerId) && (!driftingOnly || c.drift.length > 0))
          .sort((a, b) => b.counts.overdue - a.counts.overdue || b.drift.length - a.drift.length || soonestFirst(a, b));
        await auditShown(tx, actor, 'view-team-work', 'case', [...shown.map((c) => c.familyId), ...awaitingRows.map((r) => r.family_id)], { cases: shown.length, awaiting: awaiting.length, workerId, driftingOnly });
        return {
          today: ukDate(at), filter: { workerId, driftingOnly }, workers: caseloads, cases: shown, awaiting,
          totals: {
            openCases: all.length, overdue: all.reduce((n, c) => n + c.counts.overdue, 0),
            drifting: all.filter((c) => c.drift.length > 0).length, reReferrals: all.filter((c) => c.reReferral).length,
          },
        };
      });
    },

    /**
     * The family's most recent case closed no more than 12 months before `referredOn`, for the
     * referral screen's re-referral flag. Run it inside the caller's access-checked transaction.
     */
    async recentClosure(tx: Queryable, familyId: string, referredOn: string) {
      const closures = await repo.closuresForFamily(tx, familyId);
      const latest = latestClosureWithin12Months(closures.map((c) => c.closed_at), referredOn);
      const closure = latest ? closures.find((c) => ukDate(c.closed_at) === latest)! : null;
      return closure ? {
        caseId: closure.id, reference: closure.reference, closedOn: latest!, reason: closure.closure_reason, reasonLabel: closureReasonLabel(closure.closure_reason),
      } : null;
    },

    /** The day of the case's first home visit, or null before it: the case page shows the deadline only until then. */
    async firstVisit(actor: Actor, caseId: string): Promise<string | null> {
      return cases.withCase(actor, caseId, 'view-case-first-visit', async (tx) => {
        const r = (await repo.caseForWork(tx, caseId))!;
        const at = (await factsFor(tx, [r])).get(caseId)!.firstVisitAt;
        return at ? ukDate(at) : null;
      });
    },

    /** What the closure page needs: the case, whether it may close now, and the follow-ups closing would schedule. */
    async closureForm(actor: Actor, caseId: string) {
      await requireFeature(actor, 'casework.write', 'Only practitioners and managers can close cases');
      return cases.withCase(actor, caseId, 'view-case-closure', async (tx, c) => {
        const r = (await repo.caseForWork(tx, caseId))!;
        const check = transition(c.state, 'close');
        const months = r.follow_up_months.length ? r.follow_up_months : defaultFollowUpMonths;
        return {
          case: { id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, programmeName: c.programme_name, state: c.state, stateLabel: caseStateLabels[c.state], keyWorkerName: c.key_worker_name, version: c.version },
          mayClose: offers(actor, 'case.close'),
          refusal: check.ok ? null : check.reason,
          schedule: followUpSchedule(today(), months),
          // Offered as the step-down destination: the directory services this family was signposted or referred to.
          signposted: (await signpostRepository.forCase(tx, caseId)).map((s) => ({ id: s.service_id, name: s.organisation && s.organisation !== s.name ? `${s.name} (${s.organisation})` : s.name })),
        };
      });
    },

    /**
     * Closes a case (managers only): records why and the step-down, moves the case to closed
     * through the lifecycle, and schedules the programme's follow-ups from today.
     */
    async close(actor: Actor, caseId: string, input: unknown) {
      await requireFeature(actor, 'case.close', closeRefusal, {
        q: db, action: 'close-case', recordType: 'case', recordId: caseId, familyId: async () => (await repo.caseForWork(db, caseId))?.family_id ?? null,
      });
      return cases.withCase(actor, caseId, 'close-case', async (tx, c) => {
        const check = transition(c.state, 'close');
        if (!check.ok) throw new RuleViolation(check.reason);
        // The reason is checked against what the case has done with every other answer, at once.
        const signposted = new Map((await signpostRepository.forCase(tx, caseId)).map((s) => [s.service_id, s.name]));
        const fields = parse(closureSchemaFor({ planAgreed: (await repo.caseForWork(tx, caseId))!.plan_agreed_at !== null, signposted }), input);
        const stepDownTo = fields.stepDownTo || (fields.stepDownServiceId ? signposted.get(fields.stepDownServiceId)! : '');
        const closedAt = instant();
        const saved = await repo.recordClosure(tx, caseId, fields.version, {
          closedAt, reason: fields.reason, reasonOther: fields.reason === 'other' ? fields.reasonOther : '', tier: fields.stepDownTier,
          to: stepDownTo, summary: fields.closingSummary, closedBy: actor.id, serviceId: fields.stepDownServiceId,
        });
        if (!saved) throw new ConflictError('Someone else changed this case after you opened the page. The case has not been closed. Check the case, then close it again.');
        const reason = fields.reason === 'other' ? fields.reasonOther : closureReasonLabels[fields.reason as ClosureReason];
        await cases.applyEvent(tx, c, 'close', actor, `${reason}. Stepped down to ${stepDownTierLabels[fields.stepDownTier as StepDownTier].toLowerCase()}: ${stepDownTo}`);
        const r = (await repo.caseForWork(tx, caseId))!;
        const schedule = followUpSchedule(ukDate(closedAt), r.follow_up_months.length ? r.follow_up_months : defaultFollowUpMonths)
          .map((f) => ({ ...f, id: randomUUID() }));
        await repo.insertFollowUps(tx, caseId, schedule);
        return { closedOn: ukDate(closedAt), followUps: schedule };
      });
    },

    /** A case's closure and its follow-ups, done and to do. */
    async followUps(actor: Actor, caseId: string) {
      return cases.withCase(actor, caseId, 'view-follow-ups', async (tx, c) => {
        const [rows, details] = await Promise.all([repo.followUps(tx, caseId), repo.closureDetails(tx, caseId)]);
        const at = instant();
        return {
          case: {
            id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, programmeName: c.programme_name,
            state: c.state, stateLabel: caseStateLabels[c.state], keyWorkerName: c.key_worker_name,
          },
          closure: c.state === 'closed' ? {
            closedOn: c.closed_at ? ukDate(c.closed_at) : null,
            reason: c.closure_reason === 'other' ? details.closure_reason_other : closureReasonLabel(c.closure_reason),
            stepDownTier: c.step_down_tier, stepDownTierLabel: c.step_down_tier ? stepDownTierLabels[c.step_down_tier as StepDownTier] : null,
            stepDownTo: c.step_down_to, summary: c.closing_summary, closedBy: details.closed_by_name,
          } : null,
          followUps: rows.map((f) => followUpView(f, at)),
        };
      });
    },

    async followUp(actor: Actor, caseId: string, followUpId: string) {
      return cases.withCase(actor, caseId, 'view-follow-up', async (tx, c) => {
        const f = await repo.followUp(tx, caseId, followUpId);
        if (!f) throw new NotFoundError('Follow-up');
        return {
          case: { id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, closedOn: c.closed_at ? ukDate(c.closed_at) : null },
          followUp: followUpView(f, instant()),
        };
      });
    },

    /** Records a follow-up: the date it happened and how the family is doing. */
    async recordFollowUp(actor: Actor, caseId: string, followUpId: string, input: unknown) {
      await requireFeature(actor, 'casework.write', 'Only practitioners and managers can record follow-ups');
      return cases.withCase(actor, caseId, 'record-follow-up', async (tx, c) => {
        const f = await repo.followUp(tx, caseId, followUpId);
        if (!f) throw new NotFoundError('Follow-up');
        const closedOn = c.closed_at ? ukDate(c.closed_at) : null;
        const fields = parse(followUpRecordSchemaOn(today(), closedOn ? { date: closedOn, words: formatDate(closedOn) } : null), input);
        const saved = await repo.recordFollowUp(tx, followUpId, fields.version, { doneOn: fields.doneOn, note: fields.outcomeNote, doneBy: actor.id, recordedAt: instant() });
        if (!saved) throw new ConflictError('Someone else recorded this follow-up after you opened the page. Your note has not been saved. Check what they recorded, then add yours again.');
        return { id: followUpId };
      });
    },
  };
}

export type WorkService = ReturnType<typeof workService>;
export type { DueItem, DueSourceItem };

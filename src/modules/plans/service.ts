import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { Actor } from '../../domain/actor.ts';
import { cinFactorCodes, factorCodesFor, needLabel, roleLabels } from '../../domain/codes.ts';
import { latestReviewDate } from '../../domain/casework/due.ts';
import { describeAge, formatDate } from '../../domain/dates.ts';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolation, ValidationError } from '../../domain/errors.ts';
import { caseStateLabels, transition } from '../../domain/casework/lifecycle.ts';
import { outcomeAreaLabels, outcomeAreas } from '../../domain/casework/outcome-areas.ts';
import {
  actionStatusLabels, assessmentEditRefusal, assessmentGaps, assessmentIncomplete, contactTimeLabels, isOverdue, memberTaskStatus,
  needsWishesAndFeelings, nextPlanVersion, planAgreementGaps, planEditRefusal, planIncomplete, safetyPlanNeeded, suggestedReviewDate,
  supportDocumentRefusal, type Gap, type MemberAssessment, type PlanSnapshot, type TaskStatus,
} from '../../domain/casework/plan.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CasesService } from '../cases/service.ts';
import { familiesRepository } from '../families/repository.ts';
import { fieldErrors } from '../../domain/errors.ts';
import { plansRepository as repo, type ActionRow, type GoalRow, type PlanRow } from './repository.ts';
import {
  actionSchema, actionSchemaOn, actionStatusSchema, contractSchemaOn, familyViewSchema, goalSchema, memberAssessmentSchemaFor, reviewDateSchemaOn, safetyPlanSchema,
  versionOnlySchema,
} from './schemas.ts';
import { requireFeature } from '../access/policy.ts';
import { nameWithAgency } from '../../domain/names.ts';
import { Withholding, maySee, needCategory, type DataCategory, type ItemOwner, type ShareFacts } from '../../domain/access/categories.ts';
import { loadShareFacts, requireMayRecord, withholdingFor } from '../access/sharing.ts';
import type { AgencyKind } from '../../domain/codes.ts';

/** Need to know: an assessment, plan, contract or safety plan belongs to the agency of whoever recorded it. */
const recordedBy = (r: { owner_agency_id: string | null; owner_agency_kind: AgencyKind | null } | undefined): ItemOwner =>
  ({ agencyId: r?.owner_agency_id ?? null, agencyKind: r?.owner_agency_kind ?? null });

/** What one viewer may see of a case's assessment and plans: the family's sharing facts, and who they are (an action's owner always sees it). */
interface Viewer { shared: Withholding; actorId: string }

/** Whether a plan action is the viewer's own: they own it, or their agency does (a school sees the actions it owns). */
function ownAction(a: ActionRow, viewer: Viewer): boolean {
  return a.owner_user_id === viewer.actorId || (a.owner_user_agency_id !== null && a.owner_user_agency_id === viewer.shared.facts.agencyId);
}

/** Refuses a document the viewer's agency may not see, whole (403 with the reason). */
function requireShared(shared: Withholding, what: string, owner: ItemOwner, category: DataCategory = 'plans') {
  if (!maySee(shared.facts, category, owner)) throw new ForbiddenError(shared.refusal(what, owner));
}

/** Refuses a write of a category the writer's agency may not record, or over an item it may not see. */
function requireWrite(facts: ShareFacts, category: DataCategory, existing?: { what: string; owner: ItemOwner }) {
  requireMayRecord(facts, category);
  if (existing && !maySee(facts, category, existing.owner)) {
    throw new ForbiddenError(`${new Withholding(facts).refusal(existing.what, existing.owner)}, so you cannot change it`);
  }
}


/** The distance-travelled scale recorded against each goal at a review. */
export const distanceLabels: Record<number, string> = { 1: '1 – Not started', 2: '2 – A little progress', 3: '3 – Halfway there', 4: '4 – Mostly there', 5: '5 – Achieved' };

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** The message for a save based on an out-of-date copy: nothing is overwritten, and the user is told what to do. */
export function staleSaveMessage(what: string): string {
  return `Someone else saved changes to ${what} after you opened it, so your changes have not been saved. Nothing has been overwritten. Check ${what} as it is now, then make your changes again.`;
}

const stale = {
  plan: staleSaveMessage('the plan'),
  member: staleSaveMessage('this part of the assessment'),
  familyView: staleSaveMessage('the family’s view'),
  contract: staleSaveMessage('the family contract'),
  safetyPlan: staleSaveMessage('the safety plan'),
};

const assessmentStatusLabels: Record<'not_started' | 'in_progress' | 'complete', string> = {
  not_started: 'Not started', in_progress: 'In progress', complete: 'Complete',
};
export const taskStatusLabels: Record<TaskStatus, string> = { not_started: 'Not started', in_progress: 'In progress', completed: 'Completed' };
const planStatusLabels: Record<PlanRow['status'], string> = { draft: 'Draft', agreed: 'Agreed', superseded: 'Replaced at review' };

function caseInfo(c: CaseRow) {
  return {
    id: c.id, reference: c.reference, familyId: c.family_id, familyName: c.family_name, state: c.state, stateLabel: caseStateLabels[c.state],
    programmeName: c.programme_name, keyWorkerName: c.key_worker_name,
  };
}

function isQueryable(value: Actor | Queryable): value is Queryable {
  return typeof (value as Queryable).query === 'function';
}

/** What the case overview shows of the assessment, the plan, the contract and the safety plan. */
export interface PlansSummary {
  assessment: { status: 'not_started' | 'in_progress' | 'complete'; statusLabel: string; startedAt: string | null; completedAt: string | null };
  plan: {
    /** The number of the plan version in force (agreed with the family), or null before the first plan is agreed. */
    currentVersion: number | null;
    agreedAt: string | null;
    reviewDate: string | null;
    reviewOverdue: boolean;
    /** The number of a draft being written or reviewed, or null. */
    draftVersion: number | null;
    openActions: number;
    /** Open actions (not started or in progress) in the agreed plan whose due date is before today. */
    overdueActions: number;
  };
  contract: { present: boolean; agreedOn: string | null };
  safetyPlan: { present: boolean; needed: boolean };
}

/** One thing due on a case, for "my work": a plan review date, or a plan action past its due date. */
export interface PlanDueItem {
  caseId: string;
  kind: 'plan_review' | 'plan_action';
  dueOn: string;
  label: string;
}

function toSnapshot(detail: { number: number; reviewDate: string | null; goals: ReturnType<typeof goalView>[] }): PlanSnapshot {
  return {
    number: detail.number, reviewDate: detail.reviewDate,
    goals: detail.goals.map((g) => ({
      lineageId: g.lineageId, goal: g.goal, outcomeArea: g.outcomeArea, progressNote: g.progressNote, carriedOver: g.carriedOver,
      actions: g.actions.map((a) => ({
        lineageId: a.lineageId, description: a.description, ownerType: a.ownerType, ownerPersonId: a.ownerPersonId,
        ownerUserId: a.ownerUserId, ownerName: a.ownerName, dueOn: a.dueOn, status: a.status,
      })),
    })),
  };
}

function actionView(a: ActionRow, day: string) {
  return {
    id: a.id, lineageId: a.lineage_id, goalId: a.goal_id, description: a.description, ownerType: a.owner_type, ownerPersonId: a.owner_person_id,
    ownerUserId: a.owner_user_id, ownerName: a.owner_name, dueOn: a.due_on, status: a.status, statusLabel: actionStatusLabels[a.status],
    overdue: isOverdue({ dueOn: a.due_on, status: a.status }, day),
  };
}

function goalView(g: GoalRow, actions: ActionRow[], day: string) {
  return {
    id: g.id, lineageId: g.lineage_id, goal: g.goal, outcomeArea: g.outcome_area, outcomeAreaLabel: outcomeAreaLabels[g.outcome_area],
    progressNote: g.progress_note, carriedOver: g.carried_over,
    distanceTravelled: g.distance_travelled, distanceTravelledLabel: g.distance_travelled ? distanceLabels[g.distance_travelled] : null,
    actions: actions.filter((a) => a.goal_id === g.id).map((a) => actionView(a, day)),
  };
}

/** 'A', 'A and B', 'A, B and C'. */
function namesList(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Plan versions with their goals and actions, as the pages and the API show them. */
function buildPlanDetails(plans: PlanRow[], goals: GoalRow[], actions: ActionRow[], day: string) {
  return plans.map((p) => {
    const own = goals.filter((g) => g.plan_id === p.id).map((g) => goalView(g, actions, day));
    const all = own.flatMap((g) => g.actions);
    const detail = {
      id: p.id, number: p.number, status: p.status, statusLabel: planStatusLabels[p.status], reviewDate: p.review_date,
      createdAt: p.created_at, createdBy: p.created_by_name, agreedAt: p.agreed_at, agreedBy: p.agreed_by_name, supersededAt: p.superseded_at,
      version: p.version, isReview: p.number > 1, goals: own,
      openActions: all.filter((a) => a.status === 'not_started' || a.status === 'in_progress').length,
      overdueActions: all.filter((a) => a.overdue).length,
      reviewOverdue: p.status === 'agreed' && p.review_date !== null && p.review_date < day,
      gaps: [] as Gap[],
    };
    if (p.status === 'draft') detail.gaps = planAgreementGaps(toSnapshot(detail), day);
    return detail;
  });
}

export type PlanDetail = ReturnType<typeof buildPlanDetails>[number];

/**
 * Runs reads one after another: queries on one transaction's connection must not overlap
 * (node-postgres deprecates concurrent queries on a client).
 */
async function inOrder<T extends unknown[]>(reads: { [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as T;
}

export function plansService(db: Database, cases: CasesService, { clock }: { clock: Clock }) {
  const today = () => clock.today();

  function mustWrite(actor: Actor) {
    return requireFeature(actor, 'casework.write', 'Only practitioners and managers can change a family’s assessment or plan');
  }

  // Assessment

  /** The viewer's sharing facts for the case's family, loaded once for the request. */
  async function viewerOf(tx: Queryable, actor: Actor, c: CaseRow): Promise<Viewer> {
    return { shared: await withholdingFor(tx, actor, c.family_id), actorId: actor.id };
  }

  /**
   * The assessment as the viewer may see it: a member's part, the family's view and known needs
   * the viewer's agency may not see are left out (counted in `withheld`); what is still missing is
   * worked out from the whole record. Without a viewer (a write's own check), nothing is left out.
   */
  async function assessmentIn(tx: Queryable, c: CaseRow, viewer?: Viewer) {
    const [a, people, needs] = await inOrder([() => repo.assessment(tx, c.id), () => familiesRepository.members(tx, c.family_id), () => familiesRepository.needs(tx, c.family_id)]);
    const records = a ? await repo.memberAssessments(tx, a.id) : [];
    const byPerson = new Map(records.map((r) => [r.person_id, r]));
    const day = today();
    const members = people.map((p) => {
      const r = byPerson.get(p.id);
      const record: MemberAssessment | null = r ? {
        strengths: r.strengths, needs: r.needs, risks: r.risks, factorCodes: r.factor_codes,
        wishesAndFeelings: r.wishes_and_feelings, wishesNotRecordedReason: r.wishes_not_recorded_reason,
      } : null;
      const assessed = { id: p.id, name: `${p.given_name} ${p.family_name}`, memberType: p.member_type, record };
      const status = memberTaskStatus(assessed);
      return {
        ...assessed, role: p.role, roleLabel: roleLabels[p.role],
        age: describeAge({ dateOfBirth: p.date_of_birth, expectedDate: p.expected_date }, day),
        needsWishes: needsWishesAndFeelings(p.member_type), status, statusLabel: taskStatusLabels[status],
        factors: (record?.factorCodes ?? []).map((code) => ({ code, label: cinFactorCodes[code] ?? code })),
        factorList: (record?.factorCodes ?? []).map((code) => `${code} ${cinFactorCodes[code] ?? ''}`.trim()).join('; '),
        knownNeeds: needs.filter((n) => n.person_id === p.id && n.is_current
          && (!viewer || viewer.shared.sees(needCategory(n.need_type, n.code), { agencyId: n.owner_agency_id, agencyKind: n.owner_agency_kind, recorderAgencyId: n.recorder_agency_id })))
          .map((n) => ({ code: n.code, label: needLabel(n.need_type, n.code), source: n.source_agency_name, identifiedOn: n.identified_on })),
        version: r?.version ?? 0, updatedAt: r?.updated_at ?? null, updatedBy: r?.updated_by_name ?? null,
      };
    });
    const status = !a ? 'not_started' as const : a.completed_at ? 'complete' as const : 'in_progress' as const;
    const family = { familyView: a?.family_view ?? '', wantsToChange: a?.wants_to_change ?? '' };
    const gaps = a && !a.completed_at ? assessmentGaps(members, family) : [];
    const hiddenMember = (m: (typeof members)[number]) => Boolean(viewer && m.record && !viewer.shared.sees('assessments', recordedBy(byPerson.get(m.id))));
    const shownMembers = members.map((m) => (hiddenMember(m) ? { ...m, record: null, factors: [], factorList: '', withheld: true } : { ...m, withheld: false }));
    const familyViewWithheld = Boolean(viewer && (family.familyView || family.wantsToChange) && !viewer.shared.sees('assessments', recordedBy(a)));
    const familyShown = familyViewWithheld ? { familyView: '', wantsToChange: '' } : family;
    return {
      case: caseInfo(c), status, statusLabel: assessmentStatusLabels[status],
      assessment: a ? {
        id: a.id, ...familyShown, startedAt: a.started_at, startedBy: a.started_by_name, completedAt: a.completed_at, completedBy: a.completed_by_name,
        version: a.version,
      } : null,
      familyViewStatus: (family.familyView && family.wantsToChange ? 'completed' : family.familyView || family.wantsToChange ? 'in_progress' : 'not_started') as TaskStatus,
      members: shownMembers,
      familyViewWithheld,
      gaps,
      withheld: viewer ? { total: viewer.shared.total, notices: viewer.shared.notices() } : { total: 0, notices: [] },
      editRefusal: assessmentEditRefusal(c.state),
      canStart: transition(c.state, 'start_assessment').ok,
    };
  }

  // Plans

  /**
   * Plan versions with their goals and actions. With a viewer: a version whose agency the viewer's
   * may not see shows only the actions the viewer (or their agency) owns, each with its goal; the
   * rest is counted in the viewer's `withheld`.
   */
  async function planDetails(tx: Queryable, plans: PlanRow[], viewer?: Viewer) {
    const ids = plans.map((p) => p.id);
    const [goals, actions] = ids.length ? await inOrder([() => repo.goals(tx, ids), () => repo.actions(tx, ids)]) : [[], []];
    if (!viewer) return buildPlanDetails(plans, goals, actions, today());
    const planOwner = new Map(plans.map((p) => [p.id, recordedBy(p)]));
    const shownActions = actions.filter((a) => ownAction(a, viewer) || viewer.shared.sees('plans', planOwner.get(a.plan_id)!));
    const withOwnActions = new Set(shownActions.map((a) => a.goal_id));
    const shownGoals = goals.filter((g) => withOwnActions.has(g.id) || viewer.shared.sees('plans', planOwner.get(g.plan_id)!));
    return buildPlanDetails(plans, shownGoals, shownActions, today());
  }

  const withheldOf = (viewer: Viewer) => ({ total: viewer.shared.total, notices: viewer.shared.notices() });

  async function owners(tx: Queryable, c: CaseRow) {
    const [people, professionals] = await inOrder([() => familiesRepository.members(tx, c.family_id), () => familiesRepository.professionals(tx, c.family_id)]);
    return {
      people: people.map((p) => ({ id: p.id, name: `${p.given_name} ${p.family_name}`, roleLabel: roleLabels[p.role] })),
      practitioners: professionals.map((p) => ({ id: p.user_id, name: p.display_name, roleInFamily: p.role_in_family, agency: p.agency_name })),
    };
  }

  /** Who may own an action, for the action's schema. */
  async function ownerIds(tx: Queryable, c: CaseRow) {
    const o = await owners(tx, c);
    return { people: o.people.map((p) => p.id), practitioners: o.practitioners.map((p) => p.id) };
  }

  async function planIn(tx: Queryable, c: CaseRow, viewer: Viewer) {
    const plans = await repo.plans(tx, c.id);
    const wanted = plans.filter((p) => p.status !== 'superseded');
    const details = await planDetails(tx, wanted, viewer);
    const current = details.find((p) => p.status === 'agreed') ?? null;
    const draft = details.find((p) => p.status === 'draft') ?? null;
    const context = await repo.caseContext(tx, c.id);
    return {
      case: caseInfo(c), current, draft, versionCount: plans.filter((p) => p.status !== 'draft').length,
      owners: await owners(tx, c), withheld: withheldOf(viewer),
      editRefusal: planEditRefusal(c.state),
      canStartPlan: c.state === 'planning' && !draft && !current,
      canStartReview: transition(c.state, 'review_plan').ok && !draft,
      suggestedReviewDate: suggestedReviewDate(today(), context.reviewIntervalDays),
    };
  }

  /**
   * The draft a change applies to, claimed for the change with the version the user read (0 when
   * there was no draft yet: then version 1 is started in planning). A stale version is refused.
   */
  async function draftForChange(tx: Queryable, c: CaseRow, actor: Actor, version: number): Promise<PlanRow> {
    const refusal = planEditRefusal(c.state);
    if (refusal) throw new RuleViolation(refusal);
    const plans = await repo.plans(tx, c.id);
    const draft = plans.find((p) => p.status === 'draft');
    if (draft) {
      if (!(await repo.bump(tx, draft.id, version))) throw new ConflictError(stale.plan);
      return { ...draft, version: draft.version + 1 };
    }
    if (version !== 0) throw new ConflictError(stale.plan);
    if (c.state === 'intervention' || plans.length) throw new RuleViolation('The agreed plan can only be changed at a review: start a review to make a new version');
    const id = randomUUID();
    await repo.insertPlan(tx, { id, caseId: c.id, number: 1, basedOn: null, reviewDate: null, userId: actor.id, at: clock.now() });
    return (await repo.plan(tx, c.id, id))!;
  }

  async function goalInDraft(tx: Queryable, draft: PlanRow, goalId: string) {
    const goal = await repo.goal(tx, goalId);
    if (!goal || goal.plan_id !== draft.id) throw new NotFoundError('Goal in the draft plan');
    return goal;
  }

  async function actionInDraft(tx: Queryable, draft: PlanRow, actionId: string) {
    const action = await repo.action(tx, actionId);
    if (!action || action.plan_id !== draft.id) throw new NotFoundError('Action in the draft plan');
    return action;
  }

  /** Checks the action's owner belongs to this family or its team, and returns the owner's name to keep with the action. */
  async function ownerOf(tx: Queryable, c: CaseRow, a: z.infer<typeof actionSchema>) {
    const o = await owners(tx, c);
    if (a.ownerType === 'person') {
      const person = o.people.find((p) => p.id === a.ownerPersonId);
      if (!person) throw new ValidationError({ ownerPersonId: 'Select a member of this family' });
      return { ownerType: a.ownerType, ownerPersonId: person.id, ownerUserId: null, ownerName: person.name };
    }
    if (a.ownerType === 'practitioner') {
      const practitioner = o.practitioners.find((p) => p.id === a.ownerUserId);
      if (!practitioner) throw new ValidationError({ ownerUserId: 'Select a practitioner in the team around the family' });
      return { ownerType: a.ownerType, ownerPersonId: null, ownerUserId: practitioner.id, ownerName: nameWithAgency(practitioner.name, practitioner.agency) };
    }
    return { ownerType: a.ownerType, ownerPersonId: null, ownerUserId: null, ownerName: a.ownerName };
  }

  // Contract and safety plan

  /** The family contract; one the viewer's agency may not see is refused whole, with the reason. */
  async function contractIn(tx: Queryable, c: CaseRow, viewer: Viewer) {
    const [row, professionals] = await inOrder([() => repo.contract(tx, c.id), () => familiesRepository.professionals(tx, c.family_id)]);
    if (row) requireShared(viewer.shared, 'family contract', recordedBy(row));
    const agencies = [...new Set(professionals.filter((p) => p.user_id !== c.key_worker_id).map((p) => p.agency_name))];
    return {
      case: caseInfo(c),
      contract: row ? {
        familyCommitments: row.family_commitments, keyWorkerCommitments: row.key_worker_commitments, agencyCommitments: row.agency_commitments,
        consequences: row.consequences, agreedOn: row.agreed_on, updatedAt: row.updated_at, updatedBy: row.updated_by_name, version: row.version,
      } : null,
      agencies,
      editRefusal: supportDocumentRefusal(c.state),
    };
  }

  async function safetyNeeded(tx: Queryable, caseId: string) {
    const [context, childRisksRecorded] = await inOrder([() => repo.caseContext(tx, caseId), () => repo.childRisksRecorded(tx, caseId)]);
    return safetyPlanNeeded({ programmeRequiresIt: context.programmeRequiresSafetyPlan, childStatuses: context.childStatuses, childRisksRecorded });
  }

  /** The safety plan; one the viewer's agency may not see is refused whole, with the reason. */
  async function safetyPlanIn(tx: Queryable, c: CaseRow, viewer: Viewer) {
    const [row, needed, people] = await inOrder([() => repo.safetyPlan(tx, c.id), () => safetyNeeded(tx, c.id), () => familiesRepository.members(tx, c.family_id)]);
    if (row) requireShared(viewer.shared, 'safety plan', recordedBy(row));
    const children = people.filter((p) => p.member_type !== 'adult');
    return {
      case: caseInfo(c),
      safetyPlan: row ? {
        risks: row.risks, keepingSafe: row.keeping_safe, whoDoesWhat: row.who_does_what,
        contacts: row.contacts.map((k) => ({ ...k, whenLabel: contactTimeLabels[k.when] })),
        updatedAt: row.updated_at, updatedBy: row.updated_by_name, version: row.version,
      } : null,
      needed,
      children: children.map((p) => ({ id: p.id, name: `${p.given_name} ${p.family_name}`, memberType: p.member_type })),
      childNames: namesList(children.map((p) => `${p.given_name} ${p.family_name}`)) || 'the children',
      editRefusal: supportDocumentRefusal(c.state),
    };
  }

  // Writes (need to know): the writer's agency must be allowed the category by its rule, and see what it changes.

  /** An assessment write: 'assessments' by the rule, and sight of the part changed (a member's, or the family's view). */
  async function assessmentWrite(tx: Queryable, actor: Actor, c: CaseRow, part?: string) {
    const facts = await loadShareFacts(tx, actor, c.family_id);
    requireMayRecord(facts, 'assessments');
    if (!part) return;
    const a = await repo.assessment(tx, c.id);
    if (!a) return;
    if (part === 'family') {
      if (a.family_view || a.wants_to_change) requireWrite(facts, 'assessments', { what: 'part of the assessment', owner: recordedBy(a) });
      return;
    }
    const record = (await repo.memberAssessments(tx, a.id)).find((r) => r.person_id === part);
    if (record) requireWrite(facts, 'assessments', { what: 'part of the assessment', owner: recordedBy(record) });
  }

  /** A plan write: 'plans' by the rule, and sight of the versions in force and in draft. */
  async function planWrite(tx: Queryable, actor: Actor, c: CaseRow) {
    const facts = await loadShareFacts(tx, actor, c.family_id);
    requireMayRecord(facts, 'plans');
    for (const p of (await repo.plans(tx, c.id)).filter((v) => v.status !== 'superseded')) requireWrite(facts, 'plans', { what: 'family plan', owner: recordedBy(p) });
  }

  /** A family contract or safety plan write: 'plans' by the rule, and sight of the one saved before. */
  async function documentWrite(tx: Queryable, actor: Actor, what: string, row: { owner_agency_id: string | null; owner_agency_kind: AgencyKind | null } | undefined, c: CaseRow) {
    const facts = await loadShareFacts(tx, actor, c.family_id);
    requireWrite(facts, 'plans', row ? { what, owner: recordedBy(row) } : undefined);
  }

  // Summary for the case overview

  async function summaryIn(tx: Queryable, caseId: string): Promise<PlansSummary> {
    const [a, plans, contract, safety, needed] = await inOrder([() => repo.assessment(tx, caseId), () => repo.plans(tx, caseId), () => repo.contract(tx, caseId), () => repo.safetyPlan(tx, caseId), () => safetyNeeded(tx, caseId)]);
    const agreed = plans.find((p) => p.status === 'agreed');
    const draft = plans.find((p) => p.status === 'draft');
    const [detail] = agreed ? await planDetails(tx, [agreed]) : [];
    const status = !a ? 'not_started' as const : a.completed_at ? 'complete' as const : 'in_progress' as const;
    return {
      assessment: { status, statusLabel: assessmentStatusLabels[status], startedAt: a?.started_at ?? null, completedAt: a?.completed_at ?? null },
      plan: {
        currentVersion: agreed?.number ?? null, agreedAt: agreed?.agreed_at ?? null, reviewDate: agreed?.review_date ?? null,
        reviewOverdue: detail?.reviewOverdue ?? false, draftVersion: draft?.number ?? null,
        openActions: detail?.openActions ?? 0, overdueActions: detail?.overdueActions ?? 0,
      },
      contract: { present: Boolean(contract), agreedOn: contract?.agreed_on ?? null },
      safetyPlan: { present: Boolean(safety), needed },
    };
  }

  return {
    outcomeAreas: () => outcomeAreas.map((a) => ({ key: a.key, label: a.label })),

    /** The assessment and plan task list: each member's part, the family's view, and what is still missing. */
    assessment: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'view-assessment', async (tx, c) => ({ ...(await assessmentIn(tx, c, await viewerOf(tx, actor, c))), summary: await summaryIn(tx, c.id) })),

    startAssessment: async (actor: Actor, caseId: string) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'start-assessment', async (tx, c) => {
        await assessmentWrite(tx, actor, c);
        await cases.applyEvent(tx, c, 'start_assessment', actor, 'Whole-family assessment started');
        if (!(await repo.assessment(tx, c.id))) await repo.insertAssessment(tx, { id: randomUUID(), caseId: c.id, userId: actor.id, at: clock.now() });
      });
    },

    /** One member's part of the assessment, with the factor codes that apply to them and needs already known. */
    memberAssessment: (actor: Actor, caseId: string, personId: string) =>
      cases.withCase(actor, caseId, 'view-member-assessment', async (tx, c) => {
        const view = await assessmentIn(tx, c, await viewerOf(tx, actor, c));
        const member = view.members.find((m) => m.id === personId);
        if (!member) throw new NotFoundError('Family member');
        const codes = factorCodesFor(member.role).map((code) => ({ code, label: cinFactorCodes[code] }));
        return { case: view.case, member, codes, editRefusal: view.editRefusal, withheld: view.withheld };
      }),

    saveMemberAssessment: async (actor: Actor, caseId: string, personId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'record-member-assessment', async (tx, c) => {
        await assessmentWrite(tx, actor, c, personId);
        const refusal = assessmentEditRefusal(c.state);
        if (refusal) throw new RuleViolation(refusal);
        const person = await familiesRepository.person(tx, c.family_id, personId);
        if (!person) throw new NotFoundError('Family member');
        const fields = parse(memberAssessmentSchemaFor({
          allowed: new Set(factorCodesFor(person.role)),
          wrong: (code) => (cinFactorCodes[code] ? `${code} does not apply to a ${roleLabels[person.role].toLowerCase()}` : `${code} is not a Children in Need assessment factor code`),
        }), input);
        const a = await repo.assessment(tx, c.id);
        if (!a) throw new RuleViolation('Start the assessment before recording it');
        const child = needsWishesAndFeelings(person.member_type);
        const saved = await repo.saveMemberAssessment(tx, a.id, personId, fields.version, {
          strengths: fields.strengths, needs: fields.needs, risks: fields.risks, factorCodes: [...new Set(fields.factorCodes)],
          wishesAndFeelings: child ? fields.wishesAndFeelings : '', wishesNotRecordedReason: child ? fields.wishesNotRecordedReason : '', userId: actor.id, at: clock.now(),
        });
        if (!saved) throw new ConflictError(stale.member);
      });
    },

    saveFamilyView: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'record-family-view', async (tx, c) => {
        await assessmentWrite(tx, actor, c, 'family');
        const refusal = assessmentEditRefusal(c.state);
        if (refusal) throw new RuleViolation(refusal);
        const fields = parse(familyViewSchema, input);
        const a = await repo.assessment(tx, c.id);
        if (!a) throw new RuleViolation('Start the assessment before recording it');
        if (!(await repo.saveFamilyView(tx, a.id, fields.version, { ...fields, userId: actor.id, at: clock.now() }))) throw new ConflictError(stale.familyView);
      });
    },

    /** Completes the assessment (case → planning), or refuses with everything still missing. */
    completeAssessment: async (actor: Actor, caseId: string) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'complete-assessment', async (tx, c) => {
        await assessmentWrite(tx, actor, c);
        const allowed = transition(c.state, 'complete_assessment');
        if (!allowed.ok) throw new RuleViolation(allowed.reason);
        const view = await assessmentIn(tx, c);
        if (view.gaps.length) throw assessmentIncomplete(view.gaps);
        await repo.completeAssessment(tx, view.assessment!.id, actor.id, clock.now());
        await cases.applyEvent(tx, c, 'complete_assessment', actor, 'Whole-family assessment completed');
      });
    },

    /** The plan in force, any draft being written or reviewed, who can own actions, and what may be done now. */
    plan: (actor: Actor, caseId: string) => cases.withCase(actor, caseId, 'view-plan', async (tx, c) => planIn(tx, c, await viewerOf(tx, actor, c))),

    addGoal: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'add-plan-goal', async (tx, c) => {
        await planWrite(tx, actor, c);
        const fields = parse(goalSchema, input);
        const draft = await draftForChange(tx, c, actor, fields.version);
        const id = randomUUID();
        await repo.insertGoal(tx, { id, planId: draft.id, lineageId: randomUUID(), goal: fields.goal, outcomeArea: fields.outcomeArea, progressNote: '', carriedOver: false });
        return { id, planId: draft.id };
      });
    },

    updateGoal: async (actor: Actor, caseId: string, goalId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'update-plan-goal', async (tx, c) => {
        await planWrite(tx, actor, c);
        const fields = parse(goalSchema, input);
        const draft = await draftForChange(tx, c, actor, fields.version);
        const goal = await goalInDraft(tx, draft, goalId);
        await repo.updateGoal(tx, goal.id, {
          goal: fields.goal, outcomeArea: fields.outcomeArea, progressNote: goal.carried_over ? fields.progressNote : '',
          distanceTravelled: goal.carried_over ? fields.distanceTravelled : null,
        });
      });
    },

    removeGoal: async (actor: Actor, caseId: string, goalId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'remove-plan-goal', async (tx, c) => {
        await planWrite(tx, actor, c);
        const { version } = parse(versionOnlySchema, input);
        const draft = await draftForChange(tx, c, actor, version);
        await repo.deleteGoal(tx, (await goalInDraft(tx, draft, goalId)).id);
      });
    },

    addAction: async (actor: Actor, caseId: string, goalId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'add-plan-action', async (tx, c) => {
        await planWrite(tx, actor, c);
        const fields = parse(actionSchemaOn(today(), null, await ownerIds(tx, c)), input);
        const draft = await draftForChange(tx, c, actor, fields.version);
        const goal = await goalInDraft(tx, draft, goalId);
        const owner = await ownerOf(tx, c, fields);
        const id = randomUUID();
        await repo.insertAction(tx, { id, planId: draft.id, goalId: goal.id, lineageId: randomUUID(), description: fields.description, ...owner, dueOn: fields.dueOn, status: fields.status });
        return { id };
      });
    },

    updateAction: async (actor: Actor, caseId: string, actionId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'update-plan-action', async (tx, c) => {
        await planWrite(tx, actor, c);
        // An action's due date that has passed may stay as it is; a new one must not have passed.
        const fields = parse(actionSchemaOn(today(), (await repo.action(tx, actionId))?.due_on, await ownerIds(tx, c)), input);
        const draft = await draftForChange(tx, c, actor, fields.version);
        const action = await actionInDraft(tx, draft, actionId);
        const owner = await ownerOf(tx, c, fields);
        await repo.updateAction(tx, action.id, { description: fields.description, ...owner, dueOn: fields.dueOn, status: fields.status });
      });
    },

    removeAction: async (actor: Actor, caseId: string, actionId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'remove-plan-action', async (tx, c) => {
        await planWrite(tx, actor, c);
        const { version } = parse(versionOnlySchema, input);
        const draft = await draftForChange(tx, c, actor, version);
        await repo.deleteAction(tx, (await actionInDraft(tx, draft, actionId)).id);
      });
    },

    /** Between reviews, an action's status in the agreed plan may be brought up to date (nothing else changes). */
    setActionStatus: async (actor: Actor, caseId: string, actionId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'update-plan-action-status', async (tx, c) => {
        const own = await repo.action(tx, actionId);
        if (!own || !ownAction(own, { shared: await withholdingFor(tx, actor, c.family_id), actorId: actor.id })) await planWrite(tx, actor, c);
        const refusal = planEditRefusal(c.state);
        if (refusal) throw new RuleViolation(refusal);
        const fields = parse(actionStatusSchema, input);
        const action = await repo.action(tx, actionId);
        const plan = action && await repo.plan(tx, c.id, action.plan_id);
        if (!action || !plan) throw new NotFoundError('Action');
        if (plan.status === 'superseded') throw new RuleViolation('This is an earlier version of the plan: it is kept as it was and cannot be changed');
        if (plan.status === 'agreed' && (await repo.plans(tx, c.id)).some((p) => p.status === 'draft')) {
          throw new RuleViolation('A review of the plan is in progress: update the action’s status in the review');
        }
        if (!(await repo.bump(tx, plan.id, fields.version))) throw new ConflictError(stale.plan);
        await repo.setActionStatus(tx, action.id, fields.status);
      });
    },

    setReviewDate: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'set-plan-review-date', async (tx, c) => {
        await planWrite(tx, actor, c);
        const programme = await cases.programmeOf(tx, c);
        const { latest, why } = latestReviewDate(c.opened_at, { name: programme.name, durationWeeks: programme.duration_weeks, reviewIntervalDays: programme.review_interval_days }, today());
        const fields = parse(reviewDateSchemaOn(today(), { latest, why, latestWords: formatDate(latest) }), input);
        const draft = await draftForChange(tx, c, actor, fields.version);
        await repo.setReviewDate(tx, draft.id, fields.reviewDate);
      });
    },

    /**
     * Agrees the draft with the family. Version 1 moves the case from planning to intervention
     * (agree_plan); a reviewed version replaces the one in force, which is kept (review_plan).
     */
    agreePlan: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'agree-plan', async (tx, c) => {
        await planWrite(tx, actor, c);
        const { version } = parse(versionOnlySchema, input);
        const event = c.state === 'intervention' ? 'review_plan' as const : 'agree_plan' as const;
        const allowed = transition(c.state, event);
        if (!allowed.ok) throw new RuleViolation(allowed.reason);
        const plans = await repo.plans(tx, c.id);
        const draft = plans.find((p) => p.status === 'draft');
        if (!draft) {
          if (version !== 0) throw new ConflictError(stale.plan);
          throw new RuleViolation(event === 'agree_plan' ? 'Add a goal to the plan before agreeing it' : 'Start a review before agreeing a new version of the plan');
        }
        if (!(await repo.bump(tx, draft.id, version))) throw new ConflictError(stale.plan);
        const [detail] = await planDetails(tx, [draft]);
        if (detail.gaps.length) throw planIncomplete(detail.gaps, event === 'review_plan');
        const current = plans.find((p) => p.status === 'agreed');
        if (current) await repo.supersede(tx, current.id, clock.now());
        await repo.agree(tx, draft.id, actor.id, clock.now());
        await cases.applyEvent(tx, c, event, actor, `Family plan version ${draft.number} agreed with the family`);
        return { planId: draft.id, number: draft.number };
      });
    },

    /**
     * Starts a review: copies the plan in force into a new draft version (goals and actions with
     * their status, a progress note to write per goal). Only in intervention: before that the
     * lifecycle refuses with its reason. Starting again returns the review already open.
     */
    startReview: async (actor: Actor, caseId: string) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'start-plan-review', async (tx, c) => {
        await planWrite(tx, actor, c);
        const allowed = transition(c.state, 'review_plan');
        if (!allowed.ok) throw new RuleViolation(allowed.reason);
        const plans = await repo.plans(tx, c.id);
        const open = plans.find((p) => p.status === 'draft');
        if (open) return { planId: open.id, number: open.number };
        const current = plans.find((p) => p.status === 'agreed');
        if (!current) throw new RuleViolation('A plan cannot be reviewed before it has been agreed with the family');
        const [detail] = await planDetails(tx, [current]);
        const next = nextPlanVersion(toSnapshot(detail));
        const planId = randomUUID();
        await repo.insertPlan(tx, { id: planId, caseId: c.id, number: next.number, basedOn: current.id, reviewDate: null, userId: actor.id, at: clock.now() });
        for (const g of next.goals) {
          const goalId = randomUUID();
          await repo.insertGoal(tx, { id: goalId, planId, lineageId: g.lineageId, goal: g.goal, outcomeArea: g.outcomeArea, progressNote: g.progressNote, carriedOver: g.carriedOver });
          for (const a of g.actions) await repo.insertAction(tx, { id: randomUUID(), planId, goalId, ...a });
        }
        return { planId, number: next.number };
      });
    },

    /** Abandons a review that has not been agreed: the plan in force is unchanged. */
    cancelReview: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'cancel-plan-review', async (tx, c) => {
        await planWrite(tx, actor, c);
        const { version } = parse(versionOnlySchema, input);
        const draft = (await repo.plans(tx, c.id)).find((p) => p.status === 'draft');
        if (!draft || draft.number === 1) throw new RuleViolation('There is no review in progress to cancel');
        if (!(await repo.bump(tx, draft.id, version))) throw new ConflictError(stale.plan);
        await repo.deletePlan(tx, draft.id);
      });
    },

    /** Every agreed version of the plan, newest first: the history kept by reviews. */
    planVersions: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'view-plan-history', async (tx, c) => {
        const plans = (await repo.plans(tx, c.id)).filter((p) => p.status !== 'draft');
        const viewer = await viewerOf(tx, actor, c);
        const details = await planDetails(tx, plans, viewer);
        return {
          case: caseInfo(c), withheld: withheldOf(viewer),
          versions: details.map((d) => ({
            id: d.id, number: d.number, status: d.status, statusLabel: d.statusLabel, agreedAt: d.agreedAt, agreedBy: d.agreedBy,
            supersededAt: d.supersededAt, reviewDate: d.reviewDate, goals: d.goals.length, actions: d.goals.reduce((n, g) => n + g.actions.length, 0),
          })),
        };
      }),

    /** One version of the plan as it was agreed (or as it is, for the draft). */
    planVersion: (actor: Actor, caseId: string, planId: string) =>
      cases.withCase(actor, caseId, 'view-plan-version', async (tx, c) => {
        const plan = await repo.plan(tx, c.id, planId);
        if (!plan) throw new NotFoundError('Plan version');
        const viewer = await viewerOf(tx, actor, c);
        const [detail] = await planDetails(tx, [plan], viewer);
        return { case: caseInfo(c), plan: detail, withheld: withheldOf(viewer) };
      }),

    contract: (actor: Actor, caseId: string) => cases.withCase(actor, caseId, 'view-family-contract', async (tx, c) => contractIn(tx, c, await viewerOf(tx, actor, c))),

    /** The contract with the plan in force, for printing and giving to the family. */
    contractForPrint: (actor: Actor, caseId: string) =>
      cases.withCase(actor, caseId, 'print-family-contract', async (tx, c) => {
        const viewer = await viewerOf(tx, actor, c);
        const view = await contractIn(tx, c, viewer);
        const agreed = (await repo.plans(tx, c.id)).find((p) => p.status === 'agreed');
        const [plan] = agreed ? await planDetails(tx, [agreed], viewer) : [null];
        return { ...view, plan, withheld: withheldOf(viewer) };
      }),

    saveContract: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'save-family-contract', async (tx, c) => {
        await documentWrite(tx, actor, 'family contract', await repo.contract(tx, c.id), c);
        const refusal = supportDocumentRefusal(c.state);
        if (refusal) throw new RuleViolation(refusal);
        const fields = parse(contractSchemaOn(today()), input);
        const saved = await repo.saveContract(tx, c.id, fields.version, { id: randomUUID(), ...fields, userId: actor.id, at: clock.now() });
        if (!saved) throw new ConflictError(stale.contract);
      });
    },

    safetyPlan: (actor: Actor, caseId: string) => cases.withCase(actor, caseId, 'view-safety-plan', async (tx, c) => safetyPlanIn(tx, c, await viewerOf(tx, actor, c))),

    safetyPlanForPrint: (actor: Actor, caseId: string) => cases.withCase(actor, caseId, 'print-safety-plan', async (tx, c) => safetyPlanIn(tx, c, await viewerOf(tx, actor, c))),

    saveSafetyPlan: async (actor: Actor, caseId: string, input: unknown) => {
      await mustWrite(actor);
      return cases.withCase(actor, caseId, 'save-safety-plan', async (tx, c) => {
        await documentWrite(tx, actor, 'safety plan', await repo.safetyPlan(tx, c.id), c);
        const refusal = supportDocumentRefusal(c.state);
        if (refusal) throw new RuleViolation(refusal);
        const fields = parse(safetyPlanSchema, input);
        const saved = await repo.saveSafetyPlan(tx, c.id, fields.version, { id: randomUUID(), ...fields, userId: actor.id, at: clock.now() });
        if (!saved) throw new ConflictError(stale.safetyPlan);
      });
    },

    /**
     * For the case overview: assessment status, the plan in force (version number, review date,
     * open and overdue actions), whether a contract and a safety plan exist and whether a safety
     * plan is needed. Pass the transaction of a `withCase` you already hold (no access check or
     * audit here), or an actor (checked and audited as 'view-plan-summary').
     */
    summary(who: Actor | Queryable, caseId: string): Promise<PlansSummary> {
      if (isQueryable(who)) return summaryIn(who, caseId);
      return cases.withCase(who, caseId, 'view-plan-summary', (tx) => summaryIn(tx, caseId));
    },

    /**
     * For "my work": for these cases (open ones only), the review date of each plan in force and
     * each of its open actions whose due date is before today. No access check: pass only case
     * ids the user may see, inside your own transaction.
     */
    async dueItems(tx: Queryable, caseIds: string[]): Promise<PlanDueItem[]> {
      if (!caseIds.length) return [];
      const rows = await repo.dueItems(tx, caseIds, today());
      return rows.map((r) => ({
        caseId: r.case_id, kind: r.kind, dueOn: r.due_on,
        label: r.kind === 'plan_review' ? `Review the family plan (version ${r.number})` : `Plan action overdue: ${r.description} (${r.owner_name})`,
      }));
    },
  };
}

export type PlansService = ReturnType<typeof plansService>;
export type PlanView = Awaited<ReturnType<PlansService['plan']>>;

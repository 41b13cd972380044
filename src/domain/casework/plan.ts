/**
 * Rules of the whole-family assessment and the one family plan: when the assessment is complete,
 * when a plan may be written, agreed and reviewed, and how a review builds the next version of
 * the plan from the current one. Pure functions: no database, no clock (today is passed in).
 */
import type { LegalStatus, MemberType } from '../codes.ts';
import { RuleViolation } from '../errors.ts';
import type { CaseState } from './lifecycle.ts';
import type { OutcomeAreaKey } from './outcome-areas.ts';

export const closedCaseMessage = 'This case is closed. Make a new referral to work with the family again.';

// Actions

export const actionStatuses = ['not_started', 'in_progress', 'done', 'not_done'] as const;
export type ActionStatus = (typeof actionStatuses)[number];
export const actionStatusLabels: Record<ActionStatus, string> = {
  not_started: 'Not started', in_progress: 'In progress', done: 'Done', not_done: 'Not done',
};

/** Who an action belongs to: a family member, a practitioner in the team around the family, or another agency or service. */
export const ownerTypes = ['person', 'practitioner', 'agency'] as const;
export type OwnerType = (typeof ownerTypes)[number];

/** An action is overdue when its due date has passed and it is still open (not started or in progress). */
export function isOverdue(action: { dueOn: string; status: ActionStatus }, today: string): boolean {
  return action.dueOn < today && (action.status === 'not_started' || action.status === 'in_progress');
}

// The whole-family assessment

export interface MemberAssessment {
  strengths: string;
  needs: string;
  risks: string;
  factorCodes: readonly string[];
  wishesAndFeelings: string;
  wishesNotRecordedReason: string;
}

export interface AssessedMember {
  id: string;
  name: string;
  memberType: MemberType;
  record: MemberAssessment | null;
}

export type TaskStatus = 'not_started' | 'in_progress' | 'completed';

/** Only children (not adults, not unborn babies) have wishes and feelings to record. */
export function needsWishesAndFeelings(memberType: MemberType): boolean {
  return memberType === 'child';
}

/**
 * Strengths, needs or risks in words. Factor codes alone do not count: the member form comes with
 * the needs already known to the family record ticked, so saving it untouched records only those.
 */
export function hasSomethingRecorded(record: MemberAssessment | null): boolean {
  if (!record) return false;
  return Boolean(record.strengths.trim() || record.needs.trim() || record.risks.trim());
}

function wishesDone(record: MemberAssessment | null): boolean {
  return Boolean(record && (record.wishesAndFeelings.trim() || record.wishesNotRecordedReason.trim()));
}

/** The task-list status of one member's part of the assessment. */
export function memberTaskStatus(member: AssessedMember): TaskStatus {
  const something = hasSomethingRecorded(member.record);
  const wishes = !needsWishesAndFeelings(member.memberType) || wishesDone(member.record);
  if (something && wishes) return 'completed';
  if (something || wishesDone(member.record) || member.record?.factorCodes.length) return 'in_progress';
  return 'not_started';
}

/** Something still to do before a step can be taken; `field` is where the page links to. */
export interface Gap {
  field: string;
  message: string;
}

/**
 * What is missing before the assessment can be completed: something recorded for every member
 * (strengths, needs or risks, in words), each child's wishes and feelings or the reason they
 * were not recorded, the family's own view, and what the family wants to change.
 */
export function assessmentGaps(members: readonly AssessedMember[], family: { familyView: string; wantsToChange: string }): Gap[] {
  const gaps: Gap[] = [];
  if (!members.length) gaps.push({ field: 'members', message: 'Add the family’s members to the family record' });
  for (const m of members) {
    if (!hasSomethingRecorded(m.record)) gaps.push({ field: `member-${m.id}`, message: `Record strengths, needs or risks for ${m.name}` });
    if (needsWishesAndFeelings(m.memberType) && !wishesDone(m.record)) {
      gaps.push({ field: `member-${m.id}`, message: `Record ${m.name}’s wishes and feelings, or why they were not recorded` });
    }
  }
  if (!family.familyView.trim()) gaps.push({ field: 'familyView', message: 'Record the family’s own view' });
  if (!family.wantsToChange.trim()) gaps.push({ field: 'wantsToChange', message: 'Record what the family wants to change' });
  return gaps;
}

function lowerFirst(s: string) {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A step refused because something is missing; the message lists what, and `gaps` lets a page link to each. */
export class IncompleteError extends RuleViolation {
  constructor(intro: string, readonly gaps: Gap[]) {
    super(`${intro}: ${gaps.map((g) => lowerFirst(g.message)).join('; ')}.`);
  }
}

export function assessmentIncomplete(gaps: Gap[]): IncompleteError {
  return new IncompleteError('The assessment cannot be completed yet. Still to do', gaps);
}

// What the case's state allows

/** Why the assessment cannot be changed in this state, or null when it can. */
export function assessmentEditRefusal(state: CaseState): string | null {
  switch (state) {
    case 'assessment': return null;
    case 'awaiting_allocation': return 'Allocate a key worker before starting the assessment';
    case 'allocated': return 'Start the assessment before recording it';
    case 'planning':
    case 'intervention': return 'The assessment is complete and can no longer be changed';
    case 'closed': return closedCaseMessage;
  }
}

/**
 * Why the plan cannot be written in this state, or null when it can. In intervention the agreed
 * plan changes only through a review (a new draft version), which the service checks.
 */
export function planEditRefusal(state: CaseState): string | null {
  switch (state) {
    case 'planning':
    case 'intervention': return null;
    case 'closed': return closedCaseMessage;
    default: return 'A plan cannot be written before the assessment is complete';
  }
}

/** The contract and the safety plan can be written once the case is allocated (Option 2 wants a safety plan at the start). */
export function supportDocumentRefusal(state: CaseState): string | null {
  if (state === 'closed') return closedCaseMessage;
  if (state === 'awaiting_allocation') return 'Allocate a key worker before writing this';
  return null;
}

// The one family plan and its versions

export interface PlanActionSnapshot {
  lineageId: string;
  description: string;
  ownerType: OwnerType;
  ownerPersonId: string | null;
  ownerUserId: string | null;
  ownerName: string;
  dueOn: string;
  status: ActionStatus;
}

export interface PlanGoalSnapshot {
  lineageId: string;
  goal: string;
  outcomeArea: OutcomeAreaKey;
  progressNote: string;
  /** True when the goal was in the previous version (so a review needs a note of the progress made). */
  carriedOver: boolean;
  actions: PlanActionSnapshot[];
}

export interface PlanSnapshot {
  number: number;
  reviewDate: string | null;
  goals: PlanGoalSnapshot[];
}

/** What a review decides: progress per goal, a status per action, goals and actions removed or added, the next review date. */
export interface ReviewAnswers {
  progress?: Record<string, string>;
  statuses?: Record<string, ActionStatus>;
  removeGoals?: readonly string[];
  removeActions?: readonly string[];
  addGoals?: readonly { goal: string; outcomeArea: OutcomeAreaKey; actions?: readonly Omit<PlanActionSnapshot, 'lineageId'>[] }[];
  addActions?: readonly (Omit<PlanActionSnapshot, 'lineageId'> & { goalLineageId: string })[];
  reviewDate?: string | null;
}

/**
 * The next version of the plan, built from the current one and the review's answers. Goals and
 * actions keep their lineage (the same goal across versions); each kept goal carries the
 * progress note for this review; actions keep their status unless the review changes it.
 * Lineage ids for new goals and actions come from `newId`.
 */
export function nextPlanVersion(current: PlanSnapshot, answers: ReviewAnswers = {}, newId: () => string = () => crypto.randomUUID()): PlanSnapshot {
  const removedGoals = new Set(answers.removeGoals ?? []);
  const removedActions = new Set(answers.removeActions ?? []);
  const goals: PlanGoalSnapshot[] = current.goals
    .filter((g) => !removedGoals.has(g.lineageId))
    .map((g) => ({
      lineageId: g.lineageId, goal: g.goal, outcomeArea: g.outcomeArea,
      progressNote: answers.progress?.[g.lineageId] ?? '',
      carriedOver: true,
      actions: g.actions
        .filter((a) => !removedActions.has(a.lineageId))
        .map((a) => ({ ...a, status: answers.statuses?.[a.lineageId] ?? a.status })),
    }));
  for (const added of answers.addGoals ?? []) {
    goals.push({
      lineageId: newId(), goal: added.goal, outcomeArea: added.outcomeArea, progressNote: '', carriedOver: false,
      actions: (added.actions ?? []).map((a) => ({ ...a, lineageId: newId() })),
    });
  }
  for (const { goalLineageId, ...action } of answers.addActions ?? []) {
    const goal = goals.find((g) => g.lineageId === goalLineageId);
    if (!goal) throw new RuleViolation('An action can only be added to a goal in the plan');
    goal.actions.push({ ...action, lineageId: newId() });
  }
  return { number: current.number + 1, reviewDate: answers.reviewDate ?? null, goals };
}

/**
 * What is missing before a draft plan can be agreed with the family: at least one goal, an
 * action for every goal, a review date in the future, and (for a review) the progress made
 * towards every goal carried over from the previous version.
 */
export function planAgreementGaps(draft: PlanSnapshot, today: string): Gap[] {
  const gaps: Gap[] = [];
  if (!draft.goals.length) gaps.push({ field: 'goals', message: 'Add at least one goal' });
  for (const g of draft.goals) {
    if (!g.actions.length) gaps.push({ field: `goal-${g.lineageId}`, message: `Add an action to the goal “${g.goal}”` });
    if (g.carriedOver && !g.progressNote.trim()) gaps.push({ field: `goal-${g.lineageId}`, message: `Record the progress made towards “${g.goal}”` });
  }
  if (!draft.reviewDate) gaps.push({ field: 'reviewDate', message: 'Set the date the plan will be reviewed' });
  else if (draft.reviewDate <= today) gaps.push({ field: 'reviewDate', message: 'The review date must be in the future' });
  return gaps;
}

export function planIncomplete(gaps: Gap[], review: boolean): IncompleteError {
  return new IncompleteError(review ? 'The reviewed plan cannot be agreed yet. Still to do' : 'The plan cannot be agreed yet. Still to do', gaps);
}

/** The suggested review date: the programme's review interval from today. */
export function suggestedReviewDate(today: string, intervalDays: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + intervalDays);
  return date.toISOString().slice(0, 10);
}

/**
 * A safety plan is needed where children are at risk: the programme asks for one at the start
 * (Option 2, Family Safeguarding), a child is on a child protection plan or looked after, or the
 * assessment records risks for a child.
 */
export function safetyPlanNeeded(context: { programmeRequiresIt: boolean; childStatuses: readonly LegalStatus[]; childRisksRecorded: boolean }): boolean {
  return context.programmeRequiresIt || context.childRisksRecorded
    || context.childStatuses.some((s) => s === 'child_protection_plan' || s === 'looked_after');
}

/** Where the safety plan says to call: any time, in office hours, or out of hours. */
export const contactTimes = ['any_time', 'office_hours', 'out_of_hours'] as const;
export type ContactTime = (typeof contactTimes)[number];
export const contactTimeLabels: Record<ContactTime, string> = {
  any_time: 'Any time, day or night', office_hours: 'Office hours', out_of_hours: 'Evenings, nights and weekends (out of hours)',
};

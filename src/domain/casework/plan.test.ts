import { describe, expect, it } from 'vitest';
import { RuleViolation } from '../errors.ts';
import { transition } from './lifecycle.ts';
import { outcomeAreaKeys, outcomeAreaLabels, outcomeAreas, isOutcomeArea } from './outcome-areas.ts';
import {
  assessmentEditRefusal, assessmentGaps, assessmentIncomplete, isOverdue, memberTaskStatus, nextPlanVersion, planAgreementGaps,
  planEditRefusal, safetyPlanNeeded, suggestedReviewDate, supportDocumentRefusal, type AssessedMember, type MemberAssessment, type PlanSnapshot,
} from './plan.ts';

const empty: MemberAssessment = { strengths: '', needs: '', risks: '', factorCodes: [], wishesAndFeelings: '', wishesNotRecordedReason: '' };
const member = ({ record, ...over }: Partial<Omit<AssessedMember, 'record'>> & { record?: Partial<MemberAssessment> | null } = {}): AssessedMember => ({
  id: 'm1', name: 'Kerry Walsh', memberType: 'adult', ...over,
  record: record ? { ...empty, ...record } : null,
});

describe('outcome areas', () => {
  it('are the ten Supporting Families headline outcomes, each with a key and a label', () => {
    expect(outcomeAreas).toHaveLength(10);
    expect(new Set(outcomeAreaKeys).size).toBe(10);
    expect(outcomeAreaLabels.substance_use).toBe('Better managed substance use');
    expect(outcomeAreaLabels.domestic_abuse).toBe('Safe from domestic abuse');
    expect(isOutcomeArea('housing')).toBe(true);
    expect(isOutcomeArea('worklessness')).toBe(false);
  });
});

describe('what makes the assessment complete', () => {
  it('needs something recorded in words for every member: strengths, needs or risks', () => {
    expect(memberTaskStatus(member())).toBe('not_started');
    expect(memberTaskStatus(member({ record: { strengths: '   ' } }))).toBe('not_started');
    expect(memberTaskStatus(member({ record: { strengths: 'Warm with the children' } }))).toBe('completed');
    // The form arrives with known needs ticked: saved untouched, it is not an assessment.
    expect(memberTaskStatus(member({ record: { factorCodes: ['2B'] } }))).toBe('in_progress');
    expect(assessmentGaps([member({ record: { factorCodes: ['2B'] } })], { familyView: 'We want help', wantsToChange: 'Calmer evenings' }))
      .toEqual([{ field: 'member-m1', message: 'Record strengths, needs or risks for Kerry Walsh' }]);
    expect(memberTaskStatus(member({ record: { risks: 'Drinks in the evenings', factorCodes: ['2B'] } }))).toBe('completed');
  });

  it('needs each child’s wishes and feelings, or the reason they were not recorded', () => {
    const child = { id: 'c1', name: 'Tyler Walsh', memberType: 'child' as const };
    expect(memberTaskStatus(member({ ...child, record: { needs: 'Late for school' } }))).toBe('in_progress');
    expect(memberTaskStatus(member({ ...child, record: { needs: 'Late for school', wishesAndFeelings: 'Wants to play football' } }))).toBe('completed');
    expect(memberTaskStatus(member({ ...child, record: { needs: 'Late for school', wishesNotRecordedReason: 'Too young to say' } }))).toBe('completed');
    expect(memberTaskStatus(member({ ...child, record: { wishesAndFeelings: 'Happy at nan’s' } }))).toBe('in_progress');
    // An unborn baby has no wishes and feelings to record.
    expect(memberTaskStatus(member({ id: 'u1', name: 'Baby Walsh', memberType: 'unborn', record: { risks: 'Exposure to drugs' } }))).toBe('completed');
  });

  it('lists every gap, member by member, then the family’s view and what they want to change', () => {
    const gaps = assessmentGaps([
      member({ record: { strengths: 'Loves her children' } }),
      member({ id: 'c1', name: 'Tyler Walsh', memberType: 'child' }),
    ], { familyView: '', wantsToChange: 'Mornings' });
    expect(gaps).toEqual([
      { field: 'member-c1', message: 'Record strengths, needs or risks for Tyler Walsh' },
      { field: 'member-c1', message: 'Record Tyler Walsh’s wishes and feelings, or why they were not recorded' },
      { field: 'familyView', message: 'Record the family’s own view' },
    ]);
    expect(assessmentGaps([member({ record: { needs: 'Housing' } })], { familyView: 'We want help', wantsToChange: 'Mornings' })).toEqual([]);
    expect(assessmentGaps([], { familyView: 'x', wantsToChange: 'y' })).toEqual([{ field: 'members', message: 'Add the family’s members to the family record' }]);
  });

  it('refuses completion with a message naming what is missing', () => {
    const error = assessmentIncomplete([{ field: 'familyView', message: 'Record the family’s own view' }, { field: 'wantsToChange', message: 'Record what the family wants to change' }]);
    expect(error).toBeInstanceOf(RuleViolation);
    expect(error.message).toBe('The assessment cannot be completed yet. Still to do: record the family’s own view; record what the family wants to change.');
    expect(error.gaps).toHaveLength(2);
  });
});

describe('what each state of the case allows', () => {
  it('lets the assessment be recorded only while it is in progress', () => {
    expect(assessmentEditRefusal('assessment')).toBeNull();
    expect(assessmentEditRefusal('allocated')).toBe('Start the assessment before recording it');
    expect(assessmentEditRefusal('planning')).toBe('The assessment is complete and can no longer be changed');
    expect(assessmentEditRefusal('closed')).toBe('This case is closed. Make a new referral to work with the family again.');
  });

  it('lets the plan be written only after the assessment', () => {
    expect(planEditRefusal('assessment')).toBe('A plan cannot be written before the assessment is complete');
    expect(planEditRefusal('planning')).toBeNull();
    expect(planEditRefusal('intervention')).toBeNull();
    expect(planEditRefusal('closed')).toBe('This case is closed. Make a new referral to work with the family again.');
    // A review is the lifecycle's review_plan event.
    expect(transition('assessment', 'review_plan')).toEqual({ ok: false, reason: 'A plan cannot be reviewed before the assessment is complete' });
  });

  it('lets the contract and safety plan be written from allocation until closure', () => {
    expect(supportDocumentRefusal('awaiting_allocation')).toBe('Allocate a key worker before writing this');
    expect(supportDocumentRefusal('allocated')).toBeNull();
    expect(supportDocumentRefusal('closed')).toBe('This case is closed. Make a new referral to work with the family again.');
  });
});

describe('plan actions', () => {
  it('are overdue when the due date has passed and they are still open', () => {
    expect(isOverdue({ dueOn: '2026-11-24', status: 'not_started' }, '2026-11-25')).toBe(true);
    expect(isOverdue({ dueOn: '2026-11-24', status: 'in_progress' }, '2026-11-25')).toBe(true);
    expect(isOverdue({ dueOn: '2026-11-25', status: 'not_started' }, '2026-11-25')).toBe(false);
    expect(isOverdue({ dueOn: '2026-11-24', status: 'done' }, '2026-11-25')).toBe(false);
    expect(isOverdue({ dueOn: '2026-11-24', status: 'not_done' }, '2026-11-25')).toBe(false);
  });
});

const action = (lineageId: string, over: Partial<PlanSnapshot['goals'][number]['actions'][number]> = {}) => ({
  lineageId, description: `Action ${lineageId}`, ownerType: 'person' as const, ownerPersonId: 'p1', ownerUserId: null, ownerName: 'Kerry Walsh',
  dueOn: '2026-12-01', status: 'not_started' as const, ...over,
});

const versionOne: PlanSnapshot = {
  number: 1, reviewDate: '2026-12-23',
  goals: [
    { lineageId: 'g1', goal: 'Tyler gets to school on time', outcomeArea: 'education', progressNote: '', carriedOver: false, actions: [action('a1'), action('a2')] },
    { lineageId: 'g2', goal: 'We have a home of our own', outcomeArea: 'housing', progressNote: '', carriedOver: false, actions: [action('a3')] },
  ],
};

describe('the next version of the plan', () => {
  it('copies every goal and action, with a blank progress note per goal and no review date yet', () => {
    const next = nextPlanVersion(versionOne);
    expect(next.number).toBe(2);
    expect(next.reviewDate).toBeNull();
    expect(next.goals.map((g) => [g.lineageId, g.carriedOver, g.progressNote, g.actions.map((a) => a.lineageId)])).toEqual([
      ['g1', true, '', ['a1', 'a2']], ['g2', true, '', ['a3']],
    ]);
    // The current version is left as it was.
    expect(versionOne.goals[0].carriedOver).toBe(false);
  });

  it('applies the review’s answers: progress notes, statuses, removals, additions and the next review date', () => {
    let id = 0;
    const next = nextPlanVersion(versionOne, {
      progress: { g1: 'Late once this month' },
      statuses: { a1: 'done', a2: 'in_progress' },
      removeGoals: ['g2'],
      removeActions: ['a2'],
      addGoals: [{ goal: 'Kerry keeps her appointments', outcomeArea: 'substance_use', actions: [{ ...action('x'), description: 'Weekly sessions' }] }],
      addActions: [{ ...action('y'), goalLineageId: 'g1', description: 'Breakfast club' }],
      reviewDate: '2027-01-20',
    }, () => `new-${++id}`);
    expect(next).toEqual({
      number: 2, reviewDate: '2027-01-20',
      goals: [
        { lineageId: 'g1', goal: 'Tyler gets to school on time', outcomeArea: 'education', progressNote: 'Late once this month', carriedOver: true,
          actions: [action('a1', { status: 'done' }), { ...action('new-3'), description: 'Breakfast club' }] },
        { lineageId: 'new-1', goal: 'Kerry keeps her appointments', outcomeArea: 'substance_use', progressNote: '', carriedOver: false,
          actions: [{ ...action('new-2'), description: 'Weekly sessions' }] },
      ],
    });
  });

  it('refuses an action added to a goal that is not in the plan', () => {
    expect(() => nextPlanVersion(versionOne, { removeGoals: ['g2'], addActions: [{ ...action('z'), goalLineageId: 'g2' }] }))
      .toThrow('An action can only be added to a goal in the plan');
  });
});

describe('agreeing a plan', () => {
  it('needs a goal, an action for each goal and a review date in the future', () => {
    expect(planAgreementGaps({ number: 1, reviewDate: null, goals: [] }, '2026-11-25')).toEqual([
      { field: 'goals', message: 'Add at least one goal' },
      { field: 'reviewDate', message: 'Set the date the plan will be reviewed' },
    ]);
    const noActions = { ...versionOne, reviewDate: '2026-11-25', goals: [{ ...versionOne.goals[0], actions: [] }] };
    expect(planAgreementGaps(noActions, '2026-11-25')).toEqual([
      { field: 'goal-g1', message: 'Add an action to the goal “Tyler gets to school on time”' },
      { field: 'reviewDate', message: 'The review date must be in the future' },
    ]);
    expect(planAgreementGaps(versionOne, '2026-11-25')).toEqual([]);
  });

  it('needs, at a review, the progress made towards every goal carried over', () => {
    const next = nextPlanVersion(versionOne, { progress: { g1: 'Better' }, reviewDate: '2027-01-20' });
    expect(planAgreementGaps(next, '2026-12-23')).toEqual([{ field: 'goal-g2', message: 'Record the progress made towards “We have a home of our own”' }]);
  });

  it('suggests a review date one review interval away', () => {
    expect(suggestedReviewDate('2026-11-25', 28)).toBe('2026-12-23');
    expect(suggestedReviewDate('2026-12-20', 14)).toBe('2027-01-03');
  });
});

describe('whether a safety plan is needed', () => {
  it('is needed when the programme asks for one, a child is on a plan or looked after, or risks to a child are recorded', () => {
    const none = { programmeRequiresIt: false, childStatuses: [] as const, childRisksRecorded: false };
    expect(safetyPlanNeeded(none)).toBe(false);
    expect(safetyPlanNeeded({ ...none, childStatuses: ['child_in_need'] })).toBe(false);
    expect(safetyPlanNeeded({ ...none, programmeRequiresIt: true })).toBe(true);
    expect(safetyPlanNeeded({ ...none, childStatuses: ['child_protection_plan'] })).toBe(true);
    expect(safetyPlanNeeded({ ...none, childStatuses: ['looked_after'] })).toBe(true);
    expect(safetyPlanNeeded({ ...none, childRisksRecorded: true })).toBe(true);
  });
});

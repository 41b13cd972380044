/**
 * The programme evaluation: from each case's measures at referral, closure and follow-up, the
 * figures commissioners read (the shape of Family Action's and Families Plus's outcome reports).
 * Every percentage carries its cohort (numerator and denominator) and the cases behind it.
 */
import type { OutcomeAreaKey } from '../casework/outcome-areas.ts';
import { legalStatuses, legalStatusLabels, type LegalStatus } from '../codes.ts';
import { roundFraction, wholePercentOf } from '../rounding.ts';
import type { HouseholdMeasures, MemberMeasures, TimePoint } from './measures.ts';
import { reducedByAtLeast, sixMonthlyRateBefore } from './reduction.ts';

export interface CohortMember {
  personId: string;
  memberType: 'adult' | 'child';
  measures: Partial<Record<TimePoint, MemberMeasures>>;
}

export interface CohortCase {
  caseId: string;
  familyId: string;
  members: CohortMember[];
  household: Partial<Record<TimePoint, HouseholdMeasures>>;
  /** Outcome areas the work was for (the plan's goals): "education a reason for referral" reads this. */
  reasonAreas: readonly OutcomeAreaKey[];
}

export interface Figure {
  key: string;
  label: string;
  /** Who the cohort is, in words: "children on a Child Protection Plan at referral". */
  cohort: string;
  numerator: number;
  denominator: number;
  proportion: number | null;
  /** The cases in the numerator, and every case in the cohort. */
  caseIds: string[];
  cohortCaseIds: string[];
  /** Where the numerator went, for status figures: "1 to Looked After" beside "no longer on a plan". */
  movements?: { to: LegalStatus; count: number }[];
}

/** "9 of 14 (64%)": the cohort always beside the percentage. */
export function describeFigure(f: Pick<Figure, 'numerator' | 'denominator'>): string {
  if (f.denominator === 0) return 'None in the cohort';
  return `${f.numerator} of ${f.denominator} (${wholePercentOf(f.numerator, f.denominator)}%)`;
}

export function wholePercent(f: Pick<Figure, 'numerator' | 'denominator'>): number | null {
  return f.denominator === 0 ? null : wholePercentOf(f.numerator, f.denominator);
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const unique = (ids: string[]) => [...new Set(ids)];

function figure(key: string, label: string, cohort: string, rows: { caseId: string; hit: boolean }[]): Figure {
  const hits = rows.filter((r) => r.hit);
  return {
    key, label, cohort, numerator: hits.length, denominator: rows.length, proportion: rows.length ? hits.length / rows.length : null,
    caseIds: unique(hits.map((r) => r.caseId)), cohortCaseIds: unique(rows.map((r) => r.caseId)),
  };
}

const children = (c: CohortCase) => c.members.filter((m) => m.memberType === 'child');
const statusAt = (m: CohortMember, t: TimePoint) => m.measures[t]?.legalStatus ?? null;

/** Statuses ordered from most to least statutory involvement: a move to a later one is a step down. */
export const statusOrder: readonly LegalStatus[] = ['looked_after', 'child_protection_plan', 'child_in_need', 'none'];

export interface Transition {
  from: LegalStatus;
  to: LegalStatus;
  count: number;
  caseIds: string[];
  /** A step down (LAC to CIN, CP to CIN, CIN to none...), a step up, or no change. */
  direction: 'down' | 'up' | 'same';
}

export interface StatusCounts {
  timePoint: TimePoint;
  counts: Record<LegalStatus, number>;
  children: number;
}

export interface BeforeAfter {
  key: 'policeCallOuts' | 'emergencyAdmissions' | 'daysInCare' | 'domesticAbuseIncidents';
  label: string;
  /** Cases with the measure recorded at both referral and closure. */
  cases: number;
  before: number;
  after: number;
  /** Change from before to after as a proportion of before (negative: fewer). */
  change: number | null;
  caseIds: string[];
}

export interface Attendance {
  children: number;
  /** Median change in percentage points (70% to 89% is +19 points), to one decimal place. */
  medianChange: number | null;
  /** Median relative change in percent (70% to 89% is +27.1%), to one decimal place: the source's "increased by 19%". */
  medianRelativeChange: number | null;
  caseIds: string[];
}

export interface Evaluation {
  cases: number;
  casesWithClosure: number;
  statusCounts: StatusCounts[];
  transitions: Transition[];
  noLongerCp: Figure;
  noLongerCin: Figure;
  atRiskStillAtHome: Figure;
  attendance: Attendance;
  offending: Figure;
  asb: Figure;
  work: Figure;
  beforeAfter: BeforeAfter[];
}

const sum = (values: (number | null | undefined)[]) => values.reduce<number>((s, v) => s + (v ?? 0), 0);
const recorded = (v: number | null | undefined): v is number => v !== null && v !== undefined;

/**
 * The rules, stated once:
 * - statuses are children's; transitions compare referral with closure for children with both;
 * - "no longer on a CP plan": on a plan at referral and not at closure, wherever the child went
 *   (Looked After included, as Family Action counts it); the movements are shown beside it;
 * - "no longer Child in Need": Child in Need at referral and not at closure, the same way;
 * - at risk of removal still at home: flagged at referral, not looked after at closure;
 * - attendance: children of families referred for education (a plan goal under "Getting a good
 *   education") with attendance under 85% at referral: the median change in percentage points and
 *   the median relative change (the source's "increased by 19%"), both to closure;
 * - offending reduced by at least 33%: children's proven offences in the 6 months before closure
 *   against the 6-monthly rate of the 12 months before referral (reduction.ts, shared with claims);
 * - ASB reduced by at least 60%: the family's incidents in the 6 months before closure against
 *   its 6-monthly rate in the 12 months before referral (the same rule);
 * - steps towards work: a member holds a step at closure they did not hold at referral;
 * - before and after: the 6 months before referral against the 6 months before closure.
 */
export function evaluate(cohort: readonly CohortCase[]): Evaluation {
  const statusPoints: TimePoint[] = ['referral', 'closure', 'follow_up_6', 'follow_up_12'];
  const statusCounts = statusPoints.map((t) => {
    const counts = Object.fromEntries(legalStatuses.map((s) => [s, 0])) as Record<LegalStatus, number>;
    let n = 0;
    for (const c of cohort) for (const m of children(c)) {
      const s = statusAt(m, t);
      if (s) {
        counts[s] += 1;
        n += 1;
      }
    }
    return { timePoint: t, counts, children: n };
  });

  const cells = new Map<string, Transition>();
  for (const c of cohort) for (const m of children(c)) {
    const from = statusAt(m, 'referral');
    const to = statusAt(m, 'closure');
    if (!from || !to) continue;
    const key = `${from}>${to}`;
    const delta = statusOrder.indexOf(to) - statusOrder.indexOf(from);
    const cell = cells.get(key) ?? { from, to, count: 0, caseIds: [], direction: delta > 0 ? 'down' as const : delta < 0 ? 'up' as const : 'same' as const };
    cell.count += 1;
    if (!cell.caseIds.includes(c.caseId)) cell.caseIds.push(c.caseId);
    cells.set(key, cell);
  }
  const transitions = [...cells.values()].sort((a, b) => statusOrder.indexOf(a.from) - statusOrder.indexOf(b.from) || statusOrder.indexOf(a.to) - statusOrder.indexOf(b.to));

  /** Children with `status` at referral and a status at closure; the numerator left it, wherever they went. */
  const statusLeft = (key: string, label: string, cohortWords: string, status: LegalStatus): Figure => {
    const moved: LegalStatus[] = [];
    const f = figure(key, label, cohortWords, childRows((m) => {
      const to = statusAt(m, 'closure');
      if (statusAt(m, 'referral') !== status || !to) return null;
      if (to !== status) moved.push(to);
      return to !== status;
    }));
    const movements = statusOrder.filter((s) => moved.includes(s)).map((to) => ({ to, count: moved.filter((s) => s === to).length }));
    return { ...f, movements };
  };
  const childRows = (pick: (m: CohortMember) => boolean | null) =>
    cohort.flatMap((c) => children(c).map((m) => ({ caseId: c.caseId, hit: pick(m) })).filter((r): r is { caseId: string; hit: boolean } => r.hit !== null));

  const noLongerCp = statusLeft('no-longer-cp', 'Children no longer on a Child Protection Plan at closure', 'children on a Child Protection Plan at referral', 'child_protection_plan');
  const noLongerCin = statusLeft('no-longer-cin', 'Children no longer Child in Need at closure', 'children who were Child in Need at referral', 'child_in_need');
  const atRiskStillAtHome = figure('at-risk-at-home', 'Children at risk of removal still at home at closure', 'children at risk of removal (or removed) at referral',
    childRows((m) => (m.measures.referral?.atRiskOfRemoval && statusAt(m, 'closure') ? statusAt(m, 'closure') !== 'looked_after' : null)));

  const attendancePoints: number[] = [];
  const attendanceRelative: number[] = [];
  const attendanceCases: string[] = [];
  for (const c of cohort) {
    if (!c.reasonAreas.includes('education')) continue;
    for (const m of children(c)) {
      const before = m.measures.referral?.attendancePercent;
      const after = m.measures.closure?.attendancePercent;
      if (!recorded(before) || !recorded(after) || before >= 85) continue;
      attendancePoints.push(after - before);
      if (before > 0) attendanceRelative.push(((after - before) * 100) / before);
      attendanceCases.push(c.caseId);
    }
  }
  const oneDecimal = (v: number | null) => (v === null ? null : roundFraction(v, 1, 1));

  const offending = figure('offending', 'Children whose offending reduced by at least 33%', 'children with a proven offence in the 12 months before referral',
    cohort.flatMap((c) => children(c).flatMap((m) => {
      const before = m.measures.referral?.offences12m;
      const after = m.measures.closure?.offences6m;
      return recorded(before) && before > 0 && recorded(after) ? [{ caseId: c.caseId, hit: reducedByAtLeast(33, sixMonthlyRateBefore(before, null)!, after) }] : [];
    })));

  const asb = figure('asb', 'Families whose anti-social behaviour reduced by at least 60%', 'families with anti-social behaviour in the 12 months before referral',
    cohort.flatMap((c) => {
      const before = c.members.map((m) => m.measures.referral?.asb12m);
      const after = c.members.map((m) => m.measures.closure?.asb6m);
      if (sum(before) === 0 || !after.some(recorded)) return [];
      return [{ caseId: c.caseId, hit: reducedByAtLeast(60, sixMonthlyRateBefore(sum(before), null)!, sum(after)) }];
    }));

  const work = figure('work', 'Families taking steps towards work', 'families with measures recorded at closure',
    cohort.filter((c) => c.members.some((m) => m.measures.closure) || c.household.closure).map((c) => ({
      caseId: c.caseId,
      hit: c.members.some((m) => (m.measures.closure?.workSteps ?? []).some((s) => !(m.measures.referral?.workSteps ?? []).includes(s))),
    })));

  const beforeAfter: BeforeAfter[] = [
    { key: 'policeCallOuts' as const, label: 'Police call-outs', household: true },
    { key: 'domesticAbuseIncidents' as const, label: 'Domestic abuse incidents', household: true },
    { key: 'emergencyAdmissions' as const, label: 'Emergency hospital admissions', household: false },
    { key: 'daysInCare' as const, label: 'Days in care', household: false },
  ].map(({ key, label, household }) => {
    let before = 0;
    let after = 0;
    const caseIds: string[] = [];
    for (const c of cohort) {
      const values = (t: TimePoint) => household
        ? [(c.household[t] as Record<string, number | null> | undefined)?.[key]]
        : c.members.map((m) => (m.measures[t] as Record<string, unknown> | undefined)?.[key] as number | null | undefined);
      const b = values('referral');
      const a = values('closure');
      if (!b.some(recorded) || !a.some(recorded)) continue;
      before += sum(b);
      after += sum(a);
      caseIds.push(c.caseId);
    }
    return { key, label, cases: caseIds.length, before, after, change: before ? (after - before) / before : null, caseIds };
  });

  return {
    cases: cohort.length,
    casesWithClosure: cohort.filter((c) => c.members.some((m) => m.measures.closure) || c.household.closure).length,
    statusCounts, transitions, noLongerCp, noLongerCin, atRiskStillAtHome,
    attendance: {
      children: attendancePoints.length, medianChange: oneDecimal(median(attendancePoints)),
      medianRelativeChange: oneDecimal(median(attendanceRelative)), caseIds: unique(attendanceCases),
    },
    offending, asb, work, beforeAfter,
  };
}

export function transitionLabel(t: Pick<Transition, 'from' | 'to'>): string {
  const name = (s: LegalStatus) => (s === 'none' ? 'no statutory involvement' : legalStatusLabels[s]);
  return `${legalStatusLabels[t.from]} to ${name(t.to)}`;
}

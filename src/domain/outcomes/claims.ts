/**
 * Supporting Families claims (payment by results). A family attaches when work starts with at
 * least the minimum number of problems from the framework; a results payment is due when it has
 * a lead practitioner, a completed whole-family assessment, one agreed plan covering every
 * problem, and significant and sustained progress on every problem: each area's rule met at
 * closure and still met the required months after closure. Rules and amounts are local policy.
 */
import { outcomeAreaKeys, outcomeAreaLabels, type OutcomeAreaKey } from '../casework/outcome-areas.ts';
import type { LegalStatus } from '../codes.ts';
import { numericMeasures, type HouseholdMeasures, type MemberMeasures, type NumericMeasure, type TimePoint } from './measures.ts';
import { reducedByAtLeast, sixMonthlyRateBefore } from './reduction.ts';

export type CriterionKind = 'at_most' | 'at_least' | 'fall_by_percent';

/** One test on one measure. A test applies to each member (or the household) with a problem in that measure at referral. */
export interface Criterion {
  measure: NumericMeasure | 'legalStatus' | 'substanceTreatment' | 'goalDistance';
  kind: CriterionKind;
  value: number;
}

export interface AreaRule {
  area: OutcomeAreaKey;
  criteria: Criterion[];
  /** Months after closure the progress must still hold. */
  sustainedMonths: number;
}

export const paymentModelKeys = ['troubled_families_phase_2', 'supporting_families_2022_25'] as const;
export type PaymentModel = (typeof paymentModelKeys)[number];

/**
 * How the programme pays, each named with its source. Troubled Families phase 2 is a preset with
 * the source's amounts; Supporting Families 2022-25 funds councils upfront plus results payments
 * at amounts in each council's own grant, so Lantern holds none: the council enters them.
 */
export const paymentModels: Record<PaymentModel, { label: string; description: string; source: string; amounts?: { attachmentFee: number; resultsPayment: number } }> = {
  troubled_families_phase_2: {
    label: 'Troubled Families phase 2 (2015 to 2020)',
    description: '£1,000 attachment fee for each family, and £800 more for each family with significant and sustained progress or a move into continuous employment',
    source: 'Family Action, Intensive Family Support: “The cost is £1,000 attachment fee and then an additional £800 per family (PBR) for successful outcomes” (Think Family IFS service specification, phase 2, year 1)',
    amounts: { attachmentFee: 1000, resultsPayment: 800 },
  },
  supporting_families_2022_25: {
    label: 'Supporting Families (2022 to 2025)',
    description: 'Upfront funding for the council, plus a results payment for each family with a successful outcome, at the amounts in the council’s own grant',
    source: 'Supporting Families programme guidance 2022 to 2025: councils are funded upfront plus results payments',
  },
};

export interface ClaimSettings {
  paymentModel: PaymentModel;
  /** Whole pounds per family attached: the phase 2 preset's £1,000; none under 2022-25. */
  attachmentFee: number;
  /** Whole pounds per family with a successful outcome. */
  resultsPayment: number;
  /** Whole pounds of upfront funding for the period (2022-25, entered by the council); 0 under phase 2. */
  upfrontFunding: number;
  minimumProblems: number;
  /**
   * A move into continuous employment also earns the results payment. Troubled Families phase 2
   * paid for it (seed 003: "as well as a move into continuous employment"); whether 2022-25 does
   * is not confirmed here, so it is the council's choice.
   */
  employmentRoute: boolean;
  rules: AreaRule[];
}

/** legalStatus as a number for rules: 3 looked after, 2 CP, 1 CIN, 0 none. */
export const statusRank: Record<LegalStatus, number> = { looked_after: 3, child_protection_plan: 2, child_in_need: 1, none: 0 };
/** substanceTreatment as a number: 0 not needed, 1 not engaged, 2 engaged, 3 completed. */
export const treatmentRank = { not_needed: 0, not_engaged: 1, engaged: 2, completed: 3 } as const;

const rule = (area: OutcomeAreaKey, criteria: Criterion[]): AreaRule => ({ area, criteria, sustainedMonths: 6 });

/** Defaults: the Troubled Families phase 2 preset; every identified problem shows progress sustained 6 months after closure. */
export const defaultClaimSettings: ClaimSettings = {
  paymentModel: 'troubled_families_phase_2',
  ...paymentModels.troubled_families_phase_2.amounts!,
  upfrontFunding: 0,
  minimumProblems: 3,
  employmentRoute: true,
  rules: [
    rule('education', [{ measure: 'attendancePercent', kind: 'at_least', value: 90 }, { measure: 'exclusions', kind: 'at_most', value: 0 }]),
    rule('early_years', [{ measure: 'goalDistance', kind: 'at_least', value: 4 }]),
    rule('health', [{ measure: 'emergencyAdmissions', kind: 'fall_by_percent', value: 50 }, { measure: 'goalDistance', kind: 'at_least', value: 4 }]),
    rule('substance_use', [{ measure: 'substanceTreatment', kind: 'at_least', value: 2 }]),
    rule('family_relationships', [{ measure: 'goalDistance', kind: 'at_least', value: 4 }]),
    rule('children_safe', [{ measure: 'legalStatus', kind: 'at_most', value: 1 }]),
    rule('crime', [{ measure: 'offences6m', kind: 'fall_by_percent', value: 33 }, { measure: 'asb6m', kind: 'fall_by_percent', value: 60 }]),
    rule('domestic_abuse', [{ measure: 'domesticAbuseIncidents', kind: 'at_most', value: 0 }]),
    rule('housing', [{ measure: 'evictionNotices', kind: 'at_most', value: 0 }, { measure: 'rentArrears', kind: 'fall_by_percent', value: 50 }]),
    rule('financial_stability', [{ measure: 'goalDistance', kind: 'at_least', value: 4 }]),
  ],
};

export const criterionKindLabels: Record<CriterionKind, string> = { at_most: 'at most', at_least: 'at least', fall_by_percent: 'falls by at least (%)' };

export function measureLabel(m: Criterion['measure']): string {
  if (m === 'legalStatus') return 'Child’s status (3 Looked After, 2 CP, 1 CIN, 0 none)';
  if (m === 'substanceTreatment') return 'Substance-misuse treatment (0 not needed, 1 not engaging, 2 engaging, 3 completed)';
  if (m === 'goalDistance') return 'Distance travelled on the plan’s goals in this area (1-5)';
  return numericMeasures[m].label;
}

export function describeCriterion(c: Criterion): string {
  return c.kind === 'fall_by_percent' ? `${measureLabel(c.measure)} falls by at least ${c.value}%` : `${measureLabel(c.measure)} ${criterionKindLabels[c.kind]} ${c.value}`;
}

/** What the claim needs from one case. */
export interface ClaimCase {
  caseId: string;
  familyId: string;
  hasDependentChildren: boolean;
  hasLeadPractitioner: boolean;
  assessmentComplete: boolean;
  planAgreed: boolean;
  closed: boolean;
  /** Months since closure (null while open). */
  monthsSinceClosure: number | null;
  /** Problems named at attachment: the outcome areas of the plan's goals and of the referral. */
  areasAtAttachment: OutcomeAreaKey[];
  /** Outcome areas the agreed plan has goals for. */
  planAreas: OutcomeAreaKey[];
  /** Latest distance travelled per area (lowest across the area's goals). */
  goalDistance: Partial<Record<OutcomeAreaKey, number>>;
  members: { memberType: 'adult' | 'child'; measures: Partial<Record<TimePoint, MemberMeasures>> }[];
  household: Partial<Record<TimePoint, HouseholdMeasures>>;
}

export interface AreaResult {
  area: OutcomeAreaKey;
  label: string;
  /** met: progress shown and sustained; pending: met at closure, the sustained check is not due yet; else not met or no evidence. */
  state: 'met' | 'pending' | 'not_met' | 'no_evidence';
  reason: string;
}

export interface ClaimResult {
  caseId: string;
  familyId: string;
  attached: boolean;
  status: 'eligible' | 'close' | 'not_eligible';
  areas: AreaResult[];
  missing: string[];
  payment: number;
}

/** Problems at referral, by area, read from the baseline measures (a plan goal also counts as a problem). */
export function problemAreasFromMeasures(c: Pick<ClaimCase, 'members' | 'household'>): OutcomeAreaKey[] {
  const areas = new Set<OutcomeAreaKey>();
  const h = c.household.referral;
  for (const m of c.members) {
    const b = m.measures.referral;
    if (!b) continue;
    if ((b.attendancePercent !== null && b.attendancePercent < 90) || (b.exclusions ?? 0) > 0) areas.add('education');
    if ((b.offences12m ?? 0) > 0 || (b.asb12m ?? 0) > 0 || (b.offences6m ?? 0) > 0 || (b.asb6m ?? 0) > 0) areas.add('crime');
    if (b.legalStatus && b.legalStatus !== 'none') areas.add('children_safe');
    if (b.substanceTreatment === 'not_engaged' || b.substanceTreatment === 'engaged') areas.add('substance_use');
    if ((b.emergencyAdmissions ?? 0) > 0) areas.add('health');
  }
  if (h) {
    if ((h.domesticAbuseIncidents ?? 0) > 0) areas.add('domestic_abuse');
    if ((h.rentArrears ?? 0) > 0 || (h.evictionNotices ?? 0) > 0) areas.add('housing');
  }
  return outcomeAreaKeys.filter((a) => areas.has(a));
}

type Values = (number | null)[];

/** Each unit's (member or household) value of a measure at a time point. */
function valuesAt(c: ClaimCase, measure: Criterion['measure'], t: TimePoint, area: OutcomeAreaKey): Values {
  if (measure === 'goalDistance') return t === 'referral' ? [null] : [c.goalDistance[area] ?? null];
  if (measure === 'legalStatus') return c.members.filter((m) => m.memberType === 'child').map((m) => { const s = m.measures[t]?.legalStatus; return s ? statusRank[s] : null; });
  if (measure === 'substanceTreatment') return c.members.map((m) => { const s = m.measures[t]?.substanceTreatment; return s ? treatmentRank[s] : null; });
  if (numericMeasures[measure].scope === 'household') return [(c.household[t]?.[measure as keyof HouseholdMeasures] as number | null | undefined) ?? null];
  return c.members.map((m) => {
    const value = (m.measures[t]?.[measure as keyof MemberMeasures] as number | null | undefined) ?? null;
    // Before the work, offending and ASB are the six-monthly rate of the 12 months before referral, as in the evaluation.
    if (t === 'referral' && measure === 'offences6m') return sixMonthlyRateBefore(m.measures.referral?.offences12m, value);
    if (t === 'referral' && measure === 'asb6m') return sixMonthlyRateBefore(m.measures.referral?.asb12m, value);
    return value;
  });
}

/** Did a unit have a problem in this measure at referral? Goal distance always applies (the goal is the problem). */
function hadProblem(measure: Criterion['measure'], before: number | null, criterion: Criterion): boolean {
  if (measure === 'goalDistance') return true;
  if (before === null) return false;
  if (measure === 'attendancePercent') return before < criterion.value || (criterion.kind !== 'at_least' && before < 90);
  if (measure === 'substanceTreatment') return before === 1 || before === 2;
  return before > 0;
}

function passes(c: Criterion, before: number | null, after: number): boolean {
  if (c.kind === 'at_most') return after <= c.value;
  if (c.kind === 'at_least') return after >= c.value;
  return reducedByAtLeast(c.value, before ?? 0, after);
}

function checkAt(c: ClaimCase, r: AreaRule, t: TimePoint): { ok: boolean | null; why: string } {
  let applied = 0;
  for (const criterion of r.criteria) {
    const before = valuesAt(c, criterion.measure, 'referral', r.area);
    const after = valuesAt(c, criterion.measure, t, r.area);
    for (let i = 0; i < after.length; i += 1) {
      const b = before[i] ?? null;
      if (!hadProblem(criterion.measure, b, criterion)) continue;
      applied += 1;
      const a = after[i];
      if (a === null || a === undefined) return { ok: null, why: `${measureLabel(criterion.measure)} not recorded` };
      if (!passes(criterion, b, a)) return { ok: false, why: `${describeCriterion(criterion)}: not met (${b === null ? '' : `${b} at referral, `}${a} now)` };
    }
  }
  if (!applied) return { ok: null, why: 'No measure recorded at referral shows the problem, and no goal in this area' };
  return { ok: true, why: 'Met' };
}

export function evaluateArea(c: ClaimCase, r: AreaRule): AreaResult {
  const label = outcomeAreaLabels[r.area];
  if (!c.closed) return { area: r.area, label, state: 'no_evidence', reason: 'The case is still open' };
  const atClosure = checkAt(c, r, 'closure');
  if (atClosure.ok === null) return { area: r.area, label, state: 'no_evidence', reason: `At closure: ${atClosure.why}` };
  if (!atClosure.ok) return { area: r.area, label, state: 'not_met', reason: `At closure: ${atClosure.why}` };
  if (r.sustainedMonths === 0) return { area: r.area, label, state: 'met', reason: 'Met at closure' };
  const later = ([6, 12] as const).filter((m) => m >= r.sustainedMonths).map((m) => `follow_up_${m}` as TimePoint);
  for (const t of later) {
    const check = checkAt(c, r, t);
    if (check.ok === true) return { area: r.area, label, state: 'met', reason: `Met at closure and ${t.replace('follow_up_', '')} months after` };
    if (check.ok === false) return { area: r.area, label, state: 'not_met', reason: `${t.replace('follow_up_', '')} months after closure: ${check.why}` };
  }
  return { area: r.area, label, state: 'pending', reason: `Met at closure; not yet shown ${r.sustainedMonths} months after closure` };
}

/** In continuous work at closure and at every later follow-up recorded, 6 months or more after closure. */
function continuousEmployment(c: ClaimCase): boolean {
  return c.members.some((m) => m.memberType === 'adult' && m.measures.closure?.workSteps.includes('job')
    && (['follow_up_6', 'follow_up_12'] as const).some((t) => m.measures[t]?.workSteps.includes('job')));
}

export function assessClaim(c: ClaimCase, settings: ClaimSettings): ClaimResult {
  const problems = c.areasAtAttachment;
  const attached = c.hasDependentChildren && problems.length >= settings.minimumProblems;
  const missing: string[] = [];
  if (!c.hasDependentChildren) missing.push('No dependent children or expected baby in the household');
  if (problems.length < settings.minimumProblems) missing.push(`${problems.length} of the ${settings.minimumProblems} problems needed at attachment`);
  if (!c.hasLeadPractitioner) missing.push('No key worker');
  if (!c.assessmentComplete) missing.push('Whole-family assessment not completed');
  if (!c.planAgreed) missing.push('No agreed family plan');
  const uncovered = problems.filter((a) => !c.planAreas.includes(a));
  if (uncovered.length) missing.push(`The plan has no goal for: ${uncovered.map((a) => outcomeAreaLabels[a]).join(', ')}`);
  const rules = new Map(settings.rules.map((r) => [r.area, r]));
  const areas = problems.map((a) => evaluateArea(c, rules.get(a) ?? { area: a, criteria: [{ measure: 'goalDistance', kind: 'at_least', value: 4 }], sustainedMonths: 6 }));
  for (const a of areas) if (a.state !== 'met') missing.push(`${a.label}: ${a.reason}`);
  const employed = settings.employmentRoute && continuousEmployment(c);
  const eligible = attached && (missing.length === 0 || (employed && c.hasLeadPractitioner));
  // Close: attached, and what is missing is only a sustained check not yet due or at most one other thing.
  const notYet = areas.filter((a) => a.state === 'pending').length;
  const close = !eligible && attached && missing.length - notYet <= 1;
  return {
    caseId: c.caseId, familyId: c.familyId, attached, status: eligible ? 'eligible' : close ? 'close' : 'not_eligible', areas, missing: eligible ? [] : missing,
    payment: (attached ? settings.attachmentFee : 0) + (eligible ? settings.resultsPayment : 0),
  };
}

export interface ClaimTotals {
  families: number;
  attached: number;
  eligible: number;
  close: number;
  attachmentFees: number;
  resultsPayments: number;
  upfrontFunding: number;
  total: number;
}

export function claimTotals(results: readonly ClaimResult[], settings: ClaimSettings): ClaimTotals {
  const attached = results.filter((r) => r.attached).length;
  const eligible = results.filter((r) => r.status === 'eligible').length;
  return {
    families: results.length, attached, eligible, close: results.filter((r) => r.status === 'close').length,
    attachmentFees: attached * settings.attachmentFee, resultsPayments: eligible * settings.resultsPayment, upfrontFunding: settings.upfrontFunding,
    total: settings.upfrontFunding + attached * settings.attachmentFee + eligible * settings.resultsPayment,
  };
}

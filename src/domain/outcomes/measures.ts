/**
 * Outcome measures: what is recorded about each family member (and the household) at referral,
 * at closure and at each follow-up, so a programme can show what changed. Counts are "in the
 * 6 months before the date of recording" unless the name says 12 months.
 */
import type { LegalStatus } from '../codes.ts';

export const timePoints = ['referral', 'closure', 'follow_up_1', 'follow_up_3', 'follow_up_6', 'follow_up_12'] as const;
export type TimePoint = (typeof timePoints)[number];

export const timePointLabels: Record<TimePoint, string> = {
  referral: 'At referral (baseline)', closure: 'At closure', follow_up_1: '1 month after closure', follow_up_3: '3 months after closure',
  follow_up_6: '6 months after closure', follow_up_12: '12 months after closure',
};

/** URL segment for each time point: routes are fixed paths, so no free-text parameter reaches the handler. */
export const timePointSlugs: Record<TimePoint, string> = {
  referral: 'referral', closure: 'closure', follow_up_1: 'follow-up-1', follow_up_3: 'follow-up-3', follow_up_6: 'follow-up-6', follow_up_12: 'follow-up-12',
};

export function followUpTimePoint(monthsAfter: number): TimePoint | null {
  const key = `follow_up_${monthsAfter}`;
  return (timePoints as readonly string[]).includes(key) ? (key as TimePoint) : null;
}

/** Months after closure a time point stands for (closure 0, referral -1: before the work). */
export function monthsAfterClosure(t: TimePoint): number {
  if (t === 'referral') return -1;
  if (t === 'closure') return 0;
  return Number(t.replace('follow_up_', ''));
}

export const treatmentStates = ['not_needed', 'not_engaged', 'engaged', 'completed'] as const;
export type TreatmentState = (typeof treatmentStates)[number];
export const treatmentLabels: Record<TreatmentState, string> = {
  not_needed: 'No treatment needed', not_engaged: 'Needs treatment, not engaging', engaged: 'Engaging with treatment', completed: 'Completed treatment',
};

export const workSteps = ['volunteering', 'course', 'interview', 'job'] as const;
export type WorkStep = (typeof workSteps)[number];
export const workStepLabels: Record<WorkStep, string> = {
  volunteering: 'Volunteering', course: 'Started or completed a course', interview: 'Went to a job interview', job: 'In paid work',
};

/** Family Star Plus's ten areas (scored 1-10). Names only: the tool's own wording is not copied. */
export const familyStarAreas = [
  { key: 'physical_health', label: 'Physical health' },
  { key: 'wellbeing', label: 'Your well-being' },
  { key: 'emotional_needs', label: 'Meeting emotional needs' },
  { key: 'keeping_safe', label: 'Keeping your children safe' },
  { key: 'social_networks', label: 'Social networks' },
  { key: 'education_learning', label: 'Education and learning' },
  { key: 'boundaries_behaviour', label: 'Boundaries and behaviour' },
  { key: 'family_routine', label: 'Family routine' },
  { key: 'home_money', label: 'Home and money' },
  { key: 'progress_to_work', label: 'Progress to work' },
] as const;
export type FamilyStarArea = (typeof familyStarAreas)[number]['key'];

/** One person's measures at one time point. null: not recorded. */
export interface MemberMeasures {
  legalStatus: LegalStatus | null;
  /** Recorded at referral: the child was at risk of removal from home, or had been removed. */
  atRiskOfRemoval: boolean | null;
  attendancePercent: number | null;
  exclusions: number | null;
  offences6m: number | null;
  offences12m: number | null;
  asb6m: number | null;
  asb12m: number | null;
  emergencyAdmissions: number | null;
  daysInCare: number | null;
  substanceTreatment: TreatmentState | null;
  workSteps: WorkStep[];
  sdqTotal: number | null;
}

/** What belongs to the household rather than one person. */
export interface HouseholdMeasures {
  domesticAbuseIncidents: number | null;
  policeCallOuts: number | null;
  rentArrears: number | null;
  evictionNotices: number | null;
  familyStar: Partial<Record<FamilyStarArea, number>>;
}

export const emptyMemberMeasures = (): MemberMeasures => ({
  legalStatus: null, atRiskOfRemoval: null, attendancePercent: null, exclusions: null, offences6m: null, offences12m: null, asb6m: null, asb12m: null,
  emergencyAdmissions: null, daysInCare: null, substanceTreatment: null, workSteps: [], sdqTotal: null,
});

export const emptyHouseholdMeasures = (): HouseholdMeasures => ({
  domesticAbuseIncidents: null, policeCallOuts: null, rentArrears: null, evictionNotices: null, familyStar: {},
});

/** Numeric measures a rule can name (member measures are summed over the household when a rule looks at the family). */
export const numericMeasures = {
  attendancePercent: { label: 'School attendance (%)', scope: 'member' },
  exclusions: { label: 'Exclusions', scope: 'member' },
  offences6m: { label: 'Proven offences (last 6 months)', scope: 'member' },
  offences12m: { label: 'Proven offences (last 12 months)', scope: 'member' },
  asb6m: { label: 'Anti-social behaviour incidents (last 6 months)', scope: 'member' },
  asb12m: { label: 'Anti-social behaviour incidents (last 12 months)', scope: 'member' },
  emergencyAdmissions: { label: 'Emergency hospital admissions', scope: 'member' },
  daysInCare: { label: 'Days in care', scope: 'member' },
  sdqTotal: { label: 'SDQ total difficulties (0-40)', scope: 'member' },
  domesticAbuseIncidents: { label: 'Domestic abuse incidents', scope: 'household' },
  policeCallOuts: { label: 'Police call-outs', scope: 'household' },
  rentArrears: { label: 'Rent arrears (GBP)', scope: 'household' },
  evictionNotices: { label: 'Eviction notices', scope: 'household' },
} as const;
export type NumericMeasure = keyof typeof numericMeasures;
export const numericMeasureKeys = Object.keys(numericMeasures) as [NumericMeasure, ...NumericMeasure[]];

/** Where a value came from: typed by a practitioner, or filled from linked agency data. */
export interface MeasureSource {
  kind: 'practitioner' | 'agency_data';
  /** For agency data: the agency or data set, e.g. "Police domestic abuse incidents, October 2026 extract". */
  label?: string;
}

/**
 * Merges measures that arrived from agency data into what is recorded: a value a practitioner
 * typed is never overwritten; an empty field is filled and its source remembered.
 */
export function mergeAgencyMeasures<T extends object>(current: T, incoming: Partial<T>, sources: Record<string, string>, label: string) {
  const merged = { ...current } as Record<string, unknown>;
  const filled: string[] = [];
  const nextSources = { ...sources };
  for (const [key, value] of Object.entries(incoming)) {
    if (value === null || value === undefined) continue;
    const existing = merged[key];
    const empty = existing === null || existing === undefined || (Array.isArray(existing) && existing.length === 0);
    const typedByPractitioner = !empty && nextSources[key] === undefined;
    if (typedByPractitioner) continue;
    // The same value again (a second matching run) is not a new fill: keep it quiet and keep its source.
    if (!empty && JSON.stringify(existing) === JSON.stringify(value)) continue;
    merged[key] = value;
    nextSources[key] = label;
    filled.push(key);
  }
  return { measures: merged as T, sources: nextSources, filled };
}

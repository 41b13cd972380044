import { z } from 'zod';
import { ageOn } from '../dates.ts';
import { levelOfNeed, type LevelOfNeed, type LevelOfNeedRules, type NeedForLevel } from '../level-of-need.ts';
import type { Role } from '../codes.ts';
import { extractFormats, isSourceKey } from './formats.ts';
import { roundHalfUp } from '../rounding.ts';

/**
 * From a household's linked records to what an analyst ranks on: each member's vulnerabilities
 * and statuses with dates and sources, the Troubled Families problems, the level of need,
 * eligibility, an estimated annual cost, a segment and the reasons in words. Pure.
 */

/** Troubled Families phase 2: the six headline problems. */
export const tfProblems = ['crime_asb', 'school', 'children_need_help', 'worklessness', 'domestic_abuse', 'health'] as const;
export type TfProblem = (typeof tfProblems)[number];
export const tfProblemLabels: Record<TfProblem, string> = {
  crime_asb: 'Crime or anti-social behaviour',
  school: 'Children not attending school regularly',
  children_need_help: 'Children who need help',
  worklessness: 'Worklessness or financial exclusion',
  domestic_abuse: 'Domestic violence or abuse',
  health: 'Physical or mental health problems',
};

export const segments = ['thriving', 'coping', 'not_coping', 'chaotic'] as const;
export type Segment = (typeof segments)[number];
export const segmentLabels: Record<Segment, string> = { thriving: 'Thriving', coping: 'Coping', not_coping: 'Not coping', chaotic: 'Chaotic' };

/** Local policy, so data: the defaults are Troubled Families phase 2 (two or more of the six problems). */
const whole = (field: string, min: number, max: number) =>
  z.number({ error: `${field} must be a whole number from ${min} to ${max}` }).int(`${field} must be a whole number from ${min} to ${max}`)
    .min(min, `${field} must be a whole number from ${min} to ${max}`).max(max, `${field} must be a whole number from ${min} to ${max}`);

export const identificationRulesSchema = z.object({
  name: z.string({ error: 'name must be text' }).min(1, 'Give the rules a name'),
  minimumProblems: whole('minimumProblems', 1, 6),
  problems: z.array(z.enum(tfProblems, { error: `problems must be from: ${tfProblems.join(', ')}` })).min(1, 'problems must list at least one problem'),
  requireChildren: z.boolean({ error: 'requireChildren must be true or false' }),
  /** School attendance below this percentage counts as not attending regularly. */
  attendanceBelow: z.number({ error: 'attendanceBelow must be a percentage from 0 to 100' }).min(0, 'attendanceBelow must be a percentage from 0 to 100').max(100, 'attendanceBelow must be a percentage from 0 to 100'),
  /** How far back an event counts as current, in days. */
  windowDays: whole('windowDays', 30, 1095),
  /** Problems at or above which a household is "not coping" and "chaotic". */
  notCopingFrom: whole('notCopingFrom', 1, 6),
  chaoticFrom: whole('chaoticFrom', 1, 6),
}).superRefine((r, ctx) => {
  // Checked with every other field, so every problem shows at once.
  if (r && typeof r === 'object' && typeof r.notCopingFrom === 'number' && typeof r.chaoticFrom === 'number' && r.notCopingFrom > r.chaoticFrom) {
    ctx.addIssue({ code: 'custom', path: ['notCopingFrom'], message: 'notCopingFrom must not be more than chaoticFrom' });
  }
}, { when: () => true });
export type IdentificationRules = z.infer<typeof identificationRulesSchema>;

export const defaultIdentificationRules: IdentificationRules = {
  name: 'Troubled Families phase 2: two or more of the six headline problems (default)',
  minimumProblems: 2,
  problems: [...tfProblems],
  requireChildren: true,
  attendanceBelow: 90,
  windowDays: 365,
  notCopingFrom: 2,
  chaoticFrom: 4,
};

export interface MemberRecord {
  source: string;
  recordRef: string;
  eventDate: string;
  fields: Record<string, string | number | boolean | null>;
}

export interface MemberFacts {
  personId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
  sex: 'F' | 'M' | null;
  records: readonly MemberRecord[];
}

export interface HouseholdFacts {
  householdId: string;
  members: readonly MemberFacts[];
}

/** One line of what a source says about a member. */
export interface Flag {
  text: string;
  source: string;
  date: string;
  problem: TfProblem | null;
  current: boolean;
}

/** A unit cost as the identification list uses it (whole pence). */
export interface CostRate {
  key: string;
  label: string;
  amountPence: number;
  unit: string;
}

export interface CostLine {
  key: string;
  label: string;
  quantity: number;
  unit: string;
  pence: number | null;
  who: string;
}

export interface MemberSummary {
  personId: string;
  name: string;
  dateOfBirth: string | null;
  age: number | null;
  isChild: boolean;
  /** 'mother', 'son', ... as the household's records suggest. */
  relation: string;
  flags: Flag[];
}

export interface HouseholdAssessment {
  householdId: string;
  members: MemberSummary[];
  problems: TfProblem[];
  eligible: boolean;
  level: LevelOfNeed;
  costPence: number;
  costLines: CostLine[];
  /** Cost keys with no unit cost in the table: counted, not priced. */
  uncosted: string[];
  segment: Segment;
  reasons: string;
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

const year = (iso: string) => iso.slice(0, 4);
const times = (n: number) => (n === 1 ? '' : ` x${n}`);
const pounds = (n: number) => `£${roundHalfUp(n).toLocaleString('en-GB')}`;

interface Derived {
  flags: Flag[];
  needs: { code: string | null; offending: boolean }[];
  costs: { key: string; quantity: number }[];
  /** Police domestic abuse incidents this adult was part of: costed once for the household, not once a person. */
  incidents: string[];
  statutory: boolean;
}

/** What one member's records say, source by source, in the practitioner's terms. */
function derive(member: MemberFacts, isChild: boolean, today: string, rules: IdentificationRules): Derived {
  const out: Derived = { flags: [], needs: [], costs: [], incidents: [], statutory: false };
  const recent = (d: string) => daysBetween(d, today) <= rules.windowDays && d <= today;
  const bySource = new Map<string, MemberRecord[]>();
  for (const r of member.records) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
  const label = (s: string) => (isSourceKey(s) ? extractFormats[s].label : s);

  const police = bySource.get('police-da') ?? [];
  if (police.length) {
    const current = police.filter((r) => recent(r.eventDate));
    const incidents = new Set(current.map((r) => String(r.fields.incident_ref ?? r.recordRef)));
    const latest = police.map((r) => r.eventDate).sort().at(-1)!;
    const childrenPresent = current.some((r) => r.fields.children_present === true || r.fields.role === 'child_present');
    const asChild = current.length > 0 && current.every((r) => r.fields.role === 'child_present');
    const text = current.length
      ? (asChild ? `present at police DA incidents${times(incidents.size)} in 12 months` : `police DA incidents${times(incidents.size)} in 12 months${childrenPresent ? ', children present' : ''}`)
      : `police DA incident ${year(latest)}`;
    out.flags.push({ text, source: label('police-da'), date: latest, problem: current.length ? 'domestic_abuse' : null, current: current.length > 0 });
    if (current.length && !asChild) {
      out.needs.push({ code: '3B', offending: false });
      out.incidents.push(...incidents);
    }
  }

  const school = (bySource.get('school') ?? []).slice().sort((a, b) => (a.eventDate < b.eventDate ? -1 : 1));
  const lastTerm = school.at(-1);
  if (lastTerm) {
    const current = recent(lastTerm.eventDate);
    const attendance = Number(lastTerm.fields.attendance_percent);
    const suspensions = school.filter((r) => recent(r.eventDate)).reduce((s, r) => s + Number(r.fields.suspensions ?? 0), 0);
    const excluded = school.some((r) => recent(r.eventDate) && r.fields.permanent_exclusion === true);
    const parts = [`${roundHalfUp(attendance)}% attendance`];
    if (suspensions) parts.push(`suspended${times(suspensions)}`);
    if (excluded) parts.push('permanently excluded');
    const problem = current && (attendance < rules.attendanceBelow || suspensions > 0 || excluded);
    out.flags.push({ text: parts.join(', '), source: label('school'), date: lastTerm.eventDate, problem: problem ? 'school' : null, current });
    if (current && (suspensions || excluded)) out.costs.push({ key: 'school_exclusion_event', quantity: suspensions + (excluded ? 1 : 0) });
  }

  for (const r of bySource.get('drug-alcohol') ?? []) {
    const end = r.fields.treatment_end as string | null;
    const current = recent(r.eventDate) || !end || recent(end);
    const substance = String(r.fields.substance);
    const what = substance === 'both' ? 'drug and alcohol' : substance === 'drugs' ? 'drug' : 'alcohol';
    out.flags.push({ text: `${what} treatment ${year(r.eventDate)}`, source: label('drug-alcohol'), date: r.eventDate, problem: current ? 'health' : null, current });
    if (current) {
      if (substance !== 'drugs') out.needs.push({ code: '1B', offending: false });
      if (substance !== 'alcohol') out.needs.push({ code: '2B', offending: false });
      out.costs.push({ key: 'community_drug_treatment_year', quantity: 1 });
    }
  }

  const mental = bySource.get('mental-health') ?? [];
  if (mental.length) {
    const current = mental.filter((r) => recent(r.eventDate));
    const latest = mental.map((r) => r.eventDate).sort().at(-1)!;
    out.flags.push({ text: current.length ? `mental health contacts${times(current.length)} in 12 months` : `mental health contact ${year(latest)}`, source: label('mental-health'), date: latest, problem: current.length ? 'health' : null, current: current.length > 0 });
    if (current.length) {
      out.needs.push({ code: '4B', offending: false });
      out.costs.push({ key: 'mental_health_contact_event', quantity: current.length });
    }
  }

  const youth = bySource.get('youth-offending') ?? [];
  if (youth.length) {
    const current = youth.filter((r) => recent(r.eventDate));
    const offences = current.filter((r) => r.fields.kind === 'proven_offence').length;
    const asb = current.length - offences;
    const latest = youth.map((r) => r.eventDate).sort().at(-1)!;
    const parts = [offences && `proven offences${times(offences)}`, asb && `anti-social behaviour${times(asb)}`].filter(Boolean);
    out.flags.push({ text: current.length ? `${parts.join(', ')} in 12 months` : `youth offending ${year(latest)}`, source: label('youth-offending'), date: latest, problem: current.length ? 'crime_asb' : null, current: current.length > 0 });
    if (current.length) {
      out.needs.push({ code: null, offending: true });
      out.costs.push({ key: 'youth_offending_event', quantity: current.length });
    }
  }

  const statuses = { LAC: 'looked after', CP: 'child protection plan', CIN: 'child in need' } as Record<string, string>;
  const costKeys = { LAC: 'child_in_care_year', CP: 'child_protection_plan_year', CIN: 'child_in_need_year' } as Record<string, string>;
  for (const r of bySource.get('social-care') ?? []) {
    const end = r.fields.end_date as string | null;
    const open = !end || end >= today;
    const status = String(r.fields.status);
    const current = open || recent(end!);
    out.flags.push({ text: open ? `${statuses[status]} since ${year(r.eventDate)}` : `${statuses[status]} ${year(r.eventDate)} to ${year(end!)}`, source: label('social-care'), date: r.eventDate, problem: current ? 'children_need_help' : null, current });
    if (open) {
      out.costs.push({ key: costKeys[status], quantity: 1 });
      if (status !== 'CIN') out.statutory = true;
    }
  }

  for (const r of bySource.get('housing') ?? []) {
    const current = recent(r.eventDate);
    const arrears = Number(r.fields.arrears_amount ?? 0);
    const notice = r.fields.eviction_notice_date as string | null;
    const parts = [arrears > 0 && `rent arrears ${pounds(arrears)}`, notice && `eviction notice ${year(notice)}`].filter(Boolean);
    if (!parts.length) continue;
    out.flags.push({ text: parts.join(', '), source: label('housing'), date: r.eventDate, problem: current ? 'worklessness' : null, current });
    if (current && notice && recent(notice)) out.costs.push({ key: 'eviction_event', quantity: 1 });
  }

  for (const r of bySource.get('worklessness') ?? []) {
    out.flags.push({ text: `out of work since ${year(r.eventDate)}`, source: label('worklessness'), date: r.eventDate, problem: isChild ? null : 'worklessness', current: !isChild });
    if (!isChild) out.costs.push({ key: 'out_of_work_benefits_year', quantity: 1 });
  }
  return out;
}

const unitWords: Record<string, [string, number]> = { year: ['year', 1], week: ['weeks', 52], month: ['months', 12], day: ['days', 365] };

/** Scores one household. `costs` is the unit-cost table (by key); missing keys are listed, not guessed. */
export function assessHousehold(
  household: HouseholdFacts, options: { today: string; rules?: IdentificationRules; levelRules?: LevelOfNeedRules; costs: ReadonlyMap<string, CostRate> },
): HouseholdAssessment {
  const rules = options.rules ?? defaultIdentificationRules;
  const { today } = options;
  const ages = household.members.map((m) => (m.dateOfBirth ? ageOn(m.dateOfBirth, today) : null));
  const childSources = new Set(['school', 'social-care', 'youth-offending']);
  const isChild = household.members.map((m, i) => (ages[i] !== null ? ages[i]! < 18 : m.records.every((r) => childSources.has(r.source) || r.fields.role === 'child_present')));
  const hasChildren = isChild.some(Boolean) || household.members.some((m) => m.records.some((r) => r.fields.parental_status === 'lives_with_children' || r.fields.is_parent === true));

  const members: MemberSummary[] = [];
  const needs: NeedForLevel[] = [];
  const problems = new Set<TfProblem>();
  const costLines: CostLine[] = [];
  const uncosted = new Set<string>();
  let statutory = false;
  const addCost = (key: string, count: number, who: string) => {
    const rate = options.costs.get(key);
    if (!rate) {
      uncosted.add(key);
      costLines.push({ key, label: key.replace(/_/g, ' '), quantity: count, unit: '', pence: null, who });
      return;
    }
    const [word, perYear] = unitWords[rate.unit] ?? ['', 1];
    const quantity = word ? count * perYear : count;
    costLines.push({ key, label: rate.label, quantity, unit: word || rate.unit, pence: roundHalfUp(quantity * rate.amountPence), who });
  };
  // One incident is one police call-out, whoever in the household was the victim or the perpetrator.
  const incidents = new Map<string, Set<string>>();
  household.members.forEach((m, i) => {
    const child = isChild[i];
    const relation = child ? (m.sex === 'F' ? 'daughter' : m.sex === 'M' ? 'son' : 'child') : hasChildren ? (m.sex === 'F' ? 'mother' : m.sex === 'M' ? 'father' : 'parent') : 'adult';
    const role: Role = child ? 'child' : !hasChildren ? 'other_adult' : m.sex === 'F' ? 'mother' : m.sex === 'M' ? 'father' : 'other_carer';
    const d = derive(m, child, today, rules);
    statutory ||= d.statutory;
    for (const f of d.flags) if (f.problem && rules.problems.includes(f.problem)) problems.add(f.problem);
    const name = `${m.firstName} ${m.lastName}`;
    for (const n of d.needs) needs.push({ personName: name, role, needType: n.offending ? 'offending' : 'cin_factor', code: n.code, isCurrent: true });
    for (const incident of d.incidents) incidents.set(incident, (incidents.get(incident) ?? new Set()).add(name));
    for (const c of d.costs) addCost(c.key, c.quantity, name);
    members.push({ personId: m.personId, name, dateOfBirth: m.dateOfBirth, age: ages[i], isChild: child, relation, flags: d.flags.sort((a, b) => (a.date < b.date ? 1 : -1)) });
  });

  if (incidents.size) {
    const involved = [...new Set([...incidents.values()].flatMap((people) => [...people]))];
    addCost('domestic_violence_incident', incidents.size, involved.length > 1 ? `${involved.slice(0, -1).join(', ')} and ${involved.at(-1)}` : involved[0]);
  }

  const problemList = tfProblems.filter((p) => problems.has(p));
  const count = problemList.length;
  const eligible = count >= rules.minimumProblems && (!rules.requireChildren || hasChildren);
  const segment: Segment = count >= rules.chaoticFrom || (statutory && count >= rules.chaoticFrom - 1) ? 'chaotic' : count >= rules.notCopingFrom ? 'not_coping' : count >= 1 ? 'coping' : 'thriving';
  // The reasons name what counts towards the problems; the household page shows everything else too.
  const counts = (f: Flag) => f.current && f.problem !== null && rules.problems.includes(f.problem);
  const reasons = members
    .filter((m) => m.flags.some(counts))
    .sort((a, b) => Number(a.isChild) - Number(b.isChild) || (b.age ?? 0) - (a.age ?? 0))
    .map((m) => `${m.relation}${m.isChild && m.age !== null ? ` (${m.age})` : ''}: ${m.flags.filter(counts).map((f) => f.text).join('; ')}`)
    .join('; ');
  return {
    householdId: household.householdId, members, problems: problemList, eligible,
    level: levelOfNeed(needs, options.levelRules), costPence: costLines.reduce((s, l) => s + (l.pence ?? 0), 0), costLines,
    uncosted: [...uncosted].sort(), segment, reasons,
  };
}

/** Most problems first, then the higher level of need, then the higher cost. */
export function rankHouseholds(list: readonly HouseholdAssessment[]): HouseholdAssessment[] {
  return list.slice().sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.problems.length - a.problems.length
    || b.level.level - a.level.level || b.costPence - a.costPence || (a.householdId < b.householdId ? -1 : 1));
}

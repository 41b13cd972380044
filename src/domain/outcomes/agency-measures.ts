/**
 * Outcome measures worked out from linked agency records (the identification work): for one
 * time point's date, what each built-in extract format can say about the window before it.
 *
 * Counts are filled only when the linked data holds at least one event in the window. An
 * extract that says nothing about a family may simply not cover that period, so silence is
 * never turned into a zero a report would read as "no incidents".
 */
import { addDays, addMonths, daysBetween } from '../casework/due.ts';
import type { LegalStatus } from '../codes.ts';
import { extractFormats, isSourceKey, type SourceKey } from '../identification/formats.ts';
import { nameScore } from '../names.ts';
import type { HouseholdMeasures, MemberMeasures } from './measures.ts';
import { roundHalfUp } from '../rounding.ts';

export type FieldValue = string | number | boolean | null;

export interface AgencyRecord {
  source: string;
  eventDate: string;
  fields: Record<string, FieldValue>;
}

/** One linked person (all their records across agencies) in a household matched to a Lantern family. */
export interface LinkedPersonRecords {
  personId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
  records: readonly AgencyRecord[];
}

/** A member of the Lantern family, as the matching needs them. */
export interface FamilyMember {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
}

/** What one source supplies for one time point: the label goes with every field it fills. */
export interface AgencyMeasureSet {
  source: SourceKey;
  label: string;
  household: Partial<HouseholdMeasures>;
  members: { personId: string; measures: Partial<MemberMeasures> }[];
}

/** Similar enough to be the same person when the date of birth is identical: nicknames (0.95) and small typos pass, a sibling's name does not. */
export const nameThreshold = 0.85;

/**
 * The Lantern member a linked person is: same date of birth and a similar name. When two members
 * share a date of birth (twins) the better name wins; a tie matches nobody rather than guess.
 */
export function matchMember(person: Pick<LinkedPersonRecords, 'firstName' | 'lastName' | 'dateOfBirth'>, members: readonly FamilyMember[]): string | null {
  if (!person.dateOfBirth) return null;
  const scored = members
    .filter((m) => m.dateOfBirth === person.dateOfBirth)
    .map((m) => ({ id: m.id, score: nameScore(person.firstName, person.lastName, m.givenName, m.familyName) }))
    .filter((m) => m.score >= nameThreshold)
    .sort((a, b) => b.score - a.score);
  if (!scored.length || (scored.length > 1 && scored[0].score === scored[1].score)) return null;
  return scored[0].id;
}

export const agencyLabel = (source: SourceKey) => `${extractFormats[source].label} (linked agency data)`;

const inWindow = (date: unknown, asOf: string, months: number): boolean =>
  typeof date === 'string' && date <= asOf && date > addMonths(asOf, -months);

/** A source's records up to the date: what happened after the time point never counts towards it. */
const bySource = (records: readonly AgencyRecord[], source: SourceKey, asOf: string) => records.filter((r) => r.source === source && r.eventDate <= asOf);

const str = (v: FieldValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);
const positive = (n: number) => (n > 0 ? n : undefined);

/** Whether a period [start, end] (end null: still open) covers a date. */
const covers = (start: string | null, end: string | null, date: string) => start !== null && start <= date && (end === null || end >= date);

const statusRank: Record<string, { status: LegalStatus; rank: number }> = {
  CIN: { status: 'child_in_need', rank: 1 }, CP: { status: 'child_protection_plan', rank: 2 }, LAC: { status: 'looked_after', rank: 3 },
};

function memberMeasures(source: SourceKey, records: readonly AgencyRecord[], asOf: string): Partial<MemberMeasures> {
  const own = bySource(records, source, asOf);
  const out: Partial<MemberMeasures> = {};
  if (source === 'school') {
    const recent = own.filter((r) => inWindow(r.eventDate, asOf, 6)).sort((a, b) => (a.eventDate < b.eventDate ? 1 : -1));
    const latest = recent.find((r) => typeof r.fields.attendance_percent === 'number');
    if (latest) out.attendancePercent = latest.fields.attendance_percent as number;
    const reported = recent.filter((r) => typeof r.fields.suspensions === 'number' || typeof r.fields.permanent_exclusion === 'boolean');
    // A school return that reports exclusions is evidence of the count, zero included.
    if (reported.length) out.exclusions = reported.reduce((n, r) => n + (Number(r.fields.suspensions) || 0) + (r.fields.permanent_exclusion === true ? 1 : 0), 0);
  }
  if (source === 'youth-offending') {
    const count = (kind: string, months: number) => positive(own.filter((r) => r.fields.kind === kind && inWindow(r.eventDate, asOf, months)).length);
    Object.assign(out, dropUndefined({
      offences6m: count('proven_offence', 6), offences12m: count('proven_offence', 12), asb6m: count('anti_social_behaviour', 6), asb12m: count('anti_social_behaviour', 12),
    }));
  }
  if (source === 'social-care') {
    const active = own.filter((r) => covers(str(r.fields.start_date), str(r.fields.end_date), asOf)).map((r) => statusRank[String(r.fields.status)]).filter(Boolean);
    if (active.length) out.legalStatus = active.sort((a, b) => b.rank - a.rank)[0].status;
    // Days Looked After within the 6 months before the date, overlapping periods counted once.
    const windowStart = addDays(addMonths(asOf, -6), 1);
    const days = new Set<string>();
    for (const r of own.filter((x) => x.fields.status === 'LAC')) {
      const start = str(r.fields.start_date);
      if (!start) continue;
      const from = start > windowStart ? start : windowStart;
      const end = str(r.fields.end_date);
      const to = end === null || end > asOf ? asOf : end;
      for (let i = 0; i <= daysBetween(from, to); i++) days.add(addDays(from, i));
    }
    if (days.size) out.daysInCare = days.size;
  }
  if (source === 'drug-alcohol') {
    // An episode open on the date is engagement; an ended one says nothing about completion (the format has no discharge reason).
    if (own.some((r) => covers(str(r.fields.treatment_start) ?? r.eventDate, str(r.fields.treatment_end), asOf))) out.substanceTreatment = 'engaged';
  }
  return out;
}

function householdMeasures(source: SourceKey, records: readonly AgencyRecord[], asOf: string): Partial<HouseholdMeasures> {
  const own = bySource(records, source, asOf);
  if (source === 'police-da') {
    // One incident has a row for each person involved: count incidents, not rows.
    const incidents = new Set(own.filter((r) => inWindow(r.eventDate, asOf, 6)).map((r) => str(r.fields.incident_ref) ?? `${r.eventDate}`));
    return dropUndefined({ domesticAbuseIncidents: positive(incidents.size) });
  }
  if (source === 'housing') {
    const recent = own.filter((r) => inWindow(r.eventDate, asOf, 6)).sort((a, b) => (a.eventDate < b.eventDate ? 1 : -1));
    const latest = recent.find((r) => typeof r.fields.arrears_amount === 'number');
    const notices = new Set(own.map((r) => str(r.fields.eviction_notice_date)).filter((d): d is string => d !== null && inWindow(d, asOf, 6)));
    return dropUndefined({ rentArrears: latest ? roundHalfUp(latest.fields.arrears_amount as number) : undefined, evictionNotices: positive(notices.size) });
  }
  return {};
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const memberSources: readonly SourceKey[] = ['school', 'youth-offending', 'social-care', 'drug-alcohol'];
const householdSources: readonly SourceKey[] = ['police-da', 'housing'];

/**
 * The measures linked agency data supplies for a family at one time point's date, one set per
 * source. Household counts use every linked person in the household; a member's measures only
 * the records of the linked person matched to them.
 */
export function agencyMeasures(asOf: string, people: readonly LinkedPersonRecords[], members: readonly FamilyMember[]): AgencyMeasureSet[] {
  const all = people.flatMap((p) => p.records).filter((r) => isSourceKey(r.source));
  const matched = new Map<string, AgencyRecord[]>();
  for (const p of people) {
    const id = matchMember(p, members);
    if (id) matched.set(id, [...(matched.get(id) ?? []), ...p.records]);
  }
  const sets: AgencyMeasureSet[] = [];
  for (const source of [...householdSources, ...memberSources]) {
    const household = householdSources.includes(source) ? householdMeasures(source, all, asOf) : {};
    const fromMembers = memberSources.includes(source)
      ? [...matched].map(([personId, records]) => ({ personId, measures: memberMeasures(source, records, asOf) })).filter((m) => Object.keys(m.measures).length)
      : [];
    if (Object.keys(household).length || fromMembers.length) sets.push({ source, label: agencyLabel(source), household, members: fromMembers });
  }
  return sets;
}

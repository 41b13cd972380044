/**
 * Keeping cases moving: what is due and overdue on a case, the drift signals a manager watches,
 * the follow-up schedule after closure, and the re-referral rule. Pure functions of the case's
 * facts and the moment "now": no database, no clock.
 *
 * Dates are 'YYYY-MM-DD'; instants are ISO strings (or Dates). Days are counted in UK time.
 */
import { formatDate } from '../dates.ts';
import type { CaseState } from './lifecycle.ts';
import { count } from '../plural.ts';

const DAY = 86_400_000;
const zone = 'Europe/London';
const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

// ---------------------------------------------------------------------------------------------
// Dates

function utc(iso: string): number {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UK calendar date of an instant; a plain date is returned as it is. */
export function ukDate(value: string | Date): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  return dateFormat.format(typeof value === 'string' ? new Date(value) : value);
}

/** The UK clock time of an instant, 'HH:MM'. */
export function ukTime(value: string | Date): string {
  return timeFormat.format(typeof value === 'string' ? new Date(value) : value);
}

export function addDays(date: string, days: number): string {
  return iso(utc(date) + days * DAY);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to) - utc(from)) / DAY);
}

/** Calendar months later, kept inside the month: 31 January + 1 month is 28 (or 29) February. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return iso(Date.UTC(year, month, Math.min(d, lastDay)));
}


// ---------------------------------------------------------------------------------------------
// Due items

/** How pressing something is: past its deadline, due today, due within 7 days, or later. */
export type Severity = 'overdue' | 'due_today' | 'due_soon' | 'upcoming';
export const severities: readonly Severity[] = ['overdue', 'due_today', 'due_soon', 'upcoming'];
export const severityLabels: Record<Severity, string> = { overdue: 'Overdue', due_today: 'Due today', due_soon: 'Due soon', upcoming: 'Coming up' };
/** "Due soon" means within this many days. */
export const dueSoonDays = 7;

export type DueKind = 'first_visit' | 'contact' | 'plan' | 'plan_review' | 'plan_action' | 'follow_up' | (string & {});

/** Something due on a case, as any module reports it (plans, contacts, follow-ups). */
export interface DueSourceItem {
  caseId: string;
  kind: DueKind;
  /** The day it is due, 'YYYY-MM-DD'. */
  dueOn: string;
  /** The deadline's exact moment when it has one (the first visit's 72 hours), as an ISO instant. */
  dueAt?: string | null;
  /** What is due, in a practitioner's words: "Review the family plan". */
  label: string;
  /** Where to do it, when the reporting module has a page for it. */
  href?: string | null;
  /** The record it is about (a plan action, a follow-up), when there is one. */
  recordId?: string | null;
}

export interface DueItem extends DueSourceItem {
  dueAt: string | null;
  severity: Severity;
  /** "overdue by 1 day", "due today", "due in 3 days", "due on 3 December 2026". */
  status: string;
  /** The label and the status together: "First visit due within 72 hours of referral: overdue by 1 day". */
  text: string;
}

/** How pressing a deadline is at `now`, and the words for it. */
export function assess(dueOn: string, dueAt: string | null | undefined, now: string | Date): { severity: Severity; status: string } {
  const today = ukDate(now);
  const nowMs = typeof now === 'string' ? Date.parse(now.length === 10 ? `${now}T00:00:00Z` : now) : now.getTime();
  const days = daysBetween(today, dueOn);
  if (dueAt && days === 0) {
    const at = ukTime(dueAt);
    return Date.parse(dueAt) < nowMs ? { severity: 'overdue', status: `overdue since ${at} today` } : { severity: 'due_today', status: `due today by ${at}` };
  }
  if (days < 0) return { severity: 'overdue', status: `overdue by ${count(-days, 'day')}` };
  if (days === 0) return { severity: 'due_today', status: 'due today' };
  if (days === 1) return { severity: 'due_soon', status: 'due tomorrow' };
  if (days <= dueSoonDays) return { severity: 'due_soon', status: `due in ${count(days, 'day')}` };
  return { severity: 'upcoming', status: `due on ${formatDate(dueOn)}` };
}

export function toDueItem(source: DueSourceItem, now: string | Date): DueItem {
  const dueAt = source.dueAt ?? null;
  const dueOn = dueAt ? ukDate(dueAt) : source.dueOn;
  const { severity, status } = assess(dueOn, dueAt, now);
  return { ...source, dueOn, dueAt, severity, status, text: `${source.label}: ${status}` };
}

/** Soonest first; at the same moment, the more pressing kind first. */
export function bySoonest(a: DueItem, b: DueItem): number {
  const key = (i: DueItem) => i.dueAt ?? `${i.dueOn}T23:59:59.999Z`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : severities.indexOf(a.severity) - severities.indexOf(b.severity);
}

/** The programme's timings that decide what is due. */
export interface ProgrammeTimings {
  name: string;
  durationWeeks: number;
  firstVisitHours: number;
  reviewIntervalDays: number;
  noContactAlertDays: number;
  followUpMonths: readonly number[];
}

export interface FollowUpFacts {
  id: string;
  monthsAfter: number;
  dueOn: string;
  doneOn: string | null;
}

/** Everything known about one case that bears on what is due. */
export interface CaseFacts {
  caseId: string;
  state: CaseState;
  programme: ProgrammeTimings;
  /** When the referral was received (an instant). */
  referredAt: string;
  /** The stored first-visit deadline; without it, referral + the programme's first-visit hours. */
  firstVisitDueAt?: string | null;
  openedAt: string;
  allocatedAt: string | null;
  /** The first home visit (or, without the contacts module, the first recorded contact). */
  firstVisitAt: string | null;
  lastContactAt: string | null;
  /** When the plan was first agreed, and last agreed or reviewed (from the case's events). */
  planAgreedAt: string | null;
  lastReviewAt: string | null;
  /** The next review date the plans module holds, when it reports one. */
  nextReviewOn?: string | null;
  followUps?: readonly FollowUpFacts[];
  /** Items other modules report for this case (plan reviews, plan actions). */
  reported?: readonly DueSourceItem[];
}

const workingStates: readonly CaseState[] = ['allocated', 'assessment', 'planning', 'intervention'];
const beforePlan: readonly CaseState[] = ['allocated', 'assessment', 'planning'];

/** Deadline for the first visit: the referral plus the programme's hours, to the minute. */
export function firstVisitDeadline(referredAt: string, hours: number): string {
  return new Date(Date.parse(referredAt) + hours * 3_600_000).toISOString();
}

function hoursLabel(hours: number): string {
  return hours % 24 === 0 && hours > 72 ? count(hours / 24, 'day') : count(hours, 'hour');
}

/** The review date the case's own events imply: last agreement or review + the interval. */
function reviewDueOn(f: CaseFacts): string | null {
  if (f.nextReviewOn) return f.nextReviewOn;
  const last = f.lastReviewAt ?? f.planAgreedAt;
  return last ? addDays(ukDate(last), f.programme.reviewIntervalDays) : null;
}

/** Everything due on a case, soonest first, each with its severity and a plain label. */
export function dueItems(f: CaseFacts, now: string | Date): DueItem[] {
  const p = f.programme;
  const items: DueSourceItem[] = [];
  const reported = f.reported ?? [];
  const open = f.state !== 'closed';

  if (open && !f.firstVisitAt) {
    const dueAt = f.firstVisitDueAt ?? firstVisitDeadline(f.referredAt, p.firstVisitHours);
    items.push({ caseId: f.caseId, kind: 'first_visit', dueOn: ukDate(dueAt), dueAt, label: `First visit due within ${hoursLabel(p.firstVisitHours)} of referral` });
  }
  if (workingStates.includes(f.state) && (f.firstVisitAt || f.lastContactAt)) {
    const last = [f.lastContactAt, f.firstVisitAt].filter((d): d is string => Boolean(d)).map(ukDate).sort().at(-1)!;
    items.push({ caseId: f.caseId, kind: 'contact', dueOn: addDays(last, p.noContactAlertDays), label: `Contact with the family (at least every ${count(p.noContactAlertDays, 'day')})` });
  }
  if (beforePlan.includes(f.state) && f.allocatedAt && !reported.some((r) => r.kind === 'plan')) {
    items.push({ caseId: f.caseId, kind: 'plan', dueOn: addDays(ukDate(f.allocatedAt), p.reviewIntervalDays), label: `Family plan agreed within ${count(p.reviewIntervalDays, 'day')} of allocation` });
  }
  if (f.state === 'intervention' && !reported.some((r) => r.kind === 'plan_review')) {
    const due = reviewDueOn(f);
    if (due) items.push({ caseId: f.caseId, kind: 'plan_review', dueOn: due, label: 'Review of the family plan' });
  }
  for (const fu of f.followUps ?? []) {
    if (fu.doneOn) continue;
    items.push({ caseId: f.caseId, kind: 'follow_up', dueOn: fu.dueOn, label: `${fu.monthsAfter}-month follow-up after closure`, recordId: fu.id });
  }
  items.push(...reported.filter((r) => r.caseId === f.caseId));
  return items.map((i) => toDueItem(i, now)).sort(bySoonest);
}

export function countBySeverity(items: readonly DueItem[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { overdue: 0, due_today: 0, due_soon: 0, upcoming: 0 };
  for (const i of items) counts[i.severity] += 1;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Drift

export type DriftKind = 'first_visit_overdue' | 'no_contact' | 'review_overdue' | 'no_plan' | 'past_duration';
export const driftKinds: readonly DriftKind[] = ['first_visit_overdue', 'no_contact', 'review_overdue', 'no_plan', 'past_duration'];
export const driftKindLabels: Record<DriftKind, string> = {
  first_visit_overdue: 'First visit overdue', no_contact: 'No contact', review_overdue: 'Review overdue', no_plan: 'No plan', past_duration: 'Past programme length',
};

export interface DriftSignal {
  kind: DriftKind;
  /** For a manager: "No contact for 9 days (the programme expects contact at least every 7 days)". */
  text: string;
}

/** Signs that a case is drifting, for managers: each names what has not happened and for how long. */
export function driftSignals(f: CaseFacts, now: string | Date): DriftSignal[] {
  if (f.state === 'closed') return [];
  const p = f.programme;
  const today = ukDate(now);
  const signals: DriftSignal[] = [];
  const items = dueItems(f, now);

  const firstVisit = items.find((i) => i.kind === 'first_visit');
  if (firstVisit?.severity === 'overdue') signals.push({ kind: 'first_visit_overdue', text: `First visit ${firstVisit.status} (due within ${hoursLabel(p.firstVisitHours)} of referral)` });

  if (workingStates.includes(f.state)) {
    const contacts = [f.lastContactAt, f.firstVisitAt].filter((d): d is string => Boolean(d)).map(ukDate).sort();
    const since = contacts.at(-1) ?? (f.allocatedAt ? ukDate(f.allocatedAt) : null);
    if (since) {
      const days = daysBetween(since, today);
      if (days > p.noContactAlertDays) {
        signals.push({
          kind: 'no_contact',
          text: contacts.length
            ? `No contact for ${count(days, 'day')} (the programme expects contact at least every ${count(p.noContactAlertDays, 'day')})`
            : `No contact since allocation ${count(days, 'day')} ago (the programme expects contact at least every ${count(p.noContactAlertDays, 'day')})`,
        });
      }
    }
  }

  const review = items.find((i) => i.kind === 'plan_review');
  if (f.state === 'intervention' && review?.severity === 'overdue') signals.push({ kind: 'review_overdue', text: `Plan review ${review.status}` });

  if (beforePlan.includes(f.state) && f.allocatedAt) {
    const days = daysBetween(ukDate(f.allocatedAt), today);
    if (days > p.reviewIntervalDays) signals.push({ kind: 'no_plan', text: `No plan agreed ${count(days, 'day')} after allocation (expected within ${count(p.reviewIntervalDays, 'day')})` });
  }

  const openDays = daysBetween(ukDate(f.openedAt), today);
  if (openDays > p.durationWeeks * 7) {
    signals.push({ kind: 'past_duration', text: `Open ${count(Math.floor(openDays / 7), 'week')}: longer than the ${count(p.durationWeeks, 'week')} ${p.name} runs for` });
  }
  return signals;
}

/**
 * The latest date a plan review may be set for: the day the programme ends (opened plus its
 * weeks), or, for a case already running past its end, one review interval from today. A review
 * after the family's programme has ended would never happen.
 */
export function latestReviewDate(openedAt: string, programme: { name: string; durationWeeks: number; reviewIntervalDays: number }, today: string): { latest: string; why: string } {
  const ends = addDays(ukDate(openedAt), programme.durationWeeks * 7);
  if (ends > today) return { latest: ends, why: `when the ${count(programme.durationWeeks, 'week')} of ${programme.name} end` };
  const latest = addDays(today, programme.reviewIntervalDays);
  return { latest, why: `${count(programme.reviewIntervalDays, 'day')} from today: the case has run past the ${count(programme.durationWeeks, 'week')} of ${programme.name}` };
}

// ---------------------------------------------------------------------------------------------
// Caseloads

export type CaseloadStatus = 'under' | 'at' | 'over';
export function caseloadStatus(open: number, limit: number): CaseloadStatus {
  return open > limit ? 'over' : open === limit ? 'at' : 'under';
}

export interface Caseload {
  open: number;
  /** The lowest caseload limit among the programmes of these cases; null with no open cases. */
  limit: number | null;
  status: CaseloadStatus;
}

/**
 * The one caseload rule, used at allocation and on Team work: all of a worker's open cases,
 * counted against the lowest caseload limit among the programmes of those cases (a worker
 * holding one Option 2 case, limit 2, is over the limit with three cases of any programme).
 * `programmeLimits` holds one limit per open case.
 */
export function caseload(programmeLimits: readonly number[]): Caseload {
  const limit = programmeLimits.length ? Math.min(...programmeLimits) : null;
  return { open: programmeLimits.length, limit, status: limit === null ? 'under' : caseloadStatus(programmeLimits.length, limit) };
}

// ---------------------------------------------------------------------------------------------
// Closure: the follow-up schedule and re-referrals

export const defaultFollowUpMonths: readonly number[] = [1, 3, 6, 12];

/** Follow-ups after closure, each counted from the closure date (not from the one before). */
export function followUpSchedule(closedOn: string, months: readonly number[] = defaultFollowUpMonths): { monthsAfter: number; dueOn: string }[] {
  return [...new Set(months)].filter((m) => Number.isInteger(m) && m > 0).sort((a, b) => a - b)
    .map((monthsAfter) => ({ monthsAfter, dueOn: addMonths(ukDate(closedOn), monthsAfter) }));
}

/**
 * The most recent closure no more than 12 months before the referral (exactly 12 months counts),
 * or null. Closures after the referral day are not earlier involvement and are ignored.
 */
export function latestClosureWithin12Months(previousClosures: readonly string[], referredOn: string): string | null {
  const referred = ukDate(referredOn);
  const within = previousClosures.map(ukDate).filter((closed) => closed <= referred && addMonths(closed, 12) >= referred).sort();
  return within.at(-1) ?? null;
}

/** True when the family's case was closed no more than 12 months before this referral. */
export function reReferralWithin12Months(previousClosures: string[], referredOn: string): boolean {
  return latestClosureWithin12Months(previousClosures, referredOn) !== null;
}

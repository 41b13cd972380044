/**
 * Contacts (visits, calls, meetings) and their intensity against the family's programme.
 * Pure functions: dates are 'YYYY-MM-DD', clock times 'HH:MM' (UK local time, as the
 * practitioner typed them). No database, no clock.
 */
import { fixed, roundFraction } from '../rounding.ts';
import { count } from '../plural.ts';


export const contactTypes = ['home_visit', 'office_visit', 'phone_call', 'video_call', 'meeting', 'other'] as const;
export type ContactType = (typeof contactTypes)[number];

export const contactTypeLabels: Record<ContactType, string> = {
  home_visit: 'Home visit',
  office_visit: 'Office visit',
  phone_call: 'Phone call',
  video_call: 'Video call',
  meeting: 'Meeting (for example, team around the family)',
  other: 'Other',
};

/** Short labels for lists and the chronology. */
export const contactTypeShortLabels: Record<ContactType, string> = {
  home_visit: 'Home visit', office_visit: 'Office visit', phone_call: 'Phone call', video_call: 'Video call', meeting: 'Meeting', other: 'Other contact',
};

/** The contacts that count as a programme's "visits a week": face-to-face time with the family. */
export const visitTypes: readonly ContactType[] = ['home_visit', 'office_visit'];

/** The time zone practitioners record contacts in. */
export const localTimeZone = 'Europe/London';

/**
 * The default out-of-hours rule: a contact that starts before the working day, ends after it,
 * runs past midnight, or happens on a Saturday or Sunday. Local policy may change these values;
 * the practitioner can always correct the answer for one contact.
 */
export const outOfHoursRule = { dayStarts: '07:30', dayEnds: '20:00', weekendsAreOutOfHours: true } as const;
export type OutOfHoursRule = { dayStarts: string; dayEnds: string; weekendsAreOutOfHours: boolean };

/** The longest contact that may be recorded, so a mistyped time cannot add a day to the week's hours. */
export const longestContactMinutes = 12 * 60;

const DAY = 86_400_000;

/**
 * A time as typed ('9:30', '09:30', '9.30', '0930', '14', '2pm', '2:30 pm', 'midday') → 'HH:MM',
 * or null when it is not a real time.
 */
export function parseTime(input: string): string | null {
  const value = input.trim().toLowerCase().replace(/\s+/g, '');
  if (value === 'midday' || value === 'noon' || value === '12noon') return '12:00';
  if (value === 'midnight') return '00:00';
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?(am|pm)?$/.exec(value);
  if (!m) return null;
  let hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  const suffix = m[3];
  if (minutes > 59) return null;
  if (suffix) {
    if (hours < 1 || hours > 12) return null;
    if (suffix === 'am' && hours === 12) hours = 0;
    if (suffix === 'pm' && hours !== 12) hours += 12;
  }
  if (hours > 23) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** Minutes from start to end; an end before the start means the contact ran past midnight. */
export function durationMinutes(start: string, end: string): number {
  const d = minutesOf(end) - minutesOf(start);
  return d > 0 ? d : d + 24 * 60;
}

/** '1 hour 30 minutes', '45 minutes', '2 hours'. */
export function describeDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? count(h, 'hour') : '', m ? count(m, 'minute') : ''].filter(Boolean);
  return parts.join(' ') || '0 minutes';
}

function utc(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(utc(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The ISO week (Monday to Sunday) that contains the date. */
export function isoWeek(date: string): { start: string; end: string } {
  const start = utc(date) - (isoWeekday(date) - 1) * DAY;
  return { start: isoDate(start), end: isoDate(start + 6 * DAY) };
}

export interface ContactTimes {
  date: string;
  startTime: string;
  endTime: string;
}

/** What the out-of-hours rule says about a contact, before any correction by the practitioner. */
export function isOutOfHours(contact: ContactTimes, rule: OutOfHoursRule = outOfHoursRule): boolean {
  if (rule.weekendsAreOutOfHours && isoWeekday(contact.date) >= 6) return true;
  const start = minutesOf(contact.startTime);
  const end = minutesOf(contact.endTime);
  if (end <= start) return true; // ran past midnight
  return start < minutesOf(rule.dayStarts) || end > minutesOf(rule.dayEnds);
}

/** The rule in words, for the contact form's hint. */
export function describeOutOfHoursRule(rule: OutOfHoursRule = outOfHoursRule): string {
  return `before ${rule.dayStarts}, after ${rule.dayEnds}${rule.weekendsAreOutOfHours ? ', or on a Saturday or Sunday' : ''}`;
}

export interface ProgrammeIntensity {
  name: string;
  maxHoursPerWeek: number;
  minVisitsPerWeek: number;
  maxVisitsPerWeek: number;
}

export interface IntensityContact extends ContactTimes {
  type: ContactType;
}

export interface Intensity {
  weekStart: string;
  weekEnd: string;
  minutes: number;
  /** Hours to one decimal place. */
  hours: number;
  maxHours: number;
  visits: number;
  minVisits: number;
  maxVisits: number;
  overMaxHours: boolean;
  belowMinVisits: boolean;
  overMaxVisits: boolean;
  hoursText: string;
  visitsText: string;
  warnings: string[];
}


function formatHours(hours: number): string {
  return Number.isInteger(hours) ? String(hours) : fixed(hours, 1);
}

/**
 * Hours of contact and visits in the ISO week containing `day`, against the programme's
 * maximum hours and expected range of visits, with a plain warning for each limit crossed.
 * A contact counts in the week of the day it started.
 */
export function weeklyIntensity(contacts: readonly IntensityContact[], programme: ProgrammeIntensity, day: string): Intensity {
  const week = isoWeek(day);
  const inWeek = contacts.filter((c) => c.date >= week.start && c.date <= week.end);
  const minutes = inWeek.reduce((sum, c) => sum + durationMinutes(c.startTime, c.endTime), 0);
  const hours = roundFraction(minutes, 60, 1);
  const visits = inWeek.filter((c) => visitTypes.includes(c.type)).length;
  const maxHours = programme.maxHoursPerWeek;
  const { minVisitsPerWeek: minVisits, maxVisitsPerWeek: maxVisits } = programme;
  const overMaxHours = minutes > maxHours * 60;
  const belowMinVisits = visits < minVisits;
  const overMaxVisits = visits > maxVisits;
  const range = minVisits === maxVisits ? `${minVisits}` : `${minVisits} to ${maxVisits}`;
  const warnings: string[] = [];
  if (overMaxHours) {
    warnings.push(`${formatHours(hours)} hours of contact this week is over the ${programme.name} maximum of ${formatHours(maxHours)} hours a week.`);
  }
  if (belowMinVisits) {
    warnings.push(`${count(visits, 'visit')} this week is below the ${programme.name} minimum: it expects ${range} visits a week.`);
  }
  if (overMaxVisits) {
    warnings.push(`${count(visits, 'visit')} this week is more than ${programme.name} expects (${range} a week).`);
  }
  return {
    weekStart: week.start, weekEnd: week.end, minutes, hours, maxHours, visits, minVisits, maxVisits,
    overMaxHours, belowMinVisits, overMaxVisits,
    hoursText: `${formatHours(hours)} of ${formatHours(maxHours)} hours`,
    visitsText: `${visits} (expected ${range})`,
    warnings,
  };
}

import { count } from './plural.ts';

/** Whole years between a date of birth and a day, both 'YYYY-MM-DD'. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2015-01-31' → '31 January 2015', the GOV.UK date style. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return `${d} ${months[m - 1]} ${y}`;
}

/** A description of age for people and unborn babies, e.g. '7 years', '5 months', 'due 3 March 2027'. */
export function describeAge(member: { dateOfBirth: string | null; expectedDate: string | null }, today: string): string {
  if (!member.dateOfBirth) return member.expectedDate ? `Due ${formatDate(member.expectedDate)}` : 'Not known';
  const years = ageOn(member.dateOfBirth, today);
  if (years >= 2) return count(years, 'year');
  const [by, bm, bd] = member.dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let months = (ty - by) * 12 + (tm - bm);
  if (td < bd) months -= 1;
  return count(Math.max(months, 0), 'month');
}

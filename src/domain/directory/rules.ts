/** The directory's rules: when an entry is stale, when a service is free, open at weekends or in the evening. */
import { addMonths } from '../casework/due.ts';

/** An entry not checked for 12 months is stale: editors are told, and the public sees a warning. */
export function isStale(assuredDate: string | null, today: string): boolean {
  return !assuredDate || assuredDate <= addMonths(today, -12);
}

interface ScheduleTimes { byday: string | null; opens_at: string | null; closes_at: string | null }

export function opensAtWeekends(schedules: readonly ScheduleTimes[]): boolean {
  return schedules.some((s) => (s.byday ?? '').split(',').some((d) => d === 'SA' || d === 'SU'));
}

/** Open after 6pm on some day (a family that works days can go). */
export function opensInEvenings(schedules: readonly ScheduleTimes[]): boolean {
  return schedules.some((s) => (s.closes_at !== null && s.closes_at > '18:00') || (s.opens_at !== null && s.opens_at >= '17:00'));
}

/** Free unless some cost option names an amount above zero. */
export function isFree(costOptions: readonly Record<string, unknown>[]): boolean {
  return !costOptions.some((c) => typeof c.amount === 'number' && c.amount > 0);
}

const dayNames: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };

/** 'Monday and Thursday, 9:30am to 11:30am' */
export function scheduleText(s: ScheduleTimes & { description?: string | null }): string {
  const days = (s.byday ?? '').split(',').filter((d) => dayNames[d]).map((d) => dayNames[d]);
  const dayText = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : days[0] ?? '';
  const times = s.opens_at && s.closes_at ? `${clockText(s.opens_at)} to ${clockText(s.closes_at)}` : '';
  return [dayText, times].filter(Boolean).join(', ') || s.description || '';
}

function clockText(time: string): string {
  const [h, m] = time.split(':').map(Number);
  const suffix = h >= 12 ? 'pm' : 'am';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour}${suffix}` : `${hour}:${String(m).padStart(2, '0')}${suffix}`;
}

/** Ages as a family reads them: 'Ages 0 to 5', 'Ages 16 and over', 'All ages'. */
export function agesText(minimum: number | null, maximum: number | null): string {
  if (minimum === null && maximum === null) return 'All ages';
  if (maximum === null) return `Ages ${minimum} and over`;
  if (minimum === null || minimum === 0) return `Ages up to ${maximum}`;
  return `Ages ${minimum} to ${maximum}`;
}

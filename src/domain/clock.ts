/**
 * What time it is, as Lantern's rules see it. The interface and the calendar arithmetic are pure;
 * the one implementation that reads the machine's clock is `src/clock.ts`, made once in the
 * composition root and handed to every service, route, job and command.
 */
export interface Clock {
  /** Today's date in Europe/London, 'YYYY-MM-DD'. */
  today(): string;
  /** The instant. */
  now(): Date;
  /** The real instant, never shifted: security time such as one-time codes, which phones make from it. */
  real(): Date;
}

const zone = 'Europe/London';
const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

/** The Europe/London calendar date of an instant (not the UTC date, which is a day behind just after midnight in summer). */
export function londonDate(instant: Date): string {
  return dateFormat.format(instant);
}

/** How far London's wall clock is ahead of UTC at an instant, in milliseconds (0 in winter, one hour in summer). */
function londonOffset(instant: Date): number {
  const p = Object.fromEntries(partsFormat.formatToParts(instant).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant at which London's wall clock shows this date and time ('HH:MM' or 'HH:MM:SS'). */
export function londonInstant(date: string, time = '00:00'): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm, ss] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm, ss || 0);
  // Two passes settle the offset on either side of a change between GMT and BST.
  let instant = wall - londonOffset(new Date(wall));
  instant = wall - londonOffset(new Date(instant));
  return new Date(instant);
}

/** London's wall-clock time of an instant, 'HH:MM:SS'. */
export function londonTime(instant: Date): string {
  const p = Object.fromEntries(partsFormat.formatToParts(instant).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute}:${p.second}`;
}

/**
 * A clock that runs from a shifted start: `realNow` is read on every call, and the shift puts the
 * first reading at `date` (and `time`, or the same London wall-clock time as the real one). Time
 * keeps running from there, so a demo on a fixed date still sees minutes pass.
 */
export function shiftedClock(realNow: () => number, date: string, time?: string): Clock {
  const start = new Date(realNow());
  const offset = londonInstant(date, time ?? londonTime(start)).getTime() - start.getTime();
  const now = () => new Date(realNow() + offset);
  return { now, today: () => londonDate(now()), real: () => new Date(realNow()) };
}

/** A clock over a source of real time, with no shift. */
export function runningClock(realNow: () => number): Clock {
  const now = () => new Date(realNow());
  return { now, today: () => londonDate(now()), real: now };
}

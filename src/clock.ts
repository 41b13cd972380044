import { runningClock, shiftedClock, type Clock } from './domain/clock.ts';

/**
 * The only reader of the machine's clock. Made once in the composition root (the command line's
 * `start` and every other command, or a test's harness) and passed down; nothing else asks the
 * machine what time it is for a business date or time.
 *
 * `today` ('YYYY-MM-DD', from LANTERN_TODAY or --today) starts the clock on that date at the real
 * London time of day, and it runs on from there; `time` pins the starting time of day as well.
 */
export function makeClock(options: { today?: string; time?: string } = {}): Clock {
  const real = () => Date.now();
  return options.today ? shiftedClock(real, options.today, options.time) : runningClock(real);
}

export type { Clock } from './domain/clock.ts';

import { makeClock } from '../../src/clock.ts';
import type { Clock } from '../../src/domain/clock.ts';

/** The date every test runs on, whatever the machine's date: tests pass on any day. */
export const TEST_TODAY = '2026-11-25';

/** The clock tests give the app: it starts at midday (London) on `today` and runs on from there. */
export function testClock(today: string = TEST_TODAY): Clock {
  return makeClock({ today, time: '12:00' });
}

import { describe, expect, it } from 'vitest';
import { londonDate, londonInstant, shiftedClock, runningClock } from './clock.ts';

describe('the clock', () => {
  it('gives the London date, not the UTC date, just after midnight in summer', () => {
    expect(londonDate(new Date('2027-07-14T23:30:00Z'))).toBe('2027-07-15');
    expect(londonDate(new Date('2027-12-14T23:30:00Z'))).toBe('2027-12-14');
  });

  it('finds the instant of a London wall-clock time in summer and in winter', () => {
    expect(londonInstant('2027-07-15', '09:30').toISOString()).toBe('2027-07-15T08:30:00.000Z');
    expect(londonInstant('2027-01-15', '09:30').toISOString()).toBe('2027-01-15T09:30:00.000Z');
    expect(londonInstant('2028-02-29', '00:00').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('starts a shifted clock on the date asked for and keeps it running', () => {
    let real = Date.parse('2026-12-04T16:00:00Z');
    const clock = shiftedClock(() => real, '2028-02-29', '12:00');
    expect(clock.today()).toBe('2028-02-29');
    expect(clock.now().toISOString()).toBe('2028-02-29T12:00:00.000Z');
    real += 90 * 60_000;
    expect(clock.now().toISOString()).toBe('2028-02-29T13:30:00.000Z');
    real += 12 * 3_600_000;
    expect(clock.today()).toBe('2028-03-01');
  });

  it('keeps the real London time of day when no time is given, across a change of season', () => {
    const real = Date.parse('2026-12-04T23:30:00Z');
    const clock = shiftedClock(() => real, '2027-07-01');
    expect(clock.today()).toBe('2027-07-01');
    expect(clock.now().toISOString()).toBe('2027-07-01T22:30:00.000Z');
  });

  it('reads real time through a running clock', () => {
    const clock = runningClock(() => Date.parse('2027-06-30T23:15:00Z'));
    expect(clock.today()).toBe('2027-07-01');
  });
});

import { describe, expect, it } from 'vitest';
import {
  describeDuration, describeOutOfHoursRule, durationMinutes, isOutOfHours, isoWeek, parseTime, weeklyIntensity,
  type IntensityContact, type ProgrammeIntensity,
} from './intensity.ts';

const earlyIntervention: ProgrammeIntensity = { name: 'Early intervention', maxHoursPerWeek: 15, minVisitsPerWeek: 2, maxVisitsPerWeek: 3 };
const contact = (date: string, startTime: string, endTime: string, type: IntensityContact['type'] = 'home_visit'): IntensityContact => ({ date, startTime, endTime, type });

describe('times as practitioners type them', () => {
  it('reads the 24-hour and 12-hour clock', () => {
    expect(parseTime('9:30')).toBe('09:30');
    expect(parseTime('09.30')).toBe('09:30');
    expect(parseTime('0930')).toBe('09:30');
    expect(parseTime('14')).toBe('14:00');
    expect(parseTime('2pm')).toBe('14:00');
    expect(parseTime('2:15 PM')).toBe('14:15');
    expect(parseTime('12am')).toBe('00:00');
    expect(parseTime('12pm')).toBe('12:00');
    expect(parseTime('midday')).toBe('12:00');
  });

  it('refuses what is not a real time', () => {
    for (const bad of ['', '24:00', '9:60', '13pm', 'half nine', '9:3', '12345']) expect(parseTime(bad)).toBeNull();
  });

  it('counts minutes, including a contact that runs past midnight', () => {
    expect(durationMinutes('10:00', '11:30')).toBe(90);
    expect(durationMinutes('23:00', '00:30')).toBe(90);
    expect(describeDuration(90)).toBe('1 hour 30 minutes');
    expect(describeDuration(120)).toBe('2 hours');
    expect(describeDuration(45)).toBe('45 minutes');
  });
});

describe('out of hours (default rule: before 07:30, after 20:00, or at a weekend)', () => {
  it('is in hours on a weekday within the working day, including at its edges', () => {
    expect(isOutOfHours({ date: '2026-11-23', startTime: '07:30', endTime: '20:00' })).toBe(false);
    expect(isOutOfHours({ date: '2026-11-27', startTime: '10:00', endTime: '11:00' })).toBe(false);
  });

  it('is out of hours when it starts too early or ends too late', () => {
    expect(isOutOfHours({ date: '2026-11-23', startTime: '07:29', endTime: '08:00' })).toBe(true);
    expect(isOutOfHours({ date: '2026-11-23', startTime: '19:30', endTime: '20:01' })).toBe(true);
  });

  it('is out of hours on a Saturday or Sunday, and when it runs past midnight', () => {
    expect(isOutOfHours({ date: '2026-11-28', startTime: '10:00', endTime: '11:00' })).toBe(true);
    expect(isOutOfHours({ date: '2026-11-29', startTime: '10:00', endTime: '11:00' })).toBe(true);
    expect(isOutOfHours({ date: '2026-11-24', startTime: '23:00', endTime: '00:30' })).toBe(true);
  });

  it('follows a local rule when one is given', () => {
    const rule = { dayStarts: '08:00', dayEnds: '18:00', weekendsAreOutOfHours: false };
    expect(isOutOfHours({ date: '2026-11-28', startTime: '10:00', endTime: '11:00' }, rule)).toBe(false);
    expect(isOutOfHours({ date: '2026-11-23', startTime: '17:00', endTime: '18:30' }, rule)).toBe(true);
    expect(describeOutOfHoursRule()).toBe('before 07:30, after 20:00, or on a Saturday or Sunday');
  });
});

describe('intensity in the ISO week', () => {
  it('runs Monday to Sunday, across a month and a year end', () => {
    expect(isoWeek('2026-11-25')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(isoWeek('2026-11-23')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(isoWeek('2026-11-29')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(isoWeek('2027-01-01')).toEqual({ start: '2026-12-28', end: '2027-01-03' });
  });

  it('adds up hours and visits in the week only, counting calls as hours but not as visits', () => {
    const result = weeklyIntensity([
      contact('2026-11-22', '10:00', '12:00'), // the Sunday before: not this week
      contact('2026-11-23', '10:00', '11:30'),
      contact('2026-11-25', '14:00', '15:00', 'phone_call'),
      contact('2026-11-26', '09:00', '10:00', 'office_visit'),
      contact('2026-11-30', '10:00', '12:00'), // the Monday after
    ], earlyIntervention, '2026-11-25');
    expect(result).toMatchObject({
      weekStart: '2026-11-23', weekEnd: '2026-11-29', minutes: 210, hours: 3.5, maxHours: 15, visits: 2, minVisits: 2, maxVisits: 3,
      overMaxHours: false, belowMinVisits: false, overMaxVisits: false, hoursText: '3.5 of 15 hours', visitsText: '2 (expected 2 to 3)', warnings: [],
    });
  });

  it('warns, in plain words, when hours are over the maximum', () => {
    const long = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'].map((d) => contact(d, '09:00', '13:00'));
    const result = weeklyIntensity(long, { ...earlyIntervention, maxVisitsPerWeek: 5 }, '2026-11-25');
    expect(result.hours).toBe(16);
    expect(result.overMaxHours).toBe(true);
    expect(result.warnings).toEqual(['16 hours of contact this week is over the Early intervention maximum of 15 hours a week.']);
  });

  it('does not warn at exactly the maximum', () => {
    const result = weeklyIntensity([contact('2026-11-23', '05:00', '20:00'), contact('2026-11-24', '10:00', '10:30', 'meeting')], { ...earlyIntervention, maxHoursPerWeek: 15.5, minVisitsPerWeek: 1 }, '2026-11-25');
    expect(result.hours).toBe(15.5);
    expect(result.warnings).toEqual([]);
  });

  it('warns when visits are below the minimum or above the expected range', () => {
    const below = weeklyIntensity([contact('2026-11-24', '10:00', '11:00')], earlyIntervention, '2026-11-25');
    expect(below.warnings).toEqual(['1 visit this week is below the Early intervention minimum: it expects 2 to 3 visits a week.']);
    const none = weeklyIntensity([], earlyIntervention, '2026-11-25');
    expect(none.warnings).toEqual(['0 visits this week is below the Early intervention minimum: it expects 2 to 3 visits a week.']);
    const four = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'].map((d) => contact(d, '10:00', '11:00'));
    expect(weeklyIntensity(four, earlyIntervention, '2026-11-25').warnings).toEqual(['4 visits this week is more than Early intervention expects (2 to 3 a week).']);
  });
});

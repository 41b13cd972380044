import { describe, expect, it } from 'vitest';
import {
  caseEventEntry, chronologyQuery, filterChronology, noFilters, parseChronologyFilters, sortChronology, wholeFamily, type ChronologyEvent,
} from './chronology.ts';

const event = (key: string, over: Partial<ChronologyEvent> = {}): ChronologyEvent => ({
  key, date: '2026-01-01', time: null, type: 'other', agency: null, personIds: [], people: [], title: key, detail: '', source: '', recordedBy: null, contact: null, ...over,
});

const events = [
  event('referral:1', { date: '2026-03-02', time: '09:15', type: 'referral', agency: 'Riverside Primary School' }),
  event('need:1', { date: '2026-03-01', type: 'need', agency: 'Testshire Recovery', personIds: ['kerry'] }),
  event('status:1', { date: '2026-04-10', type: 'legal_status', agency: 'Children’s Services', personIds: ['jade'] }),
  event('contact:1', { date: '2026-03-02', time: '14:00', type: 'contact', agency: 'Children’s Services', personIds: ['kerry', 'jade'] }),
  event('entry:1', { date: '2026-02-20', type: 'police', agency: 'Testshire Police' }),
];

describe('the family chronology', () => {
  it('is in date order, then time, oldest first; or newest first when asked', () => {
    expect(sortChronology(events).map((e) => e.key)).toEqual(['entry:1', 'need:1', 'referral:1', 'contact:1', 'status:1']);
    expect(sortChronology(events, 'newest').map((e) => e.key)).toEqual(['status:1', 'contact:1', 'referral:1', 'need:1', 'entry:1']);
  });

  it('filters by member: events about any chosen person, and whole-family events when chosen', () => {
    expect(filterChronology(events, { ...noFilters, members: ['jade'] }).map((e) => e.key)).toEqual(['status:1', 'contact:1']);
    expect(filterChronology(events, { ...noFilters, members: [wholeFamily] }).map((e) => e.key)).toEqual(['referral:1', 'entry:1']);
    expect(filterChronology(events, { ...noFilters, members: ['kerry', wholeFamily] })).toHaveLength(4);
  });

  it('filters by agency and type, and needs every filter to match', () => {
    expect(filterChronology(events, { ...noFilters, agencies: ['Testshire Police', 'Testshire Recovery'] }).map((e) => e.key)).toEqual(['need:1', 'entry:1']);
    expect(filterChronology(events, { ...noFilters, types: ['contact', 'legal_status'] }).map((e) => e.key)).toEqual(['status:1', 'contact:1']);
    expect(filterChronology(events, { ...noFilters, types: ['contact'], members: ['kerry'], agencies: ['Testshire Police'] })).toEqual([]);
    expect(filterChronology(events, noFilters)).toHaveLength(5);
  });

  it('reads filters from a query string, ignoring unknown types and blanks', () => {
    expect(parseChronologyFilters({ member: ['a', 'a', ''], agency: 'Testshire Police', type: ['police', 'nonsense'], order: 'newest' }))
      .toEqual({ members: ['a'], agencies: ['Testshire Police'], types: ['police'], order: 'newest' });
    expect(parseChronologyFilters({})).toEqual(noFilters);
    expect(chronologyQuery({ members: ['a'], agencies: ['Testshire Police'], types: ['police'], order: 'newest' })).toBe('?member=a&agency=Testshire+Police&type=police&order=newest');
    expect(chronologyQuery(noFilters)).toBe('');
  });

  it('names the case’s lifecycle events, leaving contacts to the contacts themselves', () => {
    expect(caseEventEntry('allocate', 'Allocated to Priya Shah')).toEqual({ type: 'allocation', title: 'Case allocated to a key worker', detail: 'Allocated to Priya Shah' });
    expect(caseEventEntry('review_plan', '')?.type).toBe('plan');
    expect(caseEventEntry('close', 'Goals met')?.title).toBe('Case closed');
    expect(caseEventEntry('record_contact', '')).toBeNull();
    expect(caseEventEntry('step_down', '')).toEqual({ type: 'other', title: 'Step down', detail: '' });
  });
});

import { describe, expect, it } from 'vitest';
import { count, noun, pluralOf } from './plural.ts';

describe('count', () => {
  it('says one thing in the singular and every other number in the plural', () => {
    expect(count(1, 'event')).toBe('1 event');
    expect(count(2, 'event')).toBe('2 events');
    expect(count(0, 'event')).toBe('0 events');
  });

  it('makes regular plurals and takes irregular ones', () => {
    expect(count(3, 'family')).toBe('3 families');
    expect(count(2, 'day')).toBe('2 days');
    expect(count(2, 'match')).toBe('2 matches');
    expect(count(2, 'case')).toBe('2 cases');
    expect(count(2, 'child', 'children')).toBe('2 children');
    expect(count(1, 'child', 'children')).toBe('1 child');
    expect(count(5, 'person', 'people')).toBe('5 people');
  });

  it('groups thousands the British way', () => {
    expect(count(1250, 'row')).toBe('1,250 rows');
  });

  it('gives the noun alone for sentences that put the number elsewhere', () => {
    expect(noun(1, 'session')).toBe('session');
    expect(noun(4, 'session')).toBe('sessions');
    expect(pluralOf('vulnerability')).toBe('vulnerabilities');
  });
});

import { describe, expect, it } from 'vitest';
import { describeKnownRule, formatKnownRule, knownCount, matches, parseKnownRule, type FamilyProfile, type KnownRule } from './known.ts';

const rule = (text: string): KnownRule => {
  const parsed = parseKnownRule(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.rule;
};

const profile = (over: Partial<FamilyProfile>): FamilyProfile => ({ districtId: 'd1', parentalCodes: [], motherCodes: [], needs: 0, families: 1, children: 2, unborn: 0, ...over });

describe('known-to-services rules', () => {
  it('parses codes, alternatives and groups', () => {
    expect(rule('2b')).toEqual({ kind: 'codes', groups: [['2B']] });
    expect(rule(' 1B/2B + 4B + 3B ')).toEqual({ kind: 'codes', groups: [['1B', '2B'], ['4B'], ['3B']] });
    expect(rule('Offending')).toEqual({ kind: 'codes', groups: [['offending']] });
    expect(rule('4+ needs')).toEqual({ kind: 'needs', atLeast: 4 });
    expect(rule('')).toEqual({ kind: 'none' });
    expect(formatKnownRule(rule('1b/2b+4b+3b'))).toBe('1B/2B + 4B + 3B');
  });

  it('refuses codes that are not parental factors', () => {
    expect(parseKnownRule('2A')).toEqual({ error: '2A is not a parental (B) assessment factor code or offending' });
    expect(parseKnownRule('8B')).toEqual({ error: '8B is not a parental (B) assessment factor code or offending' });
    expect(parseKnownRule('2B +')).toEqual({ error: 'Write codes like 2B, or 1B/2B + 4B + 3B, or 4+ needs' });
    expect(parseKnownRule('0+ needs')).toEqual({ error: 'The number of needs must be 1 or more' });
  });

  it('matches every group, any code within a group', () => {
    const trio = rule('1B/2B + 4B + 3B');
    expect(matches(trio, 'children', profile({ parentalCodes: ['2B', '3B', '4B'] }))).toBe(true);
    expect(matches(trio, 'children', profile({ parentalCodes: ['1B', '3B', '4B'] }))).toBe(true);
    expect(matches(trio, 'children', profile({ parentalCodes: ['1B', '2B', '4B'] }))).toBe(false);
    // Births count the mother's needs only.
    expect(matches(rule('1B/2B'), 'births', profile({ parentalCodes: ['2B'], motherCodes: [] }))).toBe(false);
    expect(matches(rule('1B/2B'), 'births', profile({ parentalCodes: ['2B'], motherCodes: ['1B'] }))).toBe(true);
  });

  it('counts the base of matching profiles, by district', () => {
    const profiles = [
      profile({ parentalCodes: ['2B'], children: 3, families: 2 }),
      profile({ districtId: 'd2', parentalCodes: ['2B', '1B'], children: 1 }),
      profile({ districtId: null, parentalCodes: ['2B'], children: 4 }),
      profile({ parentalCodes: ['1B'], children: 9 }),
    ];
    expect(knownCount(rule('2B'), 'children', profiles)).toEqual({ total: 8, byDistrict: { d1: 3, d2: 1, '': 4 } });
    expect(knownCount(rule('2B'), 'families', profiles)).toEqual({ total: 4, byDistrict: { d1: 2, d2: 1, '': 1 } });
  });

  it('says in words what it counts', () => {
    expect(describeKnownRule(rule('1B/2B + 4B'), 'children')).toBe('Children in families where a parent or carer has a current need coded 1B (alcohol misuse) or 2B (drug misuse), and 4B (mental health)');
    expect(describeKnownRule(rule('1B/2B'), 'births')).toBe('Unborn babies in families where the mother has a current need coded 1B (alcohol misuse) or 2B (drug misuse)');
    expect(describeKnownRule(rule('4+ needs'), 'families')).toBe('Families with 4 or more different current needs across their members');
  });
});

import { describe, expect, it } from 'vitest';
import { defaultLevelOfNeedRules, levelOfNeed, levelOfNeedRulesSchema, type NeedForLevel } from './level-of-need.ts';

const need = (over: Partial<NeedForLevel>): NeedForLevel => ({
  personName: 'Kerry Walsh', role: 'mother', needType: 'cin_factor', code: '4B', isCurrent: true, ...over,
});

describe('level of need (Essex defaults)', () => {
  it('puts a family with no needs at Level 1', () => {
    expect(levelOfNeed([]).level).toBe(1);
  });

  it('puts a family whose only needs are not parental vulnerabilities at Level 2', () => {
    const result = levelOfNeed([need({ personName: 'Mia Walsh', role: 'child', code: '14A' })]);
    expect(result.level).toBe(2);
    expect(result.reason).toContain('No parental vulnerability');
  });

  it('puts one parental vulnerability at Level 3 and names it', () => {
    const result = levelOfNeed([need({ code: '4B' })]);
    expect(result.level).toBe(3);
    expect(result.reason).toBe('1 parental vulnerability: mental health (Kerry Walsh). Rule: one parental vulnerability puts the child at Level 3.');
  });

  it('counts alcohol and drug misuse as one vulnerability, substance misuse', () => {
    const result = levelOfNeed([need({ code: '1B' }), need({ code: '2B', personName: 'Dean Walsh', role: 'father' })]);
    expect(result.level).toBe(3);
    expect(result.vulnerabilities).toEqual([{ key: 'substance_misuse', label: 'substance misuse', people: ['Kerry Walsh', 'Dean Walsh'] }]);
  });

  it('puts more than one parental vulnerability at Level 4', () => {
    const result = levelOfNeed([need({ code: '3B' }), need({ needType: 'offending', code: null, personName: 'Dean Walsh', role: 'father' })]);
    expect(result.level).toBe(4);
    expect(result.reason).toContain('domestic abuse (Kerry Walsh); crime (Dean Walsh)');
  });

  it('ignores needs that are no longer current and a child’s own vulnerabilities', () => {
    const result = levelOfNeed([need({ code: '3B', isCurrent: false }), need({ code: '2A', role: 'child', personName: 'Mia Walsh' })]);
    expect(result.level).toBe(2);
  });

  it('counts domestic abuse wherever it is recorded in the household, as the Essex threshold text says (seed 001)', () => {
    // "where parents have mental health problems, substance misuse, involvement in crime, or there is domestic abuse ... Level 3".
    const child = levelOfNeed([need({ code: '3A', role: 'child', personName: 'Mia Walsh' })]);
    expect(child.level).toBe(3);
    expect(child.vulnerabilities).toEqual([{ key: 'domestic_abuse', label: 'domestic abuse', people: ['Mia Walsh'] }]);
    expect(levelOfNeed([need({ code: '3C', role: 'other_adult', personName: 'Lee Brown' })]).level).toBe(3);
    expect(levelOfNeed([need({ code: '3A', role: 'child', personName: 'Mia Walsh' }), need({ code: '4B' })]).level).toBe(4);
  });

  it('still counts mental health, substance misuse and crime only on a parent or carer', () => {
    expect(levelOfNeed([need({ code: '4C', role: 'other_adult', personName: 'Lee Brown' })]).level).toBe(2);
    expect(levelOfNeed([need({ needType: 'offending', code: null, role: 'child', personName: 'Mia Walsh' })]).level).toBe(2);
  });

  it('reads stored rules written before "whose" existed as parents only', () => {
    const { whose: _whose, ...old } = defaultLevelOfNeedRules.vulnerabilities[2];
    expect(levelOfNeedRulesSchema.parse({ ...defaultLevelOfNeedRules, vulnerabilities: [old] }).vulnerabilities[0].whose).toBe('parents');
  });

  it('does not count 21 "No factors identified" as a need', () => {
    expect(levelOfNeed([need({ code: '21', role: 'child', personName: 'Mia Walsh' })]).level).toBe(1);
  });

  it('applies locally configured rules', () => {
    const strict = levelOfNeedRulesSchema.parse({
      ...defaultLevelOfNeedRules,
      name: 'Local',
      bands: [{ minimumVulnerabilities: 1, level: 4, explanation: 'any parental vulnerability is Level 4 here' }],
    });
    const result = levelOfNeed([need({ code: '4B' })], strict);
    expect(result.level).toBe(4);
    expect(result.rulesName).toBe('Local');
  });

  it('rejects rules with an impossible level', () => {
    const parsed = levelOfNeedRulesSchema.safeParse({ ...defaultLevelOfNeedRules, levelWithNoNeeds: 7 });
    expect(parsed.success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { closedFamilyDue, planRetention, type RetentionItem } from './retention.ts';
import { otherPeoplesNames, redactNames, redactedMark } from './redaction.ts';

describe('retention rules', () => {
  it('counts a closed family from the youngest child’s 18th birthday when that is later than the closure', () => {
    expect(closedFamilyDue('2020-03-01', '2010-06-15', 84)).toBe('2035-06-15');
    expect(closedFamilyDue('2020-03-01', '1990-01-01', 84)).toBe('2027-03-01');
    expect(closedFamilyDue('2020-03-01', null, 12)).toBe('2021-03-01');
  });

  it('never removes a held record, and reports what is coming within 30 days', () => {
    const item = (over: Partial<RetentionItem>): RetentionItem => ({ recordType: 'closed_family', recordId: 'x', familyId: 'f', reference: 'F1', dueOn: '2026-11-01', held: false, ...over });
    const plan = planRetention([item({ reference: 'A' }), item({ reference: 'B', held: true }), item({ reference: 'C', dueOn: '2026-12-20' }), item({ reference: 'D', dueOn: '2027-02-01' })], '2026-11-25');
    expect(plan.due.map((i) => i.reference)).toEqual(['A']);
    expect(plan.held.map((i) => i.reference)).toEqual(['B']);
    expect(plan.coming.map((i) => i.reference)).toEqual(['A', 'B', 'C']);
  });
});

describe('redaction', () => {
  it('takes other people’s names out of text as whole words and counts them', () => {
    const names = otherPeoplesNames({ givenName: 'Kerry', familyName: 'Walsh' }, [{ givenName: 'Dean', familyName: 'Walsh' }, { givenName: 'Kerry', familyName: 'Walsh' }]);
    expect(names).toEqual(['Dean Walsh', 'Dean']);
    const out = redactNames('Kerry said Dean Walsh shouted; dean left. Deanna stayed.', names);
    expect(out.text).toBe(`Kerry said ${redactedMark} shouted; ${redactedMark} left. Deanna stayed.`);
    expect(out.count).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { groupHouseholds } from './households.ts';
import { assessHousehold, defaultIdentificationRules, rankHouseholds, type CostRate, type MemberFacts } from './prioritise.ts';

const today = '2026-11-25';
const costs = new Map<string, CostRate>([
  ['domestic_violence_incident', { key: 'domestic_violence_incident', label: 'Domestic violence incident', amountPence: 247_000, unit: 'event' }],
  ['community_drug_treatment_year', { key: 'community_drug_treatment_year', label: 'Community drug treatment', amountPence: 260_400, unit: 'year' }],
  ['child_in_care_year', { key: 'child_in_care_year', label: 'Child in care', amountPence: 5_108_000, unit: 'year' }],
]);

const mother: MemberFacts = {
  personId: 'a', firstName: 'Kerry', lastName: 'Walsh', dateOfBirth: '1990-05-17', sex: 'F',
  records: [
    { source: 'drug-alcohol', recordRef: 'T1', eventDate: '2026-02-01', fields: { substance: 'alcohol', treatment_end: null, parental_status: 'lives_with_children' } },
    ...[1, 2, 3].map((n) => ({ source: 'police-da', recordRef: `P${n}`, eventDate: `2026-0${n + 3}-10`, fields: { incident_ref: `INC-${n}`, role: 'victim', children_present: true } })),
  ],
};
const son: MemberFacts = {
  personId: 'b', firstName: 'Tyler', lastName: 'Walsh', dateOfBirth: '2014-08-09', sex: 'M',
  records: [{ source: 'school', recordRef: 'S1', eventDate: '2026-07-20', fields: { attendance_percent: 41, suspensions: 0, permanent_exclusion: false } }],
};

describe('assessing a household', () => {
  const a = assessHousehold({ householdId: 'h1', members: [mother, son] }, { today, costs });

  it('gives the reasons in words, adults first, latest first', () => {
    expect(a.reasons).toBe('mother: police DA incidents x3 in 12 months, children present; alcohol treatment 2026; son (12): 41% attendance');
  });

  it('counts the Troubled Families problems and decides eligibility by the rule', () => {
    expect(a.problems).toEqual(['school', 'domestic_abuse', 'health']);
    expect(a.eligible).toBe(true);
    const strict = assessHousehold({ householdId: 'h1', members: [mother, son] }, { today, costs, rules: { ...defaultIdentificationRules, minimumProblems: 4 } });
    expect(strict.eligible).toBe(false);
  });

  it('needs dependent children when the rule says so', () => {
    const alone = assessHousehold({ householdId: 'h2', members: [{ ...mother, records: mother.records.slice(1) }, { ...mother, personId: 'c', firstName: 'Dean', sex: 'M', records: [mother.records[0]].map((r) => ({ ...r, fields: { ...r.fields, parental_status: 'not_a_parent' } })) }] }, { today, costs });
    expect(alone.problems.length).toBe(2);
    expect(alone.eligible).toBe(false);
  });

  it('uses the level of need rules: two parental vulnerabilities is Level 4', () => {
    expect(a.level.level).toBe(4);
    expect(a.level.reason).toContain('substance misuse (Kerry Walsh)');
  });

  it('estimates the annual cost from the unit-cost table and lists what it could not price', () => {
    expect(a.costLines.filter((l) => l.pence !== null).map((l) => [l.key, l.quantity, l.pence])).toEqual([
      ['community_drug_treatment_year', 1, 260_400], ['domestic_violence_incident', 3, 741_000],
    ]);
    expect(a.costPence).toBe(1_001_400);
    expect(a.uncosted).toEqual([]);
  });

  it('costs each police domestic abuse incident once for the household, not once for each adult in it', () => {
    const father: MemberFacts = {
      personId: 'e', firstName: 'Dean', lastName: 'Walsh', dateOfBirth: '1988-01-02', sex: 'M',
      records: [1, 2].map((n) => ({ source: 'police-da', recordRef: `P${n}-P`, eventDate: `2026-0${n + 3}-10`, fields: { incident_ref: `INC-${n}`, role: 'perpetrator', children_present: true } })),
    };
    const both = assessHousehold({ householdId: 'h4', members: [mother, father, son] }, { today, costs });
    expect(both.costLines.filter((l) => l.key === 'domestic_violence_incident').map((l) => [l.quantity, l.pence, l.who]))
      .toEqual([[3, 741_000, 'Kerry Walsh and Dean Walsh']]);
  });

  it('segments by the number of problems, chaotic with a statutory status', () => {
    expect(a.segment).toBe('not_coping');
    const inCare: MemberFacts = { ...son, personId: 'd', records: [{ source: 'social-care', recordRef: 'C1', eventDate: '2025-06-01', fields: { status: 'LAC', end_date: null } }] };
    const withCare = assessHousehold({ householdId: 'h1', members: [mother, son, inCare] }, { today, costs });
    expect(withCare.segment).toBe('chaotic');
    expect(withCare.costLines.find((l) => l.key === 'child_in_care_year')?.pence).toBe(5_108_000);
    expect(assessHousehold({ householdId: 'h3', members: [{ ...son, records: [] }] }, { today, costs }).segment).toBe('thriving');
  });

  it('ranks eligible households with more problems first', () => {
    const small = assessHousehold({ householdId: 'h0', members: [son] }, { today, costs });
    expect(rankHouseholds([small, a]).map((h) => h.householdId)).toEqual(['h1', 'h0']);
  });
});

describe('grouping people into households', () => {
  const at = (postcode: string, address: string, eventDate: string, group: string | null = null) => ({ postcode, address, eventDate, group });

  it('joins people at the same address at the same time, and people in one incident', () => {
    const households = groupHouseholds([
      { personId: 'p1', records: [at('NV1 4AB', '12 Mill Lane', '2026-01-01')] },
      { personId: 'p2', records: [at('NV1 4AB', '12 mill lane', '2026-06-01')] },
      { personId: 'p3', records: [at('NV1 4AB', '12 Mill Lane', '2019-01-01')] },
      { personId: 'p4', records: [at('NV9 9ZZ', '1 Other Road', '2026-05-01', 'police-da:INC-1')] },
      { personId: 'p5', records: [at('NV2 2BB', '4 Elm Close', '2026-05-01', 'police-da:INC-1')] },
    ]);
    expect(households.map((h) => h.personIds)).toEqual([['p1', 'p2'], ['p3'], ['p4', 'p5']]);
    expect(households[0]).toMatchObject({ householdId: 'p1', postcode: 'NV1 4AB', address: '12 mill lane' });
  });

  it('does not join people at a communal address', () => {
    const people = Array.from({ length: 14 }, (_, i) => ({ personId: `p${String(i).padStart(2, '0')}`, records: [at('NV1 1HH', 'Refuge House', '2026-01-01')] }));
    expect(groupHouseholds(people).length).toBe(14);
  });
});

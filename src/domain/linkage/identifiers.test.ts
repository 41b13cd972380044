import { describe, expect, it } from 'vitest';
import type { PersonRecord } from './types.ts';
import { buildFeatures, identifierComparison, identifierLevel } from './features.ts';
import { blockAndCompare } from './blocking.ts';
import { DobLevel, FirstLevel, IdentifierLevel } from './levels.ts';
import { explain, train } from './link.ts';
import { generateRecords } from './synthetic.ts';

const person = (key: string, identifiers: Record<string, string> | null, extra: Partial<PersonRecord> = {}): PersonRecord => ({
  key, firstName: 'Jane', lastName: 'Smith', dateOfBirth: '1990-03-14', postcode: 'CM1 1AA', address: '1 High Street', identifiers, ...extra,
});

describe('identifiers in linkage', () => {
  it('compares scheme by scheme: the same, a mistyped digit or two swapped, different, or not comparable', () => {
    const f = buildFeatures([
      person('a', { nhs: '9434765919', upn: 'E820123456789' }),
      person('b', { nhs: '9434765919' }),
      person('c', { nhs: '9434765991' }),
      person('d', { nhs: '4010232137' }),
      person('e', { upn: 'E820123456789' }),
      person('f', { ni: 'AB123456C' }),
      person('g', null),
      person('h', { housing_ref: '9434765919' }),
    ]);
    expect(identifierLevel(f, 0, 1)).toBe(IdentifierLevel.exact);
    expect(identifierLevel(f, 1, 2)).toBe(IdentifierLevel.typo);
    expect(identifierLevel(f, 1, 3)).toBe(IdentifierLevel.different);
    expect(identifierLevel(f, 0, 4)).toBe(IdentifierLevel.exact); // the UPN agrees
    expect(identifierLevel(f, 0, 5)).toBe(IdentifierLevel.missing); // no scheme in common
    expect(identifierLevel(f, 0, 6)).toBe(IdentifierLevel.missing);
    expect(identifierLevel(f, 1, 7)).toBe(IdentifierLevel.missing); // one number in another scheme is not the same identifier
  });

  it('counts one number on two records born a generation apart neither way (a parent\'s number on a child\'s record)', () => {
    const f = buildFeatures([
      person('mother', { nhs: '9434765919' }, { dateOfBirth: '1990-03-14' }),
      person('baby', { nhs: '9434765919' }, { firstName: 'Milo', dateOfBirth: '2021-06-01' }),
      person('sister', { nhs: '9434765919' }, { firstName: 'Amy', dateOfBirth: '1999-06-01' }),
    ]);
    expect(identifierComparison(f, 0, 1, FirstLevel.different, DobLevel.different)).toBe(IdentifierLevel.missing);
    // nine years apart is no generation: a number shared in error between siblings still counts, as the data learn it
    expect(identifierComparison(f, 0, 2, FirstLevel.different, DobLevel.different)).toBe(IdentifierLevel.exact);
    // a typo of the birth year is not a generation apart
    expect(identifierComparison(f, 0, 1, FirstLevel.different, DobLevel.onePartDifferent)).toBe(IdentifierLevel.exact);
    // one person whose birth date was replaced keeps their first name: the number still counts
    expect(identifierComparison(f, 0, 1, FirstLevel.exact, DobLevel.different)).toBe(IdentifierLevel.exact);
  });

  it('blocks on every identifier, so records with nothing else in common are compared', () => {
    const records = [
      person('a', { nhs: '9434765919' }, { firstName: 'Amy', lastName: 'Zed', dateOfBirth: '2001-01-01', postcode: 'N1 1AA', address: '9 Long Lane' }),
      person('b', { nhs: '9434765919' }, { firstName: 'Bea', lastName: 'Young', dateOfBirth: '1950-07-30', postcode: 'SW1 1AA', address: '3 Short Road' }),
    ];
    const store = blockAndCompare(buildFeatures(records));
    expect(store.length).toBe(1);
    expect(store.rules[store.rule[0]].name).toBe('identifier: nhs');
  });

  it('learns the weights: an agreeing number counts for, a different one against, a typo in between', () => {
    const { records } = generateRecords({ records: 3000, seed: 7 });
    // give each record a number derived from its position, shared by a copy with a typo in a few
    const withIds = records.map((r, i) => ({ ...r, identifiers: { nhs: String(3_000_000_000 + i * 104_729) } }));
    const copies = withIds.slice(0, 300).map((r, i) => ({ ...r, key: `${r.key}-copy`, identifiers: { nhs: i % 10 === 0 ? r.identifiers.nhs.slice(0, 9) + ((Number(r.identifiers.nhs[9]) + 1) % 10) : r.identifiers.nhs } }));
    const model = train([...withIds, ...copies]);
    const e = (a: PersonRecord, b: PersonRecord) => explain(model, a, b).fields.find((f) => f.field === 'identifier')!;
    const same = e(withIds[5], copies[5]);
    const typo = e(withIds[0], copies[0]);
    const different = e(withIds[5], withIds[6]);
    expect(same.level).toBe('exact');
    expect(typo.level).toBe('one typo');
    expect(different.level).toBe('different');
    expect(same.weight).toBeGreaterThan(5);
    expect(different.weight).toBeLessThan(0);
    expect(typo.weight).toBeLessThan(same.weight);
    expect(same.label).toBe('identifier: the same NHS number on both records');

    // a mother's NHS number on her baby's record: one number, births a generation apart
    const mother = person('mother', { nhs: '9434765919' }, { firstName: 'Dana', lastName: 'Hart', dateOfBirth: '1994-05-02' });
    const baby = person('baby', { nhs: '9434765919' }, { firstName: 'Milo', lastName: 'Hart', dateOfBirth: '2024-11-20' });
    const babyOfMother = e(mother, baby);
    expect(babyOfMother.weight).toBe(0);
    expect(babyOfMother.label).toBe('identifier: the same NHS number on records of different first names born a generation apart, as a parent\'s number on a child\'s record is, so it counts neither way');
    expect(explain(model, mother, baby).weight).toBeLessThan(0);
    // the same number on one person's records with a typo in the birth year still counts for them
    expect(e(mother, { ...mother, key: 'mother-again', dateOfBirth: '1949-05-02' }).level).toBe('exact');
  });
});

describe('name cleaning and historical dates', () => {
  it('drops titles, honorifics, suffixes and initials from names', async () => {
    const { normaliseNameKey } = await import('./strings.ts');
    expect(normaliseNameKey('Sir John')).toBe('john');
    expect(normaliseNameKey('William 6th Bt')).toBe('william');
    expect(normaliseNameKey('John Jr.')).toBe('john');
    expect(normaliseNameKey('J. Robert')).toBe('robert');
    expect(normaliseNameKey("O'Brien-Smith")).toBe('obriensmith');
    expect(normaliseNameKey('Mr')).toBe('mr'); // nothing else to keep
  });
  it('gives dates before 1800 day numbers, so they block and compare like any other', async () => {
    const { dayNumber } = await import('./strings.ts');
    expect(dayNumber(1799, 12, 31)).toBeGreaterThan(0);
    expect(dayNumber(1800, 1, 1) - dayNumber(1799, 12, 31)).toBe(1);
    const f = buildFeatures([person('a', null, { dateOfBirth: '1750-03-02' }), person('b', null, { dateOfBirth: '1750-03-02', firstName: 'Jayne' })]);
    expect(f.dayNo[0]).toBeGreaterThan(0);
    expect(blockAndCompare(f).length).toBe(1);
  });
});

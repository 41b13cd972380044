import { describe, it, expect } from 'vitest';
import { jaroWinkler, nysiis, sameNickname, splitAddress, splitPostcode } from './strings.ts';
import { addressLevel, buildFeatures, comparePair, dobLevel, emailLevel, firstNameLevel, lastNameLevel, postcodeLevel, sexLevel } from './features.ts';
import { AddressLevel, DOB, DobLevel, EmailLevel, FirstLevel, LastLevel, PostcodeLevel, SexLevel, levelOf } from './levels.ts';
import type { PersonRecord } from './types.ts';

const person = (over: Partial<PersonRecord>): PersonRecord => ({
  key: 'k',
  firstName: 'William',
  lastName: 'Smith',
  dateOfBirth: '1980-03-14',
  sex: 'M',
  postcode: 'CM1 2AB',
  address: '12 High Street',
  email: 'will.smith80@example.com',
  ...over,
});

/** The levels of two records, field by field. */
function levels(a: Partial<PersonRecord>, b: Partial<PersonRecord>) {
  const f = buildFeatures([person(a), person(b)]);
  return {
    first: firstNameLevel(f, 0, 1),
    last: lastNameLevel(f, 0, 1),
    dob: dobLevel(f, 0, 1),
    sex: sexLevel(f, 0, 1),
    postcode: postcodeLevel(f, 0, 1),
    address: addressLevel(f, 0, 1),
    email: emailLevel(f, 0, 1),
  };
}

describe('Jaro–Winkler', () => {
  it('gives the published values', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });

  it('is symmetric and copes with long strings', () => {
    const long = 'a'.repeat(300) + 'b';
    expect(jaroWinkler(long, long + 'c')).toBeGreaterThan(0.99);
    expect(jaroWinkler('crate', 'trace')).toBeCloseTo(jaroWinkler('trace', 'crate'), 12);
  });
});

describe('normalisers', () => {
  it('codes sound-alike names the same (NYSIIS)', () => {
    expect(nysiis('smith')).toBe(nysiis('smyth'));
    expect(nysiis('mcdonald')).toBe(nysiis('macdonald'));
    expect(nysiis('knight')).toBe(nysiis('night'));
    expect(nysiis('katherine')).toBe(nysiis('catherine'));
    expect(nysiis('smith')).not.toBe(nysiis('jones'));
  });

  it('knows common nicknames', () => {
    expect(sameNickname('bill', 'william')).toBe(true);
    expect(sameNickname('billy', 'will')).toBe(true);
    expect(sameNickname('bob', 'robert')).toBe(true);
    expect(sameNickname('peggy', 'margaret')).toBe(true);
    expect(sameNickname('jon', 'jonathan')).toBe(true);
    expect(sameNickname('johnny', 'john')).toBe(true);
    expect(sameNickname('bill', 'robert')).toBe(false);
  });

  it('splits postcodes and addresses', () => {
    expect(splitPostcode('cm1 2ab')).toEqual({ full: 'CM12AB', outward: 'CM1' });
    expect(splitPostcode('SW1A1AA')).toEqual({ full: 'SW1A1AA', outward: 'SW1A' });
    expect(splitPostcode('4011')).toEqual({ full: '4011', outward: '401' });
    expect(splitPostcode('  ')).toBeNull();
    expect(splitAddress('Flat 3, 12a High St.')).toEqual({ number: '3 12a', street: 'high street', full: '3 12a|high street' });
  });
});

describe('comparison levels', () => {
  it('first names: exact, nickname, swapped, typo bands, phonetic, different', () => {
    expect(levels({}, {}).first).toBe(FirstLevel.exact);
    expect(levels({}, { firstName: 'bill' }).first).toBe(FirstLevel.nickname);
    expect(levels({ firstName: 'Peggy' }, { firstName: 'Margaret' }).first).toBe(FirstLevel.nickname);
    expect(levels({}, { firstName: 'Smith', lastName: 'William' })).toMatchObject({ first: FirstLevel.swapped, last: LastLevel.swapped });
    expect(levels({ firstName: 'Martha' }, { firstName: 'Marhta' }).first).toBe(FirstLevel.jw92);
    expect(levels({ firstName: 'Dwayne' }, { firstName: 'Duane', dateOfBirth: '1990-01-01' }).first).toBe(FirstLevel.different);
    expect(levels({ firstName: 'Catherine' }, { firstName: 'Kathryn', dateOfBirth: '1990-01-01' }).first).not.toBe(FirstLevel.different);
    expect(levels({}, { firstName: null }).first).toBe(FirstLevel.missing);
    expect(levels({ firstName: 'Sarah' }, { firstName: 'Karen', dateOfBirth: '1975-01-01' }).first).toBe(FirstLevel.different);
  });

  it('keeps twins apart: different first names with the same birth date and surname', () => {
    expect(levels({ firstName: 'Amy' }, { firstName: 'Ava' }).first).toBe(FirstLevel.twin);
    expect(levels({ firstName: 'Amy' }, { firstName: 'Jack', lastName: 'Brown' }).first).toBe(FirstLevel.twin); // same home
    expect(levels({ firstName: 'John' }, { firstName: 'Joanne', sex: 'F' }).first).toBe(FirstLevel.twin); // they sound alike
    expect(levels({ firstName: 'Stanley' }, { firstName: 'Stacey', sex: 'F' }).first).toBe(FirstLevel.twin); // spelt alike, other sex
    expect(levels({ firstName: 'Stanley' }, { firstName: 'Stanely' }).first).toBe(FirstLevel.jw92); // a typo
  });

  it('surnames: exact, typo, phonetic, different', () => {
    expect(levels({}, { lastName: 'Smiht' }).last).toBe(LastLevel.jw92);
    expect(levels({ lastName: 'Jones' }, { lastName: 'Khan' }).last).toBe(LastLevel.different);
    expect(levels({}, { lastName: null }).last).toBe(LastLevel.missing);
  });

  it('dates of birth: exact, day and month swapped, one part wrong, within a year, different', () => {
    expect(levels({}, {}).dob).toBe(DobLevel.exact);
    expect(levels({}, { dateOfBirth: '1980-14-03' }).dob).toBe(DobLevel.missing); // not a date
    expect(levels({ dateOfBirth: '1980-03-04' }, { dateOfBirth: '1980-04-03' }).dob).toBe(DobLevel.dayMonthSwapped);
    expect(levels({}, { dateOfBirth: '1981-03-14' }).dob).toBe(DobLevel.onePartDifferent);
    expect(levels({}, { dateOfBirth: '1980-03-15' }).dob).toBe(DobLevel.onePartDifferent);
    expect(levels({}, { dateOfBirth: '1980-07-02' }).dob).toBe(DobLevel.withinYear);
    expect(levels({}, { dateOfBirth: '1995-07-02' }).dob).toBe(DobLevel.different);
    expect(levels({}, { dateOfBirth: null }).dob).toBe(DobLevel.missing);
  });

  it('sex, postcode and address', () => {
    expect(levels({}, { sex: 'F' }).sex).toBe(SexLevel.different);
    expect(levels({}, { sex: null }).sex).toBe(SexLevel.missing);
    expect(levels({}, {}).postcode).toBe(PostcodeLevel.withAddress);
    expect(levels({}, { address: '40 Mill Lane' }).postcode).toBe(PostcodeLevel.exact);
    expect(levels({}, { postcode: 'CM1 9ZZ' }).postcode).toBe(PostcodeLevel.outward);
    expect(levels({}, { postcode: 'SS7 1AA' }).postcode).toBe(PostcodeLevel.different);
    expect(levels({}, { address: '12 HIGH ST' }).address).toBe(AddressLevel.exact);
    expect(levels({}, { address: '12 Hihg Street' }).address).toBe(AddressLevel.similar);
    expect(levels({}, { address: '14 High Street' }).address).toBe(AddressLevel.sameStreet);
    expect(levels({}, { address: '3 Mill Lane' }).address).toBe(AddressLevel.different);
    expect(levels({}, { address: null }).address).toBe(AddressLevel.missing);
    // a line with no house number names a place: a typo of it is the same place, another place is not
    expect(levels({ address: 'Manchester' }, { address: 'Mancheseter' }).address).toBe(AddressLevel.similar);
    expect(levels({ address: 'London' }, { address: 'Lodon' }).address).toBe(AddressLevel.similar); // one typo; Jaro–Winkler 0.876
    expect(levels({ address: 'Manchester' }, { address: 'Winchester' }).address).toBe(AddressLevel.different);
    expect(levels({ address: 'High Street' }, { address: '12 Hihg Street' }).address).toBe(AddressLevel.different);
  });

  it('email', () => {
    expect(levels({}, { email: ' Will.Smith80@EXAMPLE.com ' }).email).toBe(EmailLevel.exact); // case and spaces do not count
    expect(levels({}, { email: 'will.smith80@mail.co.uk' }).email).toBe(EmailLevel.localPart);
    expect(levels({}, { email: 'will.smith8@example.com' }).email).toBe(EmailLevel.similar);
    expect(levels({}, { email: 'will.smith80@exmaple.com' }).email).toBe(EmailLevel.localPart); // a typo in the domain
    expect(levels({}, { email: 'wil.smiht80@example.com' }).email).toBe(EmailLevel.different); // two typos
    expect(levels({}, { email: 'billy.smith@example.com' }).email).toBe(EmailLevel.different);
    expect(levels({}, { email: null }).email).toBe(EmailLevel.missing);
    expect(levels({ email: undefined }, { email: undefined }).email).toBe(EmailLevel.missing);
  });

  it('keeps a parent and a child of one name at one home apart (the namesake guard)', () => {
    const dob = (a: Partial<PersonRecord>, b: Partial<PersonRecord>) => levelOf[DOB][comparePair(buildFeatures([person(a), person(b)]), 0, 1)];
    const junior = { dateOfBirth: '2006-09-21' };
    expect(dob({}, junior)).toBe(DobLevel.namesake);
    expect(dob({}, { ...junior, firstName: 'Bill' })).toBe(DobLevel.namesake); // a nickname of the father's name
    expect(dob({}, { ...junior, address: '3 Mill Lane', postcode: 'SS7 1AA' })).toBe(DobLevel.different); // not one home
    expect(dob({}, { ...junior, firstName: 'George' })).toBe(DobLevel.different); // not one name
    expect(dob({}, { ...junior, sex: null })).toBe(DobLevel.different); // the sex is not known on both
    expect(dob({}, { dateOfBirth: '1989-09-21' })).toBe(DobLevel.different); // under twelve years apart: a wrong date, perhaps
    expect(dob({}, { dateOfBirth: '1986-03-14' })).toBe(DobLevel.onePartDifferent); // only the year mistyped (1980, 1986): a typo, not a guard
    expect(dob({}, { dateOfBirth: '2006-03-14', firstName: 'George' })).toBe(DobLevel.different); // a wholly different year is not "one part different"
  });

  it('does not take a typo of a nickname for a twin', () => {
    expect(levels({ firstName: 'Joseph' }, { firstName: 'Joeqy' }).first).toBe(FirstLevel.jw88); // Joey with a typo
    expect(levels({ firstName: 'Beatrice', sex: 'F' }, { firstName: 'Triqxie', sex: 'F' }).first).toBe(FirstLevel.jw88); // Trixie
    expect(levels({ firstName: 'Thomas' }, { firstName: 'Tcm' }).first).toBe(FirstLevel.twin); // in a three-letter name one letter makes another name
    expect(levels({ firstName: 'Joanne', sex: 'F' }, { firstName: 'Johnny', sex: 'M' }).first).toBe(FirstLevel.twin); // the other sex: twins
    expect(levels({ firstName: 'Joseph' }, { firstName: 'Jacob' }).first).toBe(FirstLevel.twin);
  });
});

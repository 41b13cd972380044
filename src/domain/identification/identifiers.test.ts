import { describe, expect, it } from 'vitest';
import {
  identifierProblem, isSchemeName, isValidNhsNumber, isValidNiNumber, isValidPncId, isValidUpn, madeUpNhsNumber, madeUpNiNumber, madeUpUpn, nhsCheckDigit, normaliseIdentifier, upnCheckLetter,
} from './identifiers.ts';

describe('NHS number (modulus 11)', () => {
  it('accepts a number whose check digit matches, with or without spaces', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
  });
  it('refuses a mistyped digit, two digits swapped, the wrong length and a check of 10', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('9434765991')).toBe(false);
    expect(isValidNhsNumber('4934765919')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(nhsCheckDigit('000000006')).toBeNull(); // the ninth digit weighs 2: 6 * 2 = 12, 12 mod 11 = 1, 11 - 1 = 10
    expect(isValidNhsNumber('0000000060')).toBe(false);
  });
});

describe('Unique Pupil Number (check letter, modulus 23)', () => {
  it('accepts a UPN whose first letter is the check of the rest, including a temporary UPN ending in a letter', () => {
    const rest = '82012345678' + '9';
    const letter = upnCheckLetter(rest)!;
    expect(letter).toMatch(/^[A-HJ-NP-RT-Z]$/);
    expect(isValidUpn(letter + rest)).toBe(true);
    const temporary = '82012345678A';
    expect(isValidUpn(upnCheckLetter(temporary)! + temporary)).toBe(true);
    // weights 2..13: 8*2+2*3+0*4+1*5+2*6+3*7+4*8+5*9+6*10+7*11+8*12+9*13 = 487; 487 mod 23 = 4 -> E
    expect(letter).toBe('E');
  });
  it('refuses a wrong check letter, a mistyped digit, the letters I, O, S and the wrong length', () => {
    expect(isValidUpn('A820123456789')).toBe(false);
    expect(isValidUpn('E820123456788')).toBe(false);
    expect(isValidUpn('E82012345678')).toBe(false);
    expect(upnCheckLetter('82012345678I')).toBeNull();
  });
});

describe('National Insurance number and PNC ID', () => {
  it('accepts the format with or without the suffix and spaces', () => {
    expect(isValidNiNumber('AB123456C')).toBe(true);
    expect(isValidNiNumber('ab 12 34 56 c')).toBe(true);
    expect(isValidNiNumber('AB123456')).toBe(true);
  });
  it('refuses prefixes never issued, a first letter D, a suffix after D and too few digits', () => {
    expect(isValidNiNumber('GB123456A')).toBe(false);
    expect(isValidNiNumber('DA123456A')).toBe(false);
    expect(isValidNiNumber('AO123456A')).toBe(false);
    expect(isValidNiNumber('AB123456E')).toBe(false);
    expect(isValidNiNumber('AB12345A')).toBe(false);
  });
  it('checks the PNC ID format', () => {
    expect(isValidPncId('18/123456A')).toBe(true);
    expect(isValidPncId('2018/123456A')).toBe(true);
    expect(isValidPncId('18123456A')).toBe(false);
  });
});

describe('canonical form and messages', () => {
  it('stores one form of each number', () => {
    expect(normaliseIdentifier('nhs', '943 476 5919')).toBe('9434765919');
    expect(normaliseIdentifier('ni', 'ab 12 34 56 c')).toBe('AB123456C');
    expect(normaliseIdentifier('pnc', ' 18/123456a ')).toBe('18/123456A');
    expect(normaliseIdentifier('housing_ref', ' h-0042 ')).toBe('H0042');
  });
  it('says what is wrong, as the end of the row/field message', () => {
    expect(identifierProblem('nhs', '943 476 5918')).toBe('fails the NHS number check digit');
    expect(identifierProblem('nhs', '12345')).toBe('is not 10 digits: an NHS number has 10');
    expect(identifierProblem('upn', 'A820123456789')).toBe('fails the Unique Pupil Number check letter');
    expect(identifierProblem('upn', 'E8201234567')).toBe('is not 13 characters: a Unique Pupil Number has 13');
    expect(identifierProblem('ni', 'GB123456A')).toBe('is not a National Insurance number: 2 letters, 6 numbers and A, B, C or D, like AB 12 34 56 C');
    expect(identifierProblem('pnc', '18123456A')).toBe('is not a PNC ID: the year, a slash, the number and a check letter, like 18/123456A');
    expect(identifierProblem('housing_ref', 'H'.repeat(65))).toBe('is longer than 64 characters');
    expect(identifierProblem('nhs', '9434765919')).toBeNull();
    expect(identifierProblem('housing_ref', 'H-0042')).toBeNull();
    expect(isSchemeName('housing_ref')).toBe(true);
    expect(isSchemeName('Bad Scheme')).toBe(false);
  });
});

describe('made-up numbers for the demo and generated data', () => {
  it('are valid numbers of their scheme, and the NHS numbers can be kept to the test range', () => {
    let s = 1;
    const random = () => ((s = (s * 48_271) % 2_147_483_647) / 2_147_483_647);
    for (let i = 0; i < 200; i++) {
      const nhs = madeUpNhsNumber(random, '999');
      expect(nhs).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(nhs)).toBe(true);
      expect(isValidNhsNumber(madeUpNhsNumber(random))).toBe(true);
      expect(isValidUpn(madeUpUpn(random))).toBe(true);
      expect(isValidNiNumber(madeUpNiNumber(random))).toBe(true);
    }
  });
});

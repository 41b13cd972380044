import { describe, expect, it } from 'vitest';
import { formVersion, unsafeTextReason, versionSchema } from './input.ts';
import { lineTotal, LineTooLargeError, maxLineTotalPence } from './costs/cost-benefit.ts';
import { AmountTooLargeError, mulDivRound } from './costs/money.ts';

describe('what text may enter', () => {
  it('refuses NUL and lone surrogates, keeps whole emoji and accents', () => {
    expect(unsafeTextReason('x\u0000y')).toMatch(/^must not contain a hidden NUL character/);
    expect(unsafeTextReason('\ud800')).toMatch(/^contains a broken character/);
    expect(unsafeTextReason('a\udfffb')).toMatch(/^contains a broken character/);
    expect(unsafeTextReason('Zoë 🌟')).toBeNull();
  });

  it('bounds the length, by default 10,000 characters', () => {
    expect(unsafeTextReason('x'.repeat(10_000))).toBeNull();
    expect(unsafeTextReason('x'.repeat(10_001))).toBe('must be 10,000 characters or fewer');
    expect(unsafeTextReason('abc', 2)).toBe('must be 2 characters or fewer');
  });
});

describe('versions', () => {
  it('takes whole numbers only', () => {
    const schema = versionSchema();
    expect(schema.safeParse(3).success).toBe(true);
    for (const bad of [true, '1', 1.5, 0, null, 2 ** 31]) expect(schema.safeParse(bad).success).toBe(false);
    expect(versionSchema(0).safeParse(0).success).toBe(true);
  });

  it('reads a form field of digits as a number and leaves anything else for the schema to refuse', () => {
    expect(formVersion('12')).toBe(12);
    expect(formVersion('1e3')).toBe('1e3');
    expect(formVersion(['1', '2'])).toEqual(['1', '2']);
  });
});

describe('exact money', () => {
  it('works a line out with BigInt and refuses one beyond the limit', () => {
    expect(lineTotal(1_000_000, 1_000_000, 100)).toBe(maxLineTotalPence);
    expect(() => lineTotal(1_000_000, 1_000_001, 100)).toThrow(LineTooLargeError);
    expect(() => lineTotal(1_000_000, 100_000_000_000, 10_000_000, 3)).toThrow(new LineTooLargeError(3));
    expect(new LineTooLargeError(3).message).toBe('Line 3 comes to more than £10,000,000,000 (number x unit cost x quantity): check the number, the unit cost and the quantity');
  });

  it('refuses a result a number cannot hold exactly', () => {
    expect(() => mulDivRound(Number.MAX_SAFE_INTEGER, 10, 1)).toThrow(AmountTooLargeError);
    expect(mulDivRound(Number.MAX_SAFE_INTEGER, 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

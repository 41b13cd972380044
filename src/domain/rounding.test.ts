import { describe, expect, it } from 'vitest';
import { fixed, fixedFraction, roundFraction, roundHalfUp, wholePercentOf } from './rounding.ts';

describe('one rounding rule: half up on exact arithmetic', () => {
  it('rounds the issue’s rates per 1,000 up, where toFixed rounded them down', () => {
    expect((69 / 40_000 * 1000).toFixed(2)).toBe('1.72');
    expect(fixedFraction(69 * 1000, 40_000, 2)).toBe('1.73');
    expect(fixed(69 / 40_000 * 1000, 2)).toBe('1.73');
    expect(fixedFraction(35 * 1000, 200_000, 2)).toBe('0.18');
    expect(fixed(35 / 200_000 * 1000, 2)).toBe('0.18');
  });

  it('rounds decimal halves up however the float holds them', () => {
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(0.145 * 100)).toBe(15);
    expect(roundHalfUp(2.5)).toBe(3);
    expect(roundHalfUp(2.4999)).toBe(2);
    expect(fixed(8, 2)).toBe('8.00');
    expect(fixed(0.05, 1)).toBe('0.1');
  });

  it('takes halves away from zero for negative figures', () => {
    expect(roundHalfUp(-2.5)).toBe(-3);
    expect(fixed(-0.125, 2)).toBe('-0.13');
    expect(roundFraction(-1, 3, 2)).toBe(-0.33);
  });

  it('keeps large products exact', () => {
    expect(roundFraction(123_456_789n * 987_654_321n, 1_000_000n)).toBe(121_932_631_113);
  });

  it('gives whole percentages from the fraction, not a rounded float', () => {
    expect(wholePercentOf(9, 14)).toBe(64);
    expect(wholePercentOf(5, 8)).toBe(63);
    expect(wholePercentOf(1, 8)).toBe(13);
  });

  it('refuses to divide by zero', () => {
    expect(() => roundFraction(1, 0)).toThrow('Cannot divide by 0');
  });
});

import { describe, expect, it } from 'vitest';
import { essexAudit, extrapolate, wilsonInterval } from './case-file-audit.ts';
import { formatPercent } from './numbers.ts';

describe('case-file audit extrapolation', () => {
  it('reproduces the Essex report’s Table 3: 42 files, 1,475 looked-after children', () => {
    const result = extrapolate(essexAudit.sampleSize, essexAudit.population, essexAudit.counts);
    expect(result.lines.map((l) => [l.label, l.files, formatPercent(l.proportion), l.indicated])).toEqual([
      ['Mental health problems', 12, '28.6%', 421],
      ['Substance misuse', 14, '33.3%', 492],
      ['Alcohol misuse', 6, '14.3%', 211],
      ['Domestic abuse', 15, '35.7%', 527],
      ['Offending', 11, '26.2%', 386],
    ]);
  });

  it('extrapolates from the exact fraction, not the rounded percentage', () => {
    // 28.6% × 1,475 would be 421.85, i.e. 422; 12/42 × 1,475 is 421.43, i.e. 421.
    expect(extrapolate(42, 1475, { mental_health: 12 }).lines[0].indicated).toBe(421);
    // 33.3% × 1,475 would be 491; 14/42 × 1,475 is 491.67, i.e. 492.
    expect(extrapolate(42, 1475, { substance_misuse: 14 }).lines[1].indicated).toBe(492);
  });

  it('gives Wilson score 95% intervals', () => {
    const result = extrapolate(essexAudit.sampleSize, essexAudit.population, essexAudit.counts);
    expect(result.lines.map((l) => `${formatPercent(l.interval.lower)} to ${formatPercent(l.interval.upper)}`)).toEqual([
      '17.2% to 43.6%', '21.0% to 48.4%', '6.7% to 27.8%', '23.0% to 50.8%', '15.3% to 41.1%',
    ]);
    expect(result.lines[0].indicatedRange).toEqual({ lower: 253, upper: 643 });
  });

  it('keeps the interval inside 0 to 100% at the edges', () => {
    expect(wilsonInterval(0, 10)!.lower).toBe(0);
    expect(formatPercent(wilsonInterval(0, 10)!.upper)).toBe('27.8%');
    expect(formatPercent(wilsonInterval(10, 10)!.lower)).toBe('72.2%');
    expect(wilsonInterval(10, 10)!.upper).toBeLessThanOrEqual(1);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });

  it('has no lines for an empty sample', () => {
    expect(extrapolate(0, 1475, {}).lines).toEqual([]);
  });
});

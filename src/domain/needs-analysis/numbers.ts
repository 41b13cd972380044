/**
 * Exact arithmetic for published figures. Estimates are counts of people, so they are rounded
 * half up from the exact fraction (never from an already rounded percentage), in integers, so
 * 4.5% of 16,264 births is 731.88 and so 732 on every machine.
 */
import { fixed, roundFraction, roundHalfUp } from '../rounding.ts';

/** numerator / denominator rounded half up to a multiple of `step` (1, 10, 100 ...). Both must be whole numbers. */
export function roundRatio(numerator: number, denominator: number, step = 1): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0 || numerator < 0) {
    throw new RangeError(`roundRatio needs whole numbers (got ${numerator} / ${denominator})`);
  }
  return roundFraction(numerator, denominator * step) * step;
}

/** A percentage such as 2.8 as thousandths of a percent (2800), the unit rates are stored to. */
export function percentToThousandths(percent: number): number {
  return roundHalfUp(percent * 1000);
}

/** `percent`% of `base`, rounded half up to a multiple of `roundTo`. 2.8% of 262,000 to the nearest 100 is 7,300. */
export function percentOf(percent: number, base: number, roundTo = 1): number {
  return roundRatio(percentToThousandths(percent) * base, 100_000, roundTo);
}

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** 262000 → '262,000'. */
export function formatCount(value: number): string {
  return whole.format(value);
}

/** A proportion (0.2857) as a percentage to `dp` places: '28.6%'. */
export function formatPercent(proportion: number, dp = 1): string {
  return `${fixed(proportion * 100, dp)}%`;
}

/** A rate already in percent (2.8) as written in the report: '2.8%', '22.1%', '1%'. */
export function formatRate(percent: number): string {
  return `${roundHalfUp(percent, 3)}%`;
}

/** A figure to a fixed number of decimal places, e.g. a rate per 1,000 people: 1.75. */
export function formatDecimal(value: number, dp = 2): string {
  return fixed(value, dp);
}

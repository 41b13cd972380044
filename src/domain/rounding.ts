/**
 * The one rounding rule for every figure Lantern shows: half up (halves go away from zero), on
 * exact arithmetic. Binary floats cannot hold 1.725 or 0.175, so `toFixed` and
 * `Math.round(x * 100) / 100` round some halves down (69 / 40,000 x 1,000 showed 1.72). Here a
 * number is read as a decimal to 15 significant figures (all a double holds, so the noise of
 * float arithmetic, 14.499999999999998 for 14.5, is gone) and a fraction is kept as two whole
 * numbers, so a half is a true half and rounds up on every machine.
 */

import { rational } from './exact.ts';

const TEN = 10n;

/** numerator / denominator x 10^places rounded half away from zero, as a whole number. */
function scaledHalfUp(numerator: number | bigint, denominator: number | bigint, places: number): bigint {
  if (!Number.isInteger(places) || places < 0) throw new RangeError(`places must be a whole number (got ${places})`);
  const a = rational(numerator);
  const b = rational(denominator);
  if (b.n === 0n) throw new RangeError('Cannot divide by 0');
  let n = a.n * b.d * TEN ** BigInt(places);
  let d = a.d * b.n;
  if (d < 0n) { n = -n; d = -d; }
  const negative = n < 0n;
  const magnitude = (2n * (negative ? -n : n) + d) / (2n * d);
  return negative ? -magnitude : magnitude;
}

function toText(scaled: bigint, places: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const text = places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits;
  return negative ? `-${text}` : text;
}

/** numerator / denominator rounded half up to `places` decimals: (69 x 1000, 40000, 2) → 1.73. */
export function roundFraction(numerator: number | bigint, denominator: number | bigint, places = 0): number {
  return Number(toText(scaledHalfUp(numerator, denominator, places), places));
}

/** A number rounded half up to `places` decimals: (1.725, 2) → 1.73, (0.175, 2) → 0.18, (-2.5) → -3. */
export function roundHalfUp(value: number, places = 0): number {
  return roundFraction(value, 1, places);
}

/** Like `toFixed`, but half up on the decimal value: fixed(1.005, 2) → '1.01' (toFixed gives '1.00'). */
export function fixed(value: number, places: number): string {
  return toText(scaledHalfUp(value, 1, places), places);
}

/** numerator / denominator as text to `places` decimals, half up: fixedFraction(69000, 40000, 2) → '1.73'. */
export function fixedFraction(numerator: number | bigint, denominator: number | bigint, places: number): string {
  return toText(scaledHalfUp(numerator, denominator, places), places);
}

/** numerator / denominator as a whole percentage, half up: (9, 14) → 64, (5, 8) → 63. */
export function wholePercentOf(numerator: number, denominator: number): number {
  return roundFraction(numerator * 100, denominator, 0);
}

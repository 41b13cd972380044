/**
 * Exact arithmetic on the figures Lantern compares and rounds: a number is read as a decimal to
 * 15 significant figures (all a double holds, so the noise of float arithmetic, 14.499999999999998
 * for 14.5, is gone) and held as a fraction of two BigInts.
 */

const TEN = 10n;

export interface Rational { n: bigint; d: bigint }

/** A finite number as a decimal to 15 significant figures: 1.725 → 1725/1000; whole numbers and bigints exactly. */
export function rational(value: number | bigint): Rational {
  if (typeof value === 'bigint') return { n: value, d: 1n };
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  if (Number.isSafeInteger(value)) return { n: BigInt(value), d: 1n };
  const [mantissa, exponentText = '0'] = value.toPrecision(15).toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(whole + fraction);
  return exponent >= 0 ? { n: digits * TEN ** BigInt(exponent), d: 1n } : { n: digits, d: TEN ** BigInt(-exponent) };
}

/** a <= b, exactly. */
export function atMost(a: number | Rational, b: number | Rational): boolean {
  const x = typeof a === 'number' ? rational(a) : a;
  const y = typeof b === 'number' ? rational(b) : b;
  return x.n * y.d <= y.n * x.d;
}

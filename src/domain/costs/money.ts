/**
 * Money in whole pence, so every sum is exact and the same on every machine; rounding happens
 * once, half up, at the step that divides.
 */
import { roundFraction } from '../rounding.ts';

/**
 * An amount too large to work out exactly (beyond 2^53 pence, about £90 trillion), or beyond a
 * limit Lantern sets. Records saved before the limits existed show this as a problem to fix.
 */
export class AmountTooLargeError extends RangeError {}

/** a * b / c rounded half up, for non-negative whole numbers (BigInt so large products stay exact). */
export function mulDivRound(a: number, b: number, c: number): number {
  for (const n of [a, b, c]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new AmountTooLargeError(`mulDivRound needs non-negative whole numbers up to 2^53 (got ${a} * ${b} / ${c})`);
  }
  if (c === 0) throw new RangeError('mulDivRound cannot divide by 0');
  const rounded = roundFraction(BigInt(a) * BigInt(b), BigInt(c));
  if (!Number.isSafeInteger(rounded)) throw new AmountTooLargeError(`${a} * ${b} / ${c} pence is too large to work out exactly`);
  return rounded;
}

/** A BigInt as a number, refusing one that a number cannot hold exactly. */
export function exactNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountTooLargeError(`${value} pence is too large to work out exactly`);
  return Number(value);
}

const pounds = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const poundsAndPence = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 50208000 → '£502,080'; 105312 → '£1,053.12'; negative amounts as '-£1,000'. Pence only when there are some. */
export function formatPence(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const text = abs % 100 === 0 ? pounds.format(abs / 100) : poundsAndPence.format(abs / 100);
  return `${sign}£${text}`;
}

/** Pence as a plain number of pounds for CSV and JSON: 50208000 → '502080', 105312 → '1053.12'. */
export function penceToPounds(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  return rest === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(rest).padStart(2, '0')}`;
}

/**
 * '1,053.12', '£856' or '856.5' as pence; null when it is not an amount of money
 * (negative, more than two decimal places, or not a number at all).
 */
export function parsePounds(text: string): number | null {
  const cleaned = text.trim().replace(/^£/, '').replace(/,(?=\d{3}(\D|$))/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  const pence = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(pence) ? pence : null;
}

/** A number with up to `places` decimals as whole hundredths/tenths/thousandths: ('8', 2) → 800. Null if it has more places. */
export function parseScaled(text: string, places: number): number | null {
  const cleaned = text.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  const pattern = new RegExp(`^\\d+(\\.\\d{1,${places}})?$`);
  if (!pattern.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  const value = Number(whole) * 10 ** places + Number(fraction.padEnd(places, '0') || '0');
  return Number.isSafeInteger(value) ? value : null;
}

/** 800 hundredths → '8'; 850 → '8.5'; 1234 thousandths with places 3 → '1.234'. */
export function formatScaled(value: number, places: number): string {
  const scale = 10 ** places;
  const whole = Math.floor(value / scale);
  const fraction = String(value % scale).padStart(places, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

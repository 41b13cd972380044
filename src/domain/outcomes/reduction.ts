/**
 * "Reduced by at least N%", written once for the evaluation and the claims. Family Action's
 * source: "offending was reduced by at least 33% in the last 6 months" against the 12 months
 * before referral, so the count before is the six-monthly rate of those 12 months. Compared
 * exactly: a fall from a six-monthly rate of 100 (200 in 12 months) to 67 is a fall of 33%.
 */
import { atMost, rational } from '../exact.ts';

/** after <= before x (100 - percent) / 100, exactly; with nothing before, only nothing after counts. */
export function reducedByAtLeast(percent: number, before: number, after: number): boolean {
  if (before === 0) return after === 0;
  const b = rational(before);
  const p = rational(percent);
  // before x (100 - percent) / 100 as one fraction: b.n x (100 p.d - p.n) / (b.d x p.d x 100).
  return atMost(after, { n: b.n * (100n * p.d - p.n), d: b.d * p.d * 100n });
}

/**
 * The six-monthly rate before referral: half the 12-month count where it is recorded (the
 * source's comparison), else the 6-month count itself.
 */
export function sixMonthlyRateBefore(twelveMonths: number | null | undefined, sixMonths: number | null | undefined): number | null {
  if (twelveMonths !== null && twelveMonths !== undefined) return twelveMonths / 2;
  return sixMonths ?? null;
}

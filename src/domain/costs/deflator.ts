import { formatPence, formatScaled, mulDivRound } from './money.ts';

/**
 * Bringing a cost from its price year to a report's price year with a price index by financial
 * year (the HM Treasury GDP deflator at market prices is the usual one for public spending).
 * The factor is index(report year) / index(price year), rounded to 4 decimal places, and the
 * cost is multiplied by that rounded factor and rounded to the penny, so the sum on the page
 * ("£856 (2015/16) x 1.23 = £1,052.88 (2024/25)") can be checked by hand and gives the same
 * figure.
 */

export interface DeflatorYear {
  financialYear: string;
  /** The index in thousandths (HM Treasury publishes three decimal places): 100.000 → 100000. */
  indexThousandths: number;
  source: string;
}

/** The factor in ten-thousandths: 12300 is x 1.23. */
export type Factor = number;

export const factorScale = 10_000;

export class MissingDeflatorError extends Error {
  constructor(readonly financialYear: string) {
    super(`There is no deflator index for ${financialYear}, so costs cannot be moved to or from ${financialYear} prices. Add the index for ${financialYear} on the deflator page.`);
  }
}

/** The factor that takes a cost from `from` prices to `to` prices. Same year: exactly 1, without needing the index. */
export function deflationFactor(from: string, to: string, index: ReadonlyMap<string, number> | readonly DeflatorYear[]): Factor {
  if (from === to) return factorScale;
  const lookup = index instanceof Map ? index : new Map((index as readonly DeflatorYear[]).map((y) => [y.financialYear, y.indexThousandths]));
  const fromIndex = lookup.get(from);
  const toIndex = lookup.get(to);
  if (fromIndex === undefined) throw new MissingDeflatorError(from);
  if (toIndex === undefined) throw new MissingDeflatorError(to);
  return mulDivRound(toIndex, factorScale, fromIndex);
}

/** A cost in pence multiplied by the factor, rounded half up to the penny. */
export function applyFactor(pence: number, factor: Factor): number {
  return mulDivRound(pence, factor, factorScale);
}

/** 12300 → '1.23'; 10000 → '1'. */
export function formatFactor(factor: Factor): string {
  return formatScaled(factor, 4);
}

/** '£856 (2015/16) x 1.23 = £1,052.88 (2024/25)'. */
export function describeDeflation(pence: number, from: string, to: string, factor: Factor): string {
  return `${formatPence(pence)} (${from}) x ${formatFactor(factor)} = ${formatPence(applyFactor(pence, factor))} (${to})`;
}

/** Moves a cost between price years and says how. */
export function deflate(pence: number, from: string, to: string, index: ReadonlyMap<string, number> | readonly DeflatorYear[]) {
  const factor = deflationFactor(from, to, index);
  return { pence: applyFactor(pence, factor), factor, sum: from === to ? null : describeDeflation(pence, from, to, factor) };
}

/**
 * Case-file audit extrapolation: the share of sampled case files showing each parental
 * vulnerability, with a Wilson score 95% confidence interval, and the number that share
 * indicates in the whole population (Essex: 42 looked-after children's files, 1,475 looked after).
 */
import { roundRatio } from './numbers.ts';
import { roundHalfUp } from '../rounding.ts';

/** The vulnerabilities the Essex audit recorded from each file, in the report's order. */
export const auditVulnerabilities = [
  { key: 'mental_health', label: 'Mental health problems' },
  { key: 'substance_misuse', label: 'Substance misuse' },
  { key: 'alcohol_misuse', label: 'Alcohol misuse' },
  { key: 'domestic_abuse', label: 'Domestic abuse' },
  { key: 'offending', label: 'Offending' },
] as const;
export type AuditVulnerability = (typeof auditVulnerabilities)[number]['key'];
export const auditVulnerabilityKeys: readonly string[] = auditVulnerabilities.map((v) => v.key);

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval for a proportion: unlike p ± z·√(p(1−p)/n) it stays within 0 to 1 and
 * behaves for small samples and for 0 or n successes. Null for an empty sample.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  if (successes < 0 || successes > n) throw new RangeError(`${successes} of ${n} is not possible`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

export interface AuditLine {
  key: string;
  label: string;
  files: number;
  /** files / sample size. */
  proportion: number;
  interval: Interval;
  /** round(files / sample × population), from the exact fraction: 12 of 42 over 1,475 is 421 (not 28.6% × 1,475 = 422). */
  indicated: number;
  /** The interval applied to the population, each end rounded. */
  indicatedRange: { lower: number; upper: number };
}

export interface AuditResult {
  sampleSize: number;
  population: number;
  lines: AuditLine[];
}

/** The audit table: for each vulnerability, files, percentage with its interval, and the indicated number. */
export function extrapolate(sampleSize: number, population: number, counts: Readonly<Record<string, number>>, vulnerabilities: readonly { key: string; label: string }[] = auditVulnerabilities): AuditResult {
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 0) throw new RangeError('The sample size must be a whole number');
  const lines = sampleSize === 0 ? [] : vulnerabilities.map(({ key, label }) => {
    const files = counts[key] ?? 0;
    const interval = wilsonInterval(files, sampleSize)!;
    return {
      key, label, files, proportion: files / sampleSize, interval,
      indicated: roundRatio(files * population, sampleSize),
      indicatedRange: { lower: roundHalfUp(interval.lower * population), upper: roundHalfUp(interval.upper * population) },
    };
  });
  return { sampleSize, population, lines };
}

/** The Essex audit: 42 looked-after children's case files, extrapolated to the 1,475 looked after. */
export const essexAudit = {
  name: 'Essex case-file audit of looked-after children (2010)',
  populationLabel: 'children looked after',
  sampleSize: 42,
  population: 1475,
  counts: { mental_health: 12, substance_misuse: 14, alcohol_misuse: 6, domestic_abuse: 15, offending: 11 } as Record<AuditVulnerability, number>,
  source: 'Essex Hidden Harm report (2010), Table 3: indicated prevalence of parental vulnerabilities in CLA cases',
};

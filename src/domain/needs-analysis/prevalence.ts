/**
 * Prevalence estimates of hidden harm: a national prevalence rate applied to the local
 * population gives how many children are likely to live with each parental vulnerability.
 * Beside each estimate sits the number known to services; the gap is the hidden harm.
 */
import { knownCount, parseKnownRule, type FamilyProfile, type KnownRule, type PopulationBase } from './known.ts';
import { percentOf } from './numbers.ts';

export const populationBases = ['children', 'births', 'families'] as const;
export const roundingSteps = [1, 10, 100, 1000] as const;
export type RoundTo = (typeof roundingSteps)[number];

export interface PrevalenceRate {
  /** A short stable name, e.g. 'drug'. */
  key: string;
  label: string;
  /** Percent: 2.8 means 2.8%. Up to three decimal places. */
  rate: number;
  base: PopulationBase;
  /** Where the rate comes from: every published figure carries its source. */
  source: string;
  /** Round the estimate half up to a multiple of this (the Essex report gives 7,300 for 7,336). */
  roundTo: RoundTo;
  /** Which families Lantern counts as known: see parseKnownRule. */
  knownRule: string;
}

const essexReport = 'Essex Hidden Harm report (2010), Table 1: prevalence estimate from national research';

/**
 * The Essex report's Table 1. "All three" follows the report's own words, children of parents with
 * drug, alcohol and mental health problems, so Lantern counts families where the parents have all of
 * 2B, 1B and 4B. The "toxic trio" (substance misuse, mental health and domestic abuse) is the rule
 * '1B/2B + 4B + 3B' instead: change the rule on the rates page to count that.
 */
export const essexPrevalenceRates: readonly PrevalenceRate[] = [
  { key: 'drug', label: 'Children of dependent drug misusing parents', rate: 2.8, base: 'children', source: essexReport, roundTo: 100, knownRule: '2B' },
  { key: 'alcohol', label: 'Children of alcohol misusing parents', rate: 22.1, base: 'children', source: essexReport, roundTo: 1, knownRule: '1B' },
  { key: 'mental-health', label: 'Children of parents with mental health problems', rate: 17.8, base: 'children', source: essexReport, roundTo: 1, knownRule: '4B' },
  { key: 'all-three', label: 'Children of parents with drug, alcohol and mental health problems', rate: 1, base: 'children', source: essexReport, roundTo: 1, knownRule: '2B + 1B + 4B' },
  { key: 'domestic-abuse', label: 'Children experiencing parental domestic abuse', rate: 10, base: 'children', source: essexReport, roundTo: 1, knownRule: '3B' },
  {
    key: 'births', label: 'Births to substance misusing mothers', rate: 4.5, base: 'births', roundTo: 1, knownRule: '1B/2B',
    source: 'NICE guidance on pregnancy and complex social factors (2010), from local audit figures, as used in the Essex Hidden Harm report (2010), Table 1',
  },
  { key: 'complex', label: 'Complex families with four or more vulnerabilities', rate: 2, base: 'families', source: essexReport, roundTo: 1, knownRule: '4+ needs' },
];

/** One area's population in one age band. An area's figures are the sums of its rows. */
export interface PopulationRow {
  area: string;
  districtId: string | null;
  ageBand: string;
  children: number;
  births: number;
  families: number;
  people: number;
}

export interface PopulationTotals {
  children: number;
  births: number;
  families: number;
  people: number;
}

export function totals(rows: readonly PopulationRow[]): PopulationTotals {
  const sum: PopulationTotals = { children: 0, births: 0, families: 0, people: 0 };
  for (const r of rows) {
    sum.children += r.children;
    sum.births += r.births;
    sum.families += r.families;
    sum.people += r.people;
  }
  return sum;
}

/** The estimate for one rate over a base population, rounded as the rate says. */
export function estimate(rate: Pick<PrevalenceRate, 'rate' | 'roundTo'>, basePopulation: number): number {
  return percentOf(rate.rate, basePopulation, rate.roundTo);
}

export interface PrevalenceLine {
  rate: PrevalenceRate;
  rule: KnownRule;
  basePopulation: number;
  estimate: number;
  /** Null when not counted: the rule is empty, or the population is not this partnership's area. */
  known: number | null;
  /** estimate − known: the hidden harm. Negative when services know more than the estimate. */
  gap: number | null;
}

export interface AreaLine {
  area: string;
  districtId: string | null;
  basePopulation: number;
  estimate: number;
  known: number | null;
  gap: number | null;
}

export interface AgeBandLine {
  ageBand: string;
  children: number;
  estimates: Record<string, number>;
}

export interface PrevalenceTable {
  totals: PopulationTotals;
  lines: PrevalenceLine[];
  /** For each rate key, a line per area (district) in the order the areas first appear. */
  byArea: Record<string, AreaLine[]>;
  /** Children by age band, with the estimate for each rate on children. */
  byAgeBand: AgeBandLine[];
}

function ruleOf(rate: PrevalenceRate): KnownRule {
  const parsed = parseKnownRule(rate.knownRule);
  return 'rule' in parsed ? parsed.rule : { kind: 'none' };
}

/** Sorts age bands by their first number: '0-4', '5-9', '10-15', then anything else by name. */
export function compareAgeBands(a: string, b: string): number {
  const na = /^\d+/.exec(a);
  const nb = /^\d+/.exec(b);
  if (na && nb && Number(na[0]) !== Number(nb[0])) return Number(na[0]) - Number(nb[0]);
  if (na && !nb) return -1;
  if (!na && nb) return 1;
  return a.localeCompare(b);
}

/**
 * The prevalence table. Totals are estimated from the whole population (not summed from rounded
 * area estimates), as the report does. `profiles` is null when the population is not this
 * partnership's districts, so nothing is "known" against it.
 */
export function prevalenceTable(rates: readonly PrevalenceRate[], population: readonly PopulationRow[], profiles: readonly FamilyProfile[] | null): PrevalenceTable {
  const all = totals(population);
  const areas: { area: string; districtId: string | null; totals: PopulationTotals }[] = [];
  for (const row of population) {
    let entry = areas.find((a) => a.area === row.area);
    if (!entry) areas.push((entry = { area: row.area, districtId: row.districtId, totals: { children: 0, births: 0, families: 0, people: 0 } }));
    entry.totals.children += row.children;
    entry.totals.births += row.births;
    entry.totals.families += row.families;
    entry.totals.people += row.people;
  }
  const lines: PrevalenceLine[] = [];
  const byArea: Record<string, AreaLine[]> = {};
  for (const rate of rates) {
    const rule = ruleOf(rate);
    const counted = profiles && rule.kind !== 'none' ? knownCount(rule, rate.base, profiles) : null;
    const est = estimate(rate, all[rate.base]);
    lines.push({ rate, rule, basePopulation: all[rate.base], estimate: est, known: counted?.total ?? null, gap: counted ? est - counted.total : null });
    byArea[rate.key] = areas.map((a) => {
      const e = estimate(rate, a.totals[rate.base]);
      const known = counted ? (counted.byDistrict[a.districtId ?? ''] ?? 0) : null;
      return { area: a.area, districtId: a.districtId, basePopulation: a.totals[rate.base], estimate: e, known, gap: known === null ? null : e - known };
    });
  }
  const bands = new Map<string, number>();
  for (const row of population) bands.set(row.ageBand, (bands.get(row.ageBand) ?? 0) + row.children);
  const childRates = rates.filter((r) => r.base === 'children');
  const byAgeBand = [...bands.entries()]
    .filter(([, children]) => children > 0)
    .sort(([a], [b]) => compareAgeBands(a, b))
    .map(([ageBand, children]) => ({ ageBand, children, estimates: Object.fromEntries(childRates.map((r) => [r.key, estimate(r, children)])) }));
  return { totals: all, lines, byArea, byAgeBand };
}

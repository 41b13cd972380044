/**
 * Turns needs-analysis results into what people read: tables (one definition each, for the
 * page, the CSV download and the PDF) and SVG charts.
 */
import { barChart, groupedBarChart } from '../../domain/charts/svg.ts';
import type { AuditResult } from '../../domain/needs-analysis/case-file-audit.ts';
import { describeKnownRule } from '../../domain/needs-analysis/known.ts';
import { formatCount, formatDecimal, formatPercent, formatRate } from '../../domain/needs-analysis/numbers.ts';
import type { AreaView, OverlapView, PrevalenceView } from './service.ts';
import type { Cell, Column, DataTable } from '../../web/data-table.ts';
import { roundHalfUp } from '../../domain/rounding.ts';
import { count as countWords, noun } from '../../domain/plural.ts';

export { cellText, cellValue, type Cell, type Column, type DataTable } from '../../web/data-table.ts';

const count = (n: number | null | undefined): Cell => (n === null || n === undefined ? null : { value: n, text: formatCount(n) });
const percent = (p: number | null, dp = 1): Cell => (p === null ? null : { value: roundHalfUp(p * 100, dp), text: formatPercent(p, dp) });
/** '1 family', '2 families'. */
export const familiesText = (n: number) => countWords(n, 'family');
const decimal = (n: number | null, dp = 2): Cell => (n === null ? null : { value: roundHalfUp(n, dp), text: formatDecimal(n, dp) });

export const baseNouns = { children: 'children', births: 'births', families: 'families' } as const;
const roundingWords = (step: number) => (step === 1 ? 'to the nearest whole number' : `to the nearest ${formatCount(step)}`);

type PrevalenceTableData = NonNullable<PrevalenceView['table']>;

/** The Essex report's Table 1, with Lantern's known numbers and the gap. */
export function prevalenceEstimatesTable(view: PrevalenceView & { table: PrevalenceTableData }, full = false): DataTable {
  const columns: Column[] = [
    { text: 'Parental vulnerability' }, { text: 'Prevalence (national rate)', numeric: true }, { text: 'Applied to', numeric: true },
    { text: 'Estimated number', numeric: true }, { text: 'Known to services', numeric: true }, { text: 'Gap (hidden harm)', numeric: true },
  ];
  if (full) columns.push({ text: 'Estimate rounded' }, { text: 'Counted as known' }, { text: 'Source of the rate' });
  return {
    id: 'estimates', caption: `Prevalence estimates of hidden harm: ${view.set!.name}`, csvName: 'prevalence-estimates.csv', columns,
    rows: view.table.lines.map((l) => {
      const row: Cell[] = [
        l.rate.label, { value: l.rate.rate, text: formatRate(l.rate.rate) },
        { value: l.basePopulation, text: `${formatCount(l.basePopulation)} ${baseNouns[l.rate.base]}` },
        count(l.estimate), count(l.known), count(l.gap),
      ];
      if (full) row.push(roundingWords(l.rate.roundTo), view.knownCounted ? describeKnownRule(l.rule, l.rate.base) : 'Not counted: not this partnership’s area', l.rate.source);
      return row;
    }),
  };
}

export function prevalenceChart(view: PrevalenceView & { table: PrevalenceTableData }): string {
  const lines = view.table.lines;
  const title = `Estimated number${view.knownCounted ? ' and number known to services' : ''}, by parental vulnerability`;
  const biggest = [...lines].sort((a, b) => (b.gap ?? b.estimate) - (a.gap ?? a.estimate))[0];
  const description = view.knownCounted
    ? `For ${view.set!.name}. The largest gap between the estimate and the number known is for ${biggest?.rate.label.toLowerCase()}: ${formatCount(biggest?.estimate ?? 0)} estimated, ${formatCount(biggest?.known ?? 0)} known.`
    : `For ${view.set!.name}. The largest estimate is for ${[...lines].sort((a, b) => b.estimate - a.estimate)[0]?.rate.label.toLowerCase()}.`;
  if (!view.knownCounted) {
    return barChart({ id: 'chart-estimates', title, description, bars: lines.map((l) => ({ label: l.rate.label, value: l.estimate, valueText: formatCount(l.estimate) })) });
  }
  return groupedBarChart({
    id: 'chart-estimates', title, description, series: [{ name: 'Estimated' }, { name: 'Known to services' }],
    groups: lines.map((l) => ({ label: l.rate.label, values: [l.estimate, l.known ?? 0], valueTexts: [formatCount(l.estimate), l.known === null ? 'not counted' : formatCount(l.known)] })),
  });
}

/** One vulnerability by district: where the estimated, known and hidden numbers are. */
export function prevalenceDistrictTable(view: PrevalenceView & { table: PrevalenceTableData }, rateKey: string): DataTable {
  const line = view.table.lines.find((l) => l.rate.key === rateKey) ?? view.table.lines[0];
  const areas = view.table.byArea[line.rate.key] ?? [];
  return {
    id: 'districts', caption: `${line.rate.label}, by ${view.set!.by_district ? 'district' : 'area'}`, csvName: `prevalence-${line.rate.key}-by-district.csv`,
    columns: [
      { text: view.set!.by_district ? 'District' : 'Area' }, { text: `Population (${baseNouns[line.rate.base]})`, numeric: true }, { text: 'Estimated number', numeric: true },
      { text: 'Known to services', numeric: true }, { text: 'Gap (hidden harm)', numeric: true }, { text: 'Known as a share of the estimate', numeric: true },
    ],
    rows: areas.map((a) => [a.area, count(a.basePopulation), count(a.estimate), count(a.known), count(a.gap), a.known === null || a.estimate === 0 ? null : percent(a.known / a.estimate)]),
  };
}

/** Every vulnerability by district, long form, for the CSV download. */
export function prevalenceAllDistrictsTable(view: PrevalenceView & { table: PrevalenceTableData }): DataTable {
  return {
    id: 'districts-all', caption: 'Prevalence estimates by district', csvName: 'prevalence-by-district.csv',
    columns: [{ text: 'District' }, { text: 'Parental vulnerability' }, { text: 'Applied to' }, { text: 'Population', numeric: true }, { text: 'Estimated number', numeric: true }, { text: 'Known to services', numeric: true }, { text: 'Gap (hidden harm)', numeric: true }],
    rows: view.table.lines.flatMap((l) => (view.table.byArea[l.rate.key] ?? []).map((a): Cell[] => [
      a.area, l.rate.label, baseNouns[l.rate.base], count(a.basePopulation), count(a.estimate), count(a.known), count(a.gap),
    ])),
  };
}

export function prevalenceDistrictChart(view: PrevalenceView & { table: PrevalenceTableData }, rateKey: string): string {
  const line = view.table.lines.find((l) => l.rate.key === rateKey) ?? view.table.lines[0];
  const areas = view.table.byArea[line.rate.key] ?? [];
  const title = `${line.rate.label}: estimated${view.knownCounted ? ' and known' : ''}, by ${view.set!.by_district ? 'district' : 'area'}`;
  const top = [...areas].sort((a, b) => (b.gap ?? b.estimate) - (a.gap ?? a.estimate))[0];
  const description = top ? `The largest ${view.knownCounted ? 'gap' : 'estimate'} is in ${top.area}: ${formatCount(top.estimate)} estimated${top.known === null ? '' : `, ${formatCount(top.known)} known`}.` : 'No figures.';
  return groupedBarChart({
    id: 'chart-districts', title, description,
    series: view.knownCounted ? [{ name: 'Estimated' }, { name: 'Known' }] : [{ name: 'Estimated' }],
    groups: areas.map((a) => ({ label: a.area, values: view.knownCounted ? [a.estimate, a.known ?? 0] : [a.estimate], valueTexts: [formatCount(a.estimate), formatCount(a.known ?? 0)] })),
  });
}

export function prevalenceAgeBandTable(view: PrevalenceView & { table: PrevalenceTableData }): DataTable {
  const childRates = view.table.lines.filter((l) => l.rate.base === 'children');
  return {
    id: 'age-bands', caption: 'Estimated number of children, by age band', csvName: 'prevalence-by-age-band.csv',
    columns: [{ text: 'Age band' }, { text: 'Children', numeric: true }, ...childRates.map((l) => ({ text: l.rate.label, numeric: true }))],
    rows: view.table.byAgeBand.map((b) => [b.ageBand, count(b.children), ...childRates.map((l) => count(b.estimates[l.rate.key]))]),
  };
}

export function overlapNumberTable(view: OverlapView): DataTable {
  return {
    id: 'overlap-number', caption: 'Families by number of parental vulnerabilities', csvName: 'vulnerability-overlap-by-number.csv',
    columns: [{ text: 'Number of vulnerabilities' }, { text: 'Families', numeric: true }, { text: 'Share of families with any', numeric: true }, { text: 'Children in these families', numeric: true }],
    rows: view.byNumber.map((b) => [b.label, count(b.families), view.familiesWithAny ? percent(b.families / view.familiesWithAny) : null, count(b.children)]),
  };
}

export function overlapNumberChart(view: OverlapView): string {
  const most = [...view.byNumber].sort((a, b) => b.families - a.families)[0];
  const multiple = view.byNumber.slice(1).reduce((s, b) => s + b.families, 0);
  return barChart({
    id: 'chart-overlap-number', title: 'Families by number of parental vulnerabilities',
    description: `Of ${familiesText(view.familiesWithAny)} with at least one, ${formatCount(multiple)} ${noun(multiple, 'has', 'have')} more than one.${most?.families ? ` The most common number is ${most.label}.` : ''}`,
    bars: view.byNumber.map((b) => ({ label: `${b.label} ${noun(b.label === '1' ? 1 : 2, 'vulnerability')}`, value: b.families, valueText: familiesText(b.families) })),
  });
}

export function overlapCombinationTable(view: OverlapView): DataTable {
  return {
    id: 'overlap-combinations', caption: 'Combinations of parental vulnerabilities', csvName: 'vulnerability-combinations.csv',
    columns: [{ text: 'Combination' }, { text: 'Number of vulnerabilities', numeric: true }, { text: 'Families', numeric: true }, { text: 'Children in these families', numeric: true }],
    rows: view.combinations.map((c) => [c.label, count(c.size), count(c.families), count(c.children)]),
  };
}

export function overlapCombinationChart(view: OverlapView, top = 10): string {
  const shown = view.combinations.slice(0, top);
  return barChart({
    id: 'chart-overlap-combinations', title: `The ${shown.length} most common combinations of parental vulnerabilities`,
    description: shown.length ? `The most common is ${shown[0].label.toLowerCase()}: ${familiesText(shown[0].families)}.` : 'No families with a parental vulnerability.',
    bars: shown.map((c) => ({ label: c.label, value: c.families, valueText: familiesText(c.families) })), colour: '#003078',
  });
}

export function areaTable(view: AreaView): DataTable {
  return {
    id: 'areas', caption: `${view.measure.label}: share and rate per 1,000 people, by district, highest rate first`, csvName: 'area-comparison.csv',
    columns: [
      { text: 'Rank', numeric: true }, { text: 'District' }, { text: 'Count', numeric: true }, { text: 'Share of the count', numeric: true },
      { text: 'People', numeric: true }, { text: 'Share of the population', numeric: true }, { text: 'Rate per 1,000 people', numeric: true },
    ],
    rows: view.comparison.lines.map((l) => [
      l.rank === null ? null : { value: l.rank, text: String(l.rank) }, l.area, count(l.count), percent(l.countShare),
      l.people > 0 ? count(l.people) : null, percent(l.populationShare), decimal(l.ratePer1000),
    ]),
  };
}

export function areaShareChart(view: AreaView): string {
  const over = view.comparison.lines.filter((l) => (l.ratio ?? 0) > 1).map((l) => l.area);
  return groupedBarChart({
    id: 'chart-area-shares', title: `Share of the population and share of ${view.measure.label.toLowerCase()}, by district`,
    description: over.length ? `Districts with a bigger share of the count than of the population: ${over.join(', ')}.` : 'No district has a bigger share of the count than of the population.',
    series: [{ name: 'Population' }, { name: 'Count' }],
    groups: view.comparison.lines.map((l) => ({
      label: l.area, values: [(l.populationShare ?? 0) * 100, l.countShare * 100],
      valueTexts: [l.populationShare === null ? 'not entered' : formatPercent(l.populationShare), formatPercent(l.countShare)],
    })),
  });
}

export function areaRateChart(view: AreaView): string {
  const ranked = view.comparison.lines.filter((l) => l.ratePer1000 !== null);
  return barChart({
    id: 'chart-area-rates', title: `${view.measure.label} per 1,000 people, by district`,
    description: ranked.length ? `${ranked[0].area} has the highest rate, ${formatDecimal(ranked[0].ratePer1000!)} per 1,000 people; ${ranked[ranked.length - 1].area} the lowest, ${formatDecimal(ranked[ranked.length - 1].ratePer1000!)}.` : 'No district has a population entered.',
    bars: ranked.map((l) => ({ label: l.area, value: l.ratePer1000!, valueText: formatDecimal(l.ratePer1000!) })),
  });
}

export function auditTable(name: string, result: AuditResult, populationLabel: string): DataTable {
  return {
    id: 'audit', caption: `${name}: ${formatCount(result.sampleSize)} case files, indicated in ${formatCount(result.population)} ${populationLabel}`, csvName: 'case-file-audit.csv',
    columns: [
      { text: 'Parental vulnerability' }, { text: 'Files showing it', numeric: true }, { text: 'Share of files', numeric: true },
      { text: '95% confidence interval', numeric: true }, { text: `Indicated number of ${populationLabel}`, numeric: true }, { text: 'Indicated range', numeric: true },
    ],
    rows: result.lines.map((l) => [
      l.label, count(l.files), percent(l.proportion),
      `${formatPercent(l.interval.lower)} to ${formatPercent(l.interval.upper)}`, count(l.indicated),
      `${formatCount(l.indicatedRange.lower)} to ${formatCount(l.indicatedRange.upper)}`,
    ]),
  };
}

export function auditChart(name: string, result: AuditResult): string {
  const top = [...result.lines].sort((a, b) => b.files - a.files)[0];
  return barChart({
    id: 'chart-audit', title: `Share of case files showing each parental vulnerability: ${name}`,
    description: top ? `${top.label} is the most often found, in ${formatPercent(top.proportion)} of ${result.sampleSize} files. Each bar shows the 95% confidence interval in brackets.` : 'No files reviewed yet.',
    bars: result.lines.map((l) => ({ label: l.label, value: l.proportion * 100, valueText: `${formatPercent(l.proportion)} (${formatPercent(l.interval.lower)} to ${formatPercent(l.interval.upper)})` })),
    max: 100,
  });
}

import type { FastifyReply } from 'fastify';
import { formatFactor } from '../../domain/costs/deflator.ts';
import { describeCount, describeQuantity, formatTenthsPercent } from '../../domain/costs/cost-benefit.ts';
import { formatPence, formatScaled } from '../../domain/costs/money.ts';
import { costUnitLabels, type StoredUnitCost } from '../../domain/costs/unit-costs.ts';
import { toCsv, type CsvCell } from '../../domain/needs-analysis/csv.ts';
import type { AnalysisView } from './service.ts';

/** The same figures for the page, the CSV and the PDF, so they can never disagree. */

const pounds = (pence: number) => pence / 100;

export function unitCostsCsv(costs: readonly StoredUnitCost[]): string {
  return toCsv(
    ['key', 'label', 'amount_gbp', 'unit', 'price_year', 'source', 'notes', 'version'],
    costs.map((c) => [c.key, c.label, pounds(c.amountPence), costUnitLabels[c.unit], c.priceYear, c.source, c.notes, c.version]),
  );
}

/** One line of the counterfactual for the page and the PDF. */
export function lineRows(view: AnalysisView) {
  return (view.result?.lines ?? []).map((l) => ({
    position: l.position,
    description: l.description,
    count: describeCount(l.count, l.countOf),
    unitCost: `${formatPence(l.unitCostInReportYearPence)} ${costUnitLabels[l.unit]}`,
    unitCostLabel: l.unitCostLabel,
    quantity: describeQuantity(l.unit, l.quantityHundredths),
    total: formatPence(l.totalPence),
    sum: l.sum,
    deflationSum: l.deflationSum,
    source: `${l.unitCostLabel}: ${formatPence(l.amountPence)} ${costUnitLabels[l.unit]} (${l.priceYear}). ${l.source}`,
  }));
}

export function stepRows(view: AnalysisView) {
  return (view.result?.steps ?? []).map((s) => ({
    key: s.key,
    label: s.label,
    value: s.key === 'returnPerPound' ? (view.result!.returnPerPoundPence === null ? 'Not applicable' : formatPence(s.value)) : `${s.adjustment === 'less' ? '- ' : s.adjustment === 'plus' ? '+ ' : ''}${formatPence(s.value)}`,
    sum: s.sum,
    adjustment: s.adjustment ?? null,
    total: ['gross', 'avoided', 'net'].includes(s.key),
  }));
}

/** One sentence with the headline figures. */
export function headline(view: AnalysisView): string | null {
  const r = view.result;
  if (!r) return null;
  const per = r.returnPerPoundPence === null ? '' : `, ${formatPence(r.returnPerPoundPence)} for every £1 spent`;
  const sign = r.netSavingPence >= 0 ? 1 : -1;
  const each = `${formatPence(sign * r.savingPerFamilyPence)} a family${r.savingPerChildPence === null ? '' : `, ${formatPence(sign * r.savingPerChildPence)} a child`}`;
  const saving = `a net ${sign > 0 ? 'saving' : 'cost'} of ${formatPence(sign * r.netSavingPence)} (${each})`;
  return `${formatPence(r.avoidedPence)} of cost avoided against a delivery cost of ${formatPence(r.adjustedDeliveryCostPence)}: ${saving}${per}. In ${r.priceYear} prices.`;
}

export function adjustmentsText(view: AnalysisView): string {
  const a = view.analysis;
  const parts = [
    `deadweight ${formatTenthsPercent(a.deadweightTenths)}`,
    `optimism bias on benefits ${formatTenthsPercent(a.optimismBiasBenefitsTenths)}`,
    `optimism bias on costs ${formatTenthsPercent(a.optimismBiasCostsTenths)}`,
  ];
  return parts.join(', ');
}

/** The analysis as CSV: the lines, then the steps, each with the sum that produced it. */
export function analysisCsv(view: AnalysisView): string {
  const header = ['section', 'line', 'description', 'count', 'count_of', 'unit_cost_key', 'unit_cost_label', 'unit_cost_gbp', 'unit', 'price_year', 'source',
    'factor', 'unit_cost_report_year_gbp', 'report_price_year', 'quantity', 'amount_gbp', 'sum'];
  const rows: CsvCell[][] = [];
  const r = view.result;
  for (const l of r?.lines ?? []) {
    rows.push(['counterfactual', l.position, l.description, l.count, l.countOf, l.unitCostKey, l.unitCostLabel, pounds(l.amountPence), costUnitLabels[l.unit], l.priceYear, l.source,
      formatFactor(l.factor), pounds(l.unitCostInReportYearPence), view.shownPriceYear, formatScaled(l.quantityHundredths, 2), pounds(l.totalPence), [l.deflationSum, l.sum].filter(Boolean).join('; ')]);
  }
  for (const s of r?.steps ?? []) {
    const amount = s.key === 'returnPerPound' && r!.returnPerPoundPence === null ? null : pounds(s.adjustment === 'less' ? -s.value : s.value);
    rows.push(['result', null, s.label, null, null, null, null, null, null, null, null, null, null, view.shownPriceYear, null, amount, s.sum]);
  }
  if (!r && view.problem) rows.push(['problem', null, view.problem]);
  return toCsv(header, rows);
}

export function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${name.replace(/[^a-z0-9.-]/gi, '-')}"`)
    .send(`\uFEFF${csv}`);
}

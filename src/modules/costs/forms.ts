import { formVersion } from '../../domain/input.ts';
import type { FieldErrors } from '../../domain/errors.ts';
import { formatScaled, penceToPounds } from '../../domain/costs/money.ts';
import type { CostBenefitLine } from '../../domain/costs/cost-benefit.ts';
import type { DeflatorYear } from '../../domain/costs/deflator.ts';
import type { StoredUnitCost } from '../../domain/costs/unit-costs.ts';
import { text } from '../../web/forms.ts';
import type { AnalysisRecord } from './repository.ts';

/**
 * Posted form fields turned into the shapes the costs service validates, and the service's
 * field errors turned back into the ids of the inputs on the page, so each error links to its box.
 */

type Body = Record<string, unknown>;

export const unitCostFieldOrder = ['key', 'label', 'amount', 'unit', 'priceYear', 'source', 'notes'];

export function unitCostFromForm(body: Body) {
  return {
    key: text(body, 'key').trim(), label: text(body, 'label'), amount: text(body, 'amount'), unit: text(body, 'unit') || undefined,
    priceYear: text(body, 'priceYear'), source: text(body, 'source'), notes: text(body, 'notes'), version: formVersion(text(body, 'version')),
  };
}

export function unitCostValues(cost: StoredUnitCost) {
  return { key: cost.key, label: cost.label, amount: penceToPounds(cost.amountPence), unit: cost.unit, priceYear: cost.priceYear, source: cost.source, notes: cost.notes, version: String(cost.version) };
}

/** The series as typed: one year a line, 'year, index' (commas, tabs or spaces between). */
export function deflatorFromForm(body: Body) {
  const lines = text(body, 'series').split(/\r?\n/);
  const rows: number[] = [];
  const years: { financialYear: string; index: string }[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const [financialYear = '', index = ''] = line.trim().split(/\s*[,\t;]\s*|\s+/);
    years.push({ financialYear, index });
    rows.push(i + 1);
  });
  return { input: { source: text(body, 'source'), version: text(body, 'version'), years }, rows };
}

export function deflatorSeriesText(years: readonly DeflatorYear[]): string {
  return years.map((y) => `${y.financialYear}, ${formatScaled(y.indexThousandths, 3)}`).join('\n');
}

/** Row errors ('years.3.index') as one message on the series box, naming the line. */
export function deflatorErrors(errors: FieldErrors, rows: readonly number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const m = /^years\.(\d+)\.\w+$/.exec(key);
    if (m) out.series ??= `Line ${rows[Number(m[1])]}: ${message}`;
    else if (key === 'years') out.series ??= message;
    else out[key] ??= message;
  }
  return out;
}

export const analysisFieldOrder = ['name', 'cohort', 'period', 'families', 'children', 'priceYear', 'deliveryCost', 'deliveryCount', 'deliveryCountOf', 'deliveryQuantity', 'deliveryUnitCostKey', 'deliveryCostNote', 'deadweightPercent', 'optimismBiasBenefitsPercent', 'optimismBiasCostsPercent', 'notes'];
const lineFields = ['description', 'count', 'countOf', 'unitCostKey', 'quantity'] as const;

/** How many line rows the form shows: the rows posted (at least one). */
export function lineCount(body: Body): number {
  const n = Number(text(body, 'lineCount'));
  return Number.isInteger(n) && n >= 1 && n <= 50 ? n : 1;
}

/**
 * The analysis as the service takes it. Rows left wholly blank are skipped; `rows` maps each
 * line sent back to its row on the form, for the error messages.
 */
export function analysisFromForm(body: Body) {
  const count = lineCount(body);
  const rows: number[] = [];
  const lines: Record<string, string>[] = [];
  for (let r = 0; r < count; r += 1) {
    const line = Object.fromEntries(lineFields.map((f) => [f, text(body, `line-${r}-${f}`).trim()]));
    // countOf is a select with a default, so it alone does not make a row worth keeping.
    if (!line.description && !line.count && !line.unitCostKey && !line.quantity) continue;
    lines.push(line);
    rows.push(r);
  }
  const field = (name: string) => text(body, name);
  // A unit cost chosen for delivery builds the delivery cost; otherwise the amount typed is it.
  const deliveryLine = field('deliveryUnitCostKey').trim()
    ? { unitCostKey: field('deliveryUnitCostKey').trim(), count: field('deliveryCount').trim(), countOf: field('deliveryCountOf'), quantity: field('deliveryQuantity').trim() }
    : null;
  return {
    input: {
      name: field('name'), cohort: field('cohort'), period: field('period'), families: field('families'), children: field('children'),
      priceYear: field('priceYear'), deliveryCost: deliveryLine || field('deliveryCost').trim() ? field('deliveryCost') || undefined : undefined,
      deliveryLine, deliveryCostNote: field('deliveryCostNote'),
      deadweightPercent: field('deadweightPercent'), optimismBiasBenefitsPercent: field('optimismBiasBenefitsPercent'),
      optimismBiasCostsPercent: field('optimismBiasCostsPercent'), notes: field('notes'), version: formVersion(field('version')), lines,
    },
    rows,
  };
}

/** 'lines.2.count' → 'line-5-count' (the row on the form); the list error goes to the first row. */
export function analysisErrors(errors: FieldErrors, rows: readonly number[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const m = /^lines\.(\d+)\.(\w+)$/.exec(key);
    const delivery = /^deliveryLine\.(\w+)$/.exec(key);
    if (m) out[`line-${rows[Number(m[1])] ?? 0}-${m[2]}`] ??= message;
    else if (delivery) out[`delivery${delivery[1].charAt(0).toUpperCase()}${delivery[1].slice(1)}`] ??= message;
    else if (key === 'lines') out['line-0-description'] ??= message;
    else out[key] ??= message;
  }
  return out;
}

/** The order errors are listed in the summary: the page's fields, then each row's. */
export function analysisErrorOrder(rowCount: number): string[] {
  const order = [...analysisFieldOrder];
  for (let r = 0; r < rowCount; r += 1) for (const f of lineFields) order.push(`line-${r}-${f}`);
  return order;
}

/** A saved analysis as form values, for the edit page. */
export function analysisValues(a: AnalysisRecord, lines: readonly CostBenefitLine[], deliveryLine: CostBenefitLine | null = null) {
  const values: Record<string, string> = {
    name: a.name, cohort: a.cohort, period: a.period, families: String(a.families), children: a.children === null ? '' : String(a.children),
    priceYear: a.priceYear, deliveryCost: deliveryLine ? '' : penceToPounds(a.deliveryCostPence), deliveryCostNote: a.deliveryCostNote,
    deliveryUnitCostKey: deliveryLine?.unitCostKey ?? '', deliveryCount: deliveryLine ? String(deliveryLine.count) : '',
    deliveryCountOf: deliveryLine?.countOf ?? 'children', deliveryQuantity: deliveryLine ? formatScaled(deliveryLine.quantityHundredths, 2) : '',
    deadweightPercent: a.deadweightTenths ? formatScaled(a.deadweightTenths, 1) : '',
    optimismBiasBenefitsPercent: a.optimismBiasBenefitsTenths ? formatScaled(a.optimismBiasBenefitsTenths, 1) : '',
    optimismBiasCostsPercent: a.optimismBiasCostsTenths ? formatScaled(a.optimismBiasCostsTenths, 1) : '',
    notes: a.notes, version: String(a.version), lineCount: String(lines.length),
  };
  lines.forEach((l, r) => {
    values[`line-${r}-description`] = l.description;
    values[`line-${r}-count`] = String(l.count);
    values[`line-${r}-countOf`] = l.countOf;
    values[`line-${r}-unitCostKey`] = l.unitCostKey;
    values[`line-${r}-quantity`] = formatScaled(l.quantityHundredths, 2);
  });
  return values;
}

import { applyFactor, deflationFactor, formatFactor, type DeflatorYear } from './deflator.ts';
import { AmountTooLargeError, formatPence, formatScaled, mulDivRound } from './money.ts';
import { costUnitLabels, defaultUnitCosts, quantityNouns, type CostUnit, type UnitCost } from './unit-costs.ts';
import { count as countWords, noun } from '../plural.ts';

/**
 * A cost-benefit analysis for a cohort: the counterfactual (what would have happened without
 * the service, line by line: number of children or families x unit cost x quantity), its cost
 * avoided, the delivery cost, and what follows from them. Optional adjustments as the HM
 * Treasury-endorsed cost-benefit guidance for local partnerships (GMCA / New Economy, 2014)
 * applies them:
 *  - deadweight: the share of the avoided cost that would have been avoided anyway, taken off
 *    the gross avoided cost;
 *  - optimism bias on benefits: a reduction for over-confident evidence, taken off what is left
 *    after deadweight;
 *  - optimism bias on costs: an uplift for delivery costs that tend to be underestimated.
 * Every figure is in pence, computed exactly, rounded half up once at each step that divides,
 * and carries the sum that produced it.
 */

export const countOfs = ['children', 'families', 'adults'] as const;
export type CountOf = (typeof countOfs)[number];
const countNouns: Record<CountOf, [string, string]> = { children: ['child', 'children'], families: ['family', 'families'], adults: ['adult', 'adults'] };

export interface CostBenefitLine {
  description: string;
  count: number;
  countOf: CountOf;
  unitCostKey: string;
  unitCostLabel: string;
  /** The unit cost as it was when the line was saved, in its own price year. */
  amountPence: number;
  unit: CostUnit;
  priceYear: string;
  source: string;
  /** Weeks, years or events per child or family, in hundredths: 52 weeks is 5200. */
  quantityHundredths: number;
}

export interface CostBenefitInput {
  families: number;
  children: number | null;
  /** The report's price year: each line's cost is brought to it; the delivery cost is in it. */
  priceYear: string;
  deliveryCostPence: number;
  /** Percentages in tenths: 200 is 20%. */
  deadweightTenths: number;
  optimismBiasBenefitsTenths: number;
  optimismBiasCostsTenths: number;
  lines: readonly CostBenefitLine[];
  /** How the delivery cost was arrived at, when it is not simply as entered (brought from another price year). */
  deliverySum?: string;
  /**
   * The delivery cost built like a counterfactual line, a unit cost x a count (Option 2: 22
   * children x £2,194 per child); when given it replaces deliveryCostPence.
   */
  deliveryLine?: CostBenefitLine | null;
}

export interface LineResult extends CostBenefitLine {
  position: number;
  /** Ten-thousandths: 10000 when the cost is already in the report's price year. */
  factor: number;
  unitCostInReportYearPence: number;
  totalPence: number;
  /** '£856 (2009/10) x 1.1 = £941.60 (2014/15)', or null when no deflation was needed. */
  deflationSum: string | null;
  /** '10 children x £856 per week x 52 weeks = £445,120'. */
  sum: string;
}

export interface Step {
  key: 'gross' | 'deadweight' | 'optimismBenefits' | 'avoided' | 'delivery' | 'optimismCosts' | 'adjustedDelivery' | 'net' | 'perFamily' | 'perChild' | 'returnPerPound';
  label: string;
  /** Pence, or for the return per pound, pence per £1. */
  value: number;
  /** How the value was worked out, with the figures it came from. */
  sum: string;
  /** A deduction or an uplift shown as its own line. */
  adjustment?: 'less' | 'plus';
}

export interface CostBenefitResult {
  priceYear: string;
  lines: LineResult[];
  grossAvoidedPence: number;
  deadweightPence: number;
  optimismBiasBenefitsPence: number;
  avoidedPence: number;
  deliveryCostPence: number;
  optimismBiasCostsPence: number;
  adjustedDeliveryCostPence: number;
  netSavingPence: number;
  savingPerFamilyPence: number;
  /** Null when the number of children is not known (or none). */
  savingPerChildPence: number | null;
  /** The delivery cost's unit cost x count, when it was built that way. */
  deliveryLine: LineResult | null;
  /** Avoided cost for every £1 of delivery cost, in pence (440 is £4.40); null when nothing was spent. */
  returnPerPoundPence: number | null;
  steps: Step[];
}

/** 200 tenths → '20%'; 125 → '12.5%'. */
export function formatTenthsPercent(tenths: number): string {
  return `${formatScaled(tenths, 1)}%`;
}


/** '52 weeks', '8 weeks', '1.5 years', '3 times'. */
export function describeQuantity(unit: CostUnit, hundredths: number): string {
  return `${formatScaled(hundredths, 2)} ${noun(hundredths === 100 ? 1 : 2, ...quantityNouns[unit])}`;
}

export function describeCount(count: number, countOf: CountOf): string {
  return countWords(count, ...countNouns[countOf]);
}

/**
 * The most one line may come to: £10 billion. With 50 lines, adjustments and the delivery cost
 * every figure of the analysis stays well inside what a number holds exactly (2^53 pence).
 */
export const maxLineTotalPence = 1_000_000_000_000;

/** A line (position 0: the delivery cost built from a unit cost) whose count x unit cost x quantity is beyond `maxLineTotalPence`. */
export class LineTooLargeError extends AmountTooLargeError {
  constructor(readonly position: number) {
    super(`${position === 0 ? 'The delivery cost' : `Line ${position}`} comes to more than ${formatPence(maxLineTotalPence)} (number x unit cost x quantity): check the number, the unit cost and the quantity`);
  }
}

/** count x unit cost x quantity, rounded half up to the penny (quantities may have two decimals); BigInt, so it is exact before the limit is checked. */
export function lineTotal(count: number, unitPence: number, quantityHundredths: number, position = 1): number {
  const exact = BigInt(count) * BigInt(unitPence) * BigInt(quantityHundredths);
  const rounded = (2n * exact + 100n) / 200n;
  if (rounded > BigInt(maxLineTotalPence)) throw new LineTooLargeError(position);
  return Number(rounded);
}

/** Rounds a signed amount divided by a positive whole number, half away from zero. */
function divideSigned(pence: number, by: number): number {
  const magnitude = mulDivRound(Math.abs(pence), 1, by);
  return pence < 0 ? -magnitude : magnitude;
}

/**
 * The whole analysis; throws MissingDeflatorError when a line's price year has no index, and
 * AmountTooLargeError (LineTooLargeError for a line) when a figure is beyond the limits.
 */
export function costBenefit(input: CostBenefitInput, deflator: readonly DeflatorYear[] = []): CostBenefitResult {
  const index = new Map(deflator.map((y) => [y.financialYear, y.indexThousandths]));
  const priced = (line: CostBenefitLine, position: number): LineResult => {
    const factor = deflationFactor(line.priceYear, input.priceYear, index);
    const unitNow = applyFactor(line.amountPence, factor);
    const totalPence = lineTotal(line.count, unitNow, line.quantityHundredths, position);
    const deflationSum = line.priceYear === input.priceYear ? null
      : `${formatPence(line.amountPence)} (${line.priceYear}) x ${formatFactor(factor)} = ${formatPence(unitNow)} (${input.priceYear})`;
    const sum = `${describeCount(line.count, line.countOf)} x ${formatPence(unitNow)} ${costUnitLabels[line.unit]} x ${describeQuantity(line.unit, line.quantityHundredths)} = ${formatPence(totalPence)}`;
    return { ...line, position, factor, unitCostInReportYearPence: unitNow, totalPence, deflationSum, sum };
  };
  const lines = input.lines.map((line, i) => priced(line, i + 1));
  const deliveryLine = input.deliveryLine ? priced(input.deliveryLine, 0) : null;

  const gross = lines.reduce((s, l) => s + l.totalPence, 0);
  const deadweight = mulDivRound(gross, input.deadweightTenths, 1000);
  const afterDeadweight = gross - deadweight;
  const optimismBenefits = mulDivRound(afterDeadweight, input.optimismBiasBenefitsTenths, 1000);
  const avoided = afterDeadweight - optimismBenefits;
  const delivery = deliveryLine ? deliveryLine.totalPence : input.deliveryCostPence;
  const optimismCosts = mulDivRound(delivery, input.optimismBiasCostsTenths, 1000);
  const adjustedDelivery = delivery + optimismCosts;
  const net = avoided - adjustedDelivery;
  const perFamily = divideSigned(net, input.families);
  const perChild = input.children ? divideSigned(net, input.children) : null;
  const returnPerPound = adjustedDelivery > 0 ? mulDivRound(avoided, 100, adjustedDelivery) : null;

  const steps: Step[] = [];
  steps.push({ key: 'gross', label: 'Cost avoided (the counterfactual)', value: gross, sum: lines.length ? `${lines.map((l) => formatPence(l.totalPence)).join(' + ')} = ${formatPence(gross)}` : 'No lines: £0' });
  const adjusted = input.deadweightTenths > 0 || input.optimismBiasBenefitsTenths > 0;
  if (input.deadweightTenths > 0) {
    steps.push({ key: 'deadweight', label: `Less deadweight (${formatTenthsPercent(input.deadweightTenths)} would have been avoided anyway)`, value: deadweight, adjustment: 'less', sum: `${formatPence(gross)} x ${formatTenthsPercent(input.deadweightTenths)} = ${formatPence(deadweight)}` });
  }
  if (input.optimismBiasBenefitsTenths > 0) {
    steps.push({ key: 'optimismBenefits', label: `Less optimism bias on benefits (${formatTenthsPercent(input.optimismBiasBenefitsTenths)})`, value: optimismBenefits, adjustment: 'less', sum: `${formatPence(afterDeadweight)} x ${formatTenthsPercent(input.optimismBiasBenefitsTenths)} = ${formatPence(optimismBenefits)}` });
  }
  if (adjusted) {
    const parts = [formatPence(gross), ...(input.deadweightTenths > 0 ? [formatPence(deadweight)] : []), ...(input.optimismBiasBenefitsTenths > 0 ? [formatPence(optimismBenefits)] : [])];
    steps.push({ key: 'avoided', label: 'Cost avoided after adjustments', value: avoided, sum: `${parts.join(' - ')} = ${formatPence(avoided)}` });
  }
  const deliverySum = deliveryLine ? [deliveryLine.deflationSum, deliveryLine.sum].filter(Boolean).join('; ') : input.deliverySum ?? `${formatPence(delivery)} (${input.priceYear} prices, as entered)`;
  steps.push({ key: 'delivery', label: 'Delivery cost', value: delivery, sum: deliverySum });
  if (input.optimismBiasCostsTenths > 0) {
    steps.push({ key: 'optimismCosts', label: `Plus optimism bias on costs (${formatTenthsPercent(input.optimismBiasCostsTenths)})`, value: optimismCosts, adjustment: 'plus', sum: `${formatPence(delivery)} x ${formatTenthsPercent(input.optimismBiasCostsTenths)} = ${formatPence(optimismCosts)}` });
    steps.push({ key: 'adjustedDelivery', label: 'Delivery cost after adjustment', value: adjustedDelivery, sum: `${formatPence(delivery)} + ${formatPence(optimismCosts)} = ${formatPence(adjustedDelivery)}` });
  }
  steps.push({ key: 'net', label: 'Net saving', value: net, sum: `${formatPence(avoided)} - ${formatPence(adjustedDelivery)} = ${formatPence(net)}` });
  steps.push({ key: 'perFamily', label: 'Net saving per family', value: perFamily, sum: `${formatPence(net)} ÷ ${describeCount(input.families, 'families')} = ${formatPence(perFamily)}` });
  if (perChild !== null) {
    steps.push({ key: 'perChild', label: 'Net saving per child', value: perChild, sum: `${formatPence(net)} ÷ ${describeCount(input.children!, 'children')} = ${formatPence(perChild)}` });
  }
  steps.push({
    key: 'returnPerPound', label: 'Return for every £1 spent', value: returnPerPound ?? 0,
    sum: returnPerPound === null ? 'No delivery cost entered, so there is no return per £1' : `${formatPence(avoided)} ÷ ${formatPence(adjustedDelivery)} = ${formatPence(returnPerPound)} avoided for every £1 spent`,
  });

  return {
    priceYear: input.priceYear, lines, grossAvoidedPence: gross, deadweightPence: deadweight, optimismBiasBenefitsPence: optimismBenefits, avoidedPence: avoided,
    deliveryCostPence: delivery, optimismBiasCostsPence: optimismCosts, adjustedDeliveryCostPence: adjustedDelivery, netSavingPence: net,
    savingPerFamilyPence: perFamily, savingPerChildPence: perChild, deliveryLine, returnPerPoundPence: returnPerPound, steps,
  };
}

/** A counterfactual line from a unit cost, copying the figure it uses. */
export function lineFromUnitCost(cost: UnitCost, line: { description: string; count: number; countOf: CountOf; quantityHundredths: number }): CostBenefitLine {
  return {
    ...line, unitCostKey: cost.key, unitCostLabel: cost.label, amountPence: cost.amountPence, unit: cost.unit, priceYear: cost.priceYear, source: cost.source,
  };
}

const defaultCost = (key: string) => defaultUnitCosts.find((c) => c.key === key)!;

/**
 * Families Plus (Children North East, Northumberland), November 2009 to July 2010: 20 families,
 * 22 children, the counterfactual and delivery cost as the practice example gives them.
 * It comes to £502,080 avoided against £114,000.
 */
export const familiesPlusExample = {
  name: 'Families Plus 2009/10 (Northumberland)',
  cohort: 'Children North East Families Plus hidden harm service, Northumberland: the sample of 20 families (22 children) it worked with',
  period: 'November 2009 to July 2010 (a year of care avoided)',
  families: 20,
  children: 22,
  priceYear: '2009/10',
  deliveryCostPence: 11_400_000,
  deliveryCostNote: 'The maximum cost of delivering the service to the 20 families, using the Option 2 figure in each case (practice example)',
  deadweightTenths: 0,
  optimismBiasBenefitsTenths: 0,
  optimismBiasCostsTenths: 0,
  notes: 'From the Children North East Families Plus practice example: a reasonable series of assumptions about costs that would have continued or arisen without the service, at Northumberland County Council costs.',
  lines: [
    lineFromUnitCost(defaultCost('residential_care_week'), { description: 'Children who could have been expected to go into residential care', count: 10, countOf: 'children', quantityHundredths: 5200 }),
    lineFromUnitCost(defaultCost('kinship_care_unfunded_week'), { description: 'Children who could be expected to move into non-funded kinship care', count: 8, countOf: 'children', quantityHundredths: 5200 }),
    lineFromUnitCost(defaultCost('kinship_care_funded_week'), { description: 'Children who could be expected to move into funded kinship care', count: 2, countOf: 'children', quantityHundredths: 5200 }),
    lineFromUnitCost(defaultCost('residential_care_week'), { description: 'Children returning early from residential care (about two months early)', count: 2, countOf: 'children', quantityHundredths: 800 }),
  ],
} as const;

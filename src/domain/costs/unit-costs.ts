import { versionSchema } from '../input.ts';
import { z } from 'zod';
import { parsePounds } from './money.ts';

/**
 * Unit costs: what one week, year, event or child of a service costs the public purse, each
 * with the price year it is in and where it comes from (the GMCA, formerly New Economy, Unit
 * Cost Database; a council's own figures; an evaluation). Money is in whole pence.
 */

export const costUnits = ['week', 'month', 'year', 'day', 'event', 'child', 'family', 'place'] as const;
export type CostUnit = (typeof costUnits)[number];

export const costUnitLabels: Record<CostUnit, string> = {
  week: 'per week', month: 'per month', year: 'per year', day: 'per day', event: 'per event', child: 'per child', family: 'per family', place: 'per place',
};

/** What the quantity on a cost-benefit line counts, for each unit ("52 weeks", "3 events"). */
export const quantityNouns: Record<CostUnit, [string, string]> = {
  week: ['week', 'weeks'], month: ['month', 'months'], year: ['year', 'years'], day: ['day', 'days'], event: ['time', 'times'],
  child: ['time', 'times'], family: ['time', 'times'], place: ['time', 'times'],
};

export interface UnitCost {
  key: string;
  label: string;
  amountPence: number;
  unit: CostUnit;
  /** Financial year, '2013/14'. */
  priceYear: string;
  source: string;
  notes: string;
}

export interface StoredUnitCost extends UnitCost {
  id: string;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** '2013/14': a financial year, the second part the year after the first. */
export function isFinancialYear(text: string): boolean {
  const m = /^(\d{4})\/(\d{2})$/.exec(text);
  return Boolean(m) && (Number(m![1]) + 1) % 100 === Number(m![2]);
}

/** '2013-14' or '2013/2014' as '2013/14', so people can type the forms they see in sources. */
export function normaliseFinancialYear(text: string): string {
  const t = text.trim();
  const m = /^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$/.exec(t);
  if (!m) return t;
  return `${m[1]}/${m[2].slice(-2)}`;
}

export const gmcaSource = 'GMCA (New Economy) Unit Cost Database v1.4';
const northumberland = 'Northumberland County Council costs, as used in the Children North East Families Plus practice example';
const northumberlandNote = 'The source does not state a price year; taken as the period the figures were used for (November 2009 to July 2010).';

/**
 * The defaults, as the migration seeds them: the seeds' figures (Families Plus, the Essex
 * report, Family Action) and the GMCA examples in DOMAIN.md. A test checks the two agree.
 */
export const defaultUnitCosts: readonly UnitCost[] = [
  { key: 'residential_care_week', label: 'Residential care for a child (Northumberland County Council)', amountPence: 85_600, unit: 'week', priceYear: '2009/10', source: `${northumberland} (10 x £856 x 52 weeks)`, notes: northumberlandNote },
  { key: 'kinship_care_unfunded_week', label: 'Kinship care, not funded (Northumberland County Council)', amountPence: 6_300, unit: 'week', priceYear: '2009/10', source: `${northumberland} (8 x £63 x 52)`, notes: northumberlandNote },
  { key: 'kinship_care_funded_week', label: 'Kinship care, funded (Northumberland County Council)', amountPence: 16_400, unit: 'week', priceYear: '2009/10', source: `${northumberland} (2 x £164 x 52)`, notes: northumberlandNote },
  { key: 'family_group_conference', label: 'Family Group Conference', amountPence: 47_500, unit: 'event', priceYear: '2010/11', source: 'Essex Hidden Harm report (2010), whole-family interventions: each conference costs approximately £475', notes: 'The source does not state a price year; taken as the year of the report.' },
  { key: 'option2_per_child', label: 'Option 2 intensive crisis intervention (Cardiff)', amountPence: 219_400, unit: 'child', priceYear: '2010/11', source: 'Option 2 evaluation for Cardiff, as reported in the Essex Hidden Harm report (2010): £2,194 per child, saving £3,372 per child in placements', notes: 'The source does not state a price year; taken as the year of the report that quotes it.' },
  { key: 'child_in_care_year', label: 'Child in care, average (looked-after child)', amountPence: 5_108_000, unit: 'year', priceYear: '2013/14', source: gmcaSource, notes: '' },
  { key: 'foster_care_week', label: 'Foster care, council provision', amountPence: 70_000, unit: 'week', priceYear: '2013/14', source: gmcaSource, notes: '' },
  { key: 'childrens_home_week', label: 'Children’s home, council provision', amountPence: 299_500, unit: 'week', priceYear: '2013/14', source: gmcaSource, notes: '' },
  { key: 'childrens_home_week_2023', label: 'Children’s home, average (England)', amountPence: 610_000, unit: 'week', priceYear: '2023/24', source: 'National Audit Office: children’s homes averaged about £6,100 a week in 2023-24', notes: 'An approximate national average.' },
  { key: 'domestic_violence_incident', label: 'Domestic violence incident, all agencies', amountPence: 247_000, unit: 'event', priceYear: '2008/09', source: gmcaSource, notes: 'Includes the police cost (police_da_callout).' },
  { key: 'police_da_callout', label: 'Police response to a domestic violence incident', amountPence: 41_500, unit: 'event', priceYear: '2008/09', source: gmcaSource, notes: 'The police share of domestic_violence_incident; do not add both for one incident.' },
  { key: 'ae_attendance', label: 'A&E attendance', amountPence: 10_900, unit: 'event', priceYear: '2011/12', source: gmcaSource, notes: '' },
  { key: 'community_drug_treatment_year', label: 'Community drug treatment', amountPence: 260_400, unit: 'year', priceYear: '2012/13', source: gmcaSource, notes: '' },
  { key: 'prison_place_year', label: 'Prison place', amountPence: 3_378_500, unit: 'year', priceYear: '2013/14', source: gmcaSource, notes: '' },
  { key: 'troubled_family_reactive_spend_year', label: 'Reactive public spending on a troubled family, average', amountPence: 4_400_000, unit: 'year', priceYear: '2014/15', source: 'DCLG, The Benefits of the Troubled Families Programme to the Taxpayer (March 2015), as quoted by Family Action: an average £44,000 a year', notes: 'The source as quoted does not state a price year; taken as the year the report was published.' },
  { key: 'intensive_family_support_family', label: 'Intensive family support, per family (attachment fee and payment by results)', amountPence: 180_000, unit: 'family', priceYear: '2015/16', source: 'Family Action, Think Family IFS service specification phase 2, year 1: £1,000 attachment fee plus £800 payment by results', notes: 'Troubled Families phase 2 began in 2015/16.' },
];

const text = (required: string, max: number, tooLong: string) =>
  z.string({ error: required }).trim().min(1, required).max(max, tooLong);

export const financialYearSchema = (label: string) =>
  z.string({ error: `Enter ${label}` }).transform(normaliseFinancialYear).pipe(
    z.string().min(1, `Enter ${label}`).refine(isFinancialYear, `Enter ${label} as a financial year, like 2013/14`),
  );

/** Pounds as typed ('1,053.12', '£856') or a number from JSON, to whole pence. */
export const poundsSchema = (label: string, max = 1_000_000_000) =>
  z.union([z.string(), z.number()], { error: `Enter ${label}` }).transform((value, ctx) => {
    const raw = String(value).trim();
    if (!raw) {
      ctx.addIssue({ code: 'custom', message: `Enter ${label}` });
      return z.NEVER;
    }
    const pence = parsePounds(raw);
    if (pence === null) {
      ctx.addIssue({ code: 'custom', message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be an amount in pounds, like 856 or 1,053.50` });
      return z.NEVER;
    }
    if (pence > max * 100) {
      ctx.addIssue({ code: 'custom', message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be £${max.toLocaleString('en-GB')} or less` });
      return z.NEVER;
    }
    return pence;
  });

/** A unit cost as entered on the page or sent to the API (amount in pounds). */
export const unitCostFieldsSchema = z.object({
  label: text('Enter what the cost is of', 200, 'The name must be 200 characters or fewer'),
  amount: poundsSchema('the amount'),
  unit: z.enum(costUnits, { error: 'Select what the amount is per' }),
  priceYear: financialYearSchema('the price year'),
  source: text('Enter where the figure comes from', 500, 'The source must be 500 characters or fewer'),
  notes: z.string().trim().max(1000, 'The notes must be 1,000 characters or fewer').default(''),
});

export const unitCostKeySchema = z.string({ error: 'Enter a key' }).trim().min(1, 'Enter a key')
  .regex(/^[a-z][a-z0-9_]{0,59}$/, 'The key must start with a letter and use only lower-case letters, numbers and underscores (60 at most), like foster_care_week');

export const newUnitCostSchema = unitCostFieldsSchema.extend({ key: unitCostKeySchema });

export const unitCostUpdateSchema = unitCostFieldsSchema.extend({
  version: versionSchema(),
});

export type UnitCostFields = z.output<typeof unitCostFieldsSchema>;

/** 856 a week in 2013/14: '£856 per week (2013/14)'. */
export function describeUnitCost(cost: Pick<UnitCost, 'amountPence' | 'unit' | 'priceYear'>, format: (pence: number) => string): string {
  return `${format(cost.amountPence)} ${costUnitLabels[cost.unit]} (${cost.priceYear})`;
}

/** How many of each time unit make a year; units counted by the event (or child, family, place) have none. */
export const unitsPerYear: Partial<Record<CostUnit, number>> = { week: 52, month: 12, day: 365, year: 1 };

/**
 * A time-based cost for a whole year, in pence (£856 a week → £44,512), for estimating what a
 * household costs in a year; null for costs counted by the event, child, family or place, which
 * need a count of how many to be annualised.
 */
export function annualPence(cost: Pick<UnitCost, 'amountPence' | 'unit'>): number | null {
  const n = unitsPerYear[cost.unit];
  return n === undefined ? null : cost.amountPence * n;
}

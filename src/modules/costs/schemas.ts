import { versionSchema } from '../../domain/input.ts';
import { z } from 'zod';
import { countOfs } from '../../domain/costs/cost-benefit.ts';
import { parseScaled } from '../../domain/costs/money.ts';
import { financialYearSchema, poundsSchema } from '../../domain/costs/unit-costs.ts';
import { count } from '../../domain/plural.ts';

/** What is valid for the deflator and cost-benefit analyses, defined once for the pages and the API. */

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const requiredText = (required: string, max: number, label: string) =>
  z.string({ error: required }).trim().min(1, required).max(max, `${capital(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${capital(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`).default('');

const whole = (label: string, min: number, max: number) =>
  z.union([z.string(), z.number()], { error: `Enter ${label}` }).transform((value, ctx) => {
    const raw = String(value).trim().replace(/,(?=\d{3}(\D|$))/g, '');
    if (!raw) {
      ctx.addIssue({ code: 'custom', message: `Enter ${label}` });
      return z.NEVER;
    }
    if (!/^\d+$/.test(raw)) {
      ctx.addIssue({ code: 'custom', message: `${capital(label)} must be a whole number` });
      return z.NEVER;
    }
    const n = Number(raw);
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `${capital(label)} must be between ${min.toLocaleString('en-GB')} and ${max.toLocaleString('en-GB')}` });
      return z.NEVER;
    }
    return n;
  }).meta({ description: `A whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')} (a number, or text such as "1,000")`, minimum: min, maximum: max });

/** A number with up to `places` decimals, as a whole number of hundredths or tenths. Blank means `blank` when given. */
const scaled = (label: string, places: number, min: number, max: number, blank?: number) =>
  z.union([z.string(), z.number()], { error: `Enter ${label}` }).optional().transform((value, ctx) => {
    const raw = value === undefined ? '' : String(value).trim().replace(/%$/, '').trim();
    if (!raw) {
      if (blank !== undefined) return blank;
      ctx.addIssue({ code: 'custom', message: `Enter ${label}` });
      return z.NEVER;
    }
    const n = parseScaled(raw, places);
    if (n === null) {
      ctx.addIssue({ code: 'custom', message: `${capital(label)} must be a number${places ? ` with up to ${places === 1 ? 'one decimal place' : count(places, 'decimal place')}` : ''}` });
      return z.NEVER;
    }
    const scale = 10 ** places;
    if (n < min * scale || n > max * scale) {
      ctx.addIssue({ code: 'custom', message: `${capital(label)} must be between ${min.toLocaleString('en-GB')} and ${max.toLocaleString('en-GB')}` });
      return z.NEVER;
    }
    return n;
  }).meta({ description: `A number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')} with up to ${count(places, 'decimal place')}`, minimum: min, maximum: max });

export const lineSchema = z.object({
  description: requiredText('Enter what would have happened', 300, 'the description'),
  count: whole('how many', 0, 1_000_000),
  countOf: z.enum(countOfs, { error: 'Select children, families or adults' }),
  unitCostKey: z.string({ error: 'Select a unit cost' }).trim().min(1, 'Select a unit cost').max(100, 'Select a unit cost from the list'),
  quantity: scaled('the quantity', 2, 0, 100_000),
});

export const deliveryLineSchema = lineSchema.omit({ description: true });

/** The analysis form's fields, each checked alone too (a line, the name) for what the database adds. */
export const analysisFields = z.object({
  name: requiredText('Enter a name for the analysis', 150, 'the name'),
  cohort: optionalText(500, 'the cohort'),
  period: optionalText(100, 'the period'),
  families: whole('the number of families', 1, 1_000_000),
  children: z.union([z.string(), z.number(), z.null()]).optional().transform((v, ctx) => {
    const raw = v === null || v === undefined ? '' : String(v).trim();
    if (!raw) return null;
    const parsed = whole('the number of children', 0, 1_000_000).safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0].message });
      return z.NEVER;
    }
    return parsed.data;
  }),
  priceYear: financialYearSchema('the price year of the report'),
  /** Typed as a total, or (deliveryLine) built from a unit cost x a count; one of the two. */
  deliveryCost: poundsSchema('the delivery cost').optional(),
  deliveryLine: deliveryLineSchema.nullable().default(null),
  deliveryCostNote: optionalText(500, 'the note on the delivery cost'),
  deadweightPercent: scaled('deadweight', 1, 0, 100, 0),
  optimismBiasBenefitsPercent: scaled('optimism bias on benefits', 1, 0, 100, 0),
  optimismBiasCostsPercent: scaled('optimism bias on costs', 1, 0, 200, 0),
  notes: optionalText(2000, 'the notes'),
  lines: z.array(lineSchema, { error: 'Add at least one line: what would have happened without the service' })
    .min(1, 'Add at least one line: what would have happened without the service').max(50, 'Use 50 lines or fewer'),
});

/** Runs even when other fields are wrong, so every problem shows at once. */
function deliveryGiven(a: { deliveryCost?: number; deliveryLine: unknown }, ctx: z.RefinementCtx) {
  if (a && typeof a === 'object' && a.deliveryCost === undefined && !a.deliveryLine) ctx.addIssue({ code: 'custom', path: ['deliveryCost'], message: 'Enter the delivery cost, or build it from a unit cost' });
}

export const analysisSchema = analysisFields.superRefine(deliveryGiven, { when: () => true });

export const analysisUpdateSchema = analysisFields.extend({
  version: versionSchema(),
}).superRefine(deliveryGiven, { when: () => true });

export type AnalysisInput = z.output<typeof analysisSchema>;

export const deflatorYearSchema = z.object({
  financialYear: financialYearSchema('the year'),
  index: scaled('the index', 3, 0.001, 100_000),
});

export const deflatorSeriesSchema = z.object({
  source: requiredText('Enter where the index comes from', 500, 'the source'),
  years: z.array(deflatorYearSchema).max(200, 'Use 200 years or fewer').superRefine((years, ctx) => {
    const seen = new Set<string>();
    years.forEach((y, i) => {
      if (seen.has(y.financialYear)) ctx.addIssue({ code: 'custom', path: [i, 'financialYear'], message: `${y.financialYear} is in the series twice` });
      seen.add(y.financialYear);
    });
  }),
  version: z.string({ error: 'The version you read is missing' }).max(100, 'The version you read is missing'),
});

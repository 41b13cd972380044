import { z } from 'zod';
import { auditVulnerabilities, auditVulnerabilityKeys } from '../../domain/needs-analysis/case-file-audit.ts';
import { parseKnownRule } from '../../domain/needs-analysis/known.ts';
import { populationBases, roundingSteps } from '../../domain/needs-analysis/prevalence.ts';

/** What is valid for needs analysis, defined once for the pages and the API. */

const number = (label: string) => z.coerce.number({ error: `${label} must be a number` });
/** A whole number typed into a form or sent as JSON; blank is missing (never 0), and '1,475' is 1475. */
const whole = (label: string, min: number, max: number) => z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.trim().replace(/,/g, ''))) : v),
  z.number({ error: (issue) => (issue.input === undefined ? `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)}` : `${label} must be a whole number`) })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be ${min.toLocaleString('en-GB')} or more`).max(max, `${label} must be ${max.toLocaleString('en-GB')} or fewer`));

export const rateSchema = z.object({
  key: z.string().regex(/^[a-z0-9-]{1,40}$/, 'The rate’s key is not valid'),
  label: z.string({ error: 'Enter what the rate is of' }).trim().min(1, 'Enter what the rate is of').max(200, 'The name must be 200 characters or fewer'),
  rate: number('The rate').gt(0, 'The rate must be more than 0%').max(100, 'The rate must be 100% or less')
    .refine((r) => Math.abs(r * 1000 - Math.round(r * 1000)) < 1e-6, 'The rate can have up to 3 decimal places'),
  base: z.enum(populationBases, { error: 'Select what the rate applies to' }),
  source: z.string({ error: 'Enter where the rate comes from' }).trim().min(1, 'Enter where the rate comes from').max(500, 'The source must be 500 characters or fewer'),
  roundTo: z.coerce.number().refine((n) => (roundingSteps as readonly number[]).includes(n), 'Select how to round the estimate'),
  knownRule: z.string().trim().max(100, 'The rule must be 100 characters or fewer').default('').superRefine((text, ctx) => {
    const parsed = parseKnownRule(text);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  }),
});
export type RateFields = z.infer<typeof rateSchema>;

export const ratesSchema = z.array(rateSchema).min(1, 'Keep at least one prevalence rate').max(30, 'Use 30 rates or fewer')
  .superRefine((rates, ctx) => {
    const seen = new Set<string>();
    rates.forEach((r, i) => {
      if (seen.has(r.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `Two rates have the key ${r.key}` });
      seen.add(r.key);
    });
  });

export const countSetSchema = z.object({
  name: z.string({ error: 'Enter what was counted' }).trim().min(1, 'Enter what was counted, for example Domestic abuse incidents').max(150, 'The name must be 150 characters or fewer'),
  period: z.string().trim().max(100, 'The period must be 100 characters or fewer').default(''),
  source: z.string().trim().max(500, 'The source must be 500 characters or fewer').default(''),
});

/** A population the partnership names and describes itself. */
export const populationSetSchema = z.object({
  name: z.string({ error: 'Enter a name for the population' }).trim().min(1, 'Enter a name for the population, for example Northvale districts, mid-2024').max(100, 'The name must be 100 characters or fewer'),
  source: z.string().trim().max(500, 'The description must be 500 characters or fewer').default(''),
});

export const newPopulationSetSchema = populationSetSchema.extend({
  covers: z.enum(['districts', 'area'], { error: 'Select what the figures cover' }),
});

export const eligibilities = ['all', 'looked_after', 'child_protection_plan', 'child_in_need'] as const;

export const sampleAuditSchema = z.object({
  name: z.string({ error: 'Enter a name for the audit' }).trim().min(1, 'Enter a name for the audit').max(150, 'The name must be 150 characters or fewer'),
  eligibility: z.enum(eligibilities, { error: 'Select which cases to sample from' }),
  sampleSize: whole('The number of case files', 1, 500),
});

export const recordedAuditSchema = z.object({
  name: z.string({ error: 'Enter a name for the audit' }).trim().min(1, 'Enter a name for the audit').max(150, 'The name must be 150 characters or fewer'),
  populationLabel: z.string({ error: 'Enter who the whole population is' }).trim().min(1, 'Enter who the whole population is, for example children looked after').max(100, 'This must be 100 characters or fewer'),
  population: whole('The whole population', 1, 100_000_000),
  sampleSize: whole('The number of case files audited', 1, 100_000),
  source: z.string().trim().max(500, 'The source must be 500 characters or fewer').default(''),
  counts: z.object(Object.fromEntries(auditVulnerabilities.map((v) => [v.key, whole(`The number of files showing ${v.label.toLowerCase()}`, 0, 100_000)]))),
}).superRefine((a, ctx) => {
  // Runs even when other fields are wrong, so every problem shows at once: each check needs its numbers.
  if (!a || typeof a !== 'object') return;
  if (typeof a.sampleSize === 'number' && typeof a.population === 'number' && a.sampleSize > a.population) {
    ctx.addIssue({ code: 'custom', path: ['sampleSize'], message: `The number of case files audited (${a.sampleSize.toLocaleString('en-GB')}) cannot be more than the whole population (${a.population.toLocaleString('en-GB')})` });
  }
  if (typeof a.sampleSize !== 'number' || !a.counts || typeof a.counts !== 'object') return;
  for (const key of auditVulnerabilityKeys) {
    const files = (a.counts as Record<string, unknown>)[key];
    if (typeof files === 'number' && files > a.sampleSize) ctx.addIssue({ code: 'custom', path: ['counts', key], message: `The number of files cannot be more than the ${a.sampleSize} audited` });
  }
}, { when: () => true });


import { z } from 'zod';
import { versionSchema } from '../../domain/input.ts';
import { outcomeAreaKeys } from '../../domain/casework/outcome-areas.ts';
import { paymentModelKeys, paymentModels, type ClaimSettings } from '../../domain/outcomes/claims.ts';
import { legalStatuses } from '../../domain/codes.ts';
import { familyStarAreas, numericMeasureKeys, timePoints, treatmentStates, workSteps, type FamilyStarArea } from '../../domain/outcomes/measures.ts';

const count = (what: string) => z.number({ error: `Enter ${what} as a whole number, 0 or more` }).int(`Enter ${what} as a whole number, 0 or more`)
  .min(0, `Enter ${what} as a whole number, 0 or more`).max(10000, `${what[0].toUpperCase()}${what.slice(1)} must be 10,000 or fewer`).nullable().default(null);

export const memberMeasuresSchema = z.object({
  personId: z.uuid({ error: 'Give the family member’s id' }),
  legalStatus: z.enum(legalStatuses, { error: 'Select the child’s status' }).nullable().default(null),
  atRiskOfRemoval: z.boolean({ error: 'Say whether the child was at risk of removal' }).nullable().default(null),
  attendancePercent: z.number({ error: 'Enter school attendance as a number from 0 to 100' }).min(0, 'Enter school attendance as a number from 0 to 100')
    .max(100, 'Enter school attendance as a number from 0 to 100').nullable().default(null),
  exclusions: count('exclusions'),
  offences6m: count('proven offences in the last 6 months'),
  offences12m: count('proven offences in the last 12 months'),
  asb6m: count('anti-social behaviour incidents in the last 6 months'),
  asb12m: count('anti-social behaviour incidents in the last 12 months'),
  emergencyAdmissions: count('emergency hospital admissions'),
  daysInCare: z.number({ error: 'Enter days in care as a whole number from 0 to 183' }).int('Enter days in care as a whole number from 0 to 183')
    .min(0, 'Enter days in care as a whole number from 0 to 183').max(183, 'Enter days in care as a whole number from 0 to 183 (the last 6 months)').nullable().default(null),
  substanceTreatment: z.enum(treatmentStates, { error: 'Select substance-misuse treatment engagement' }).nullable().default(null),
  workSteps: z.array(z.enum(workSteps, { error: 'Select steps towards work from the list' })).default([]),
  sdqTotal: z.number({ error: 'Enter the SDQ total difficulties score as a whole number from 0 to 40' }).int('Enter the SDQ total difficulties score as a whole number from 0 to 40')
    .min(0, 'Enter the SDQ total difficulties score as a whole number from 0 to 40').max(40, 'Enter the SDQ total difficulties score as a whole number from 0 to 40').nullable().default(null),
});

const starScore = z.number({ error: 'Enter a Family Star Plus score as a whole number from 1 to 10' }).int('Enter a Family Star Plus score as a whole number from 1 to 10')
  .min(1, 'Enter a Family Star Plus score as a whole number from 1 to 10').max(10, 'Enter a Family Star Plus score as a whole number from 1 to 10');

export const householdMeasuresSchema = z.object({
  domesticAbuseIncidents: count('domestic abuse incidents'),
  policeCallOuts: count('police call-outs'),
  rentArrears: z.number({ error: 'Enter rent arrears in whole pounds, 0 or more' }).int('Enter rent arrears in whole pounds, 0 or more').min(0, 'Enter rent arrears in whole pounds, 0 or more')
    .max(1_000_000, 'Rent arrears must be £1,000,000 or less').nullable().default(null),
  evictionNotices: count('eviction notices'),
  familyStar: z.object(Object.fromEntries(familyStarAreas.map((a) => [a.key, starScore.optional()])) as Record<FamilyStarArea, z.ZodOptional<typeof starScore>>).default({}),
});

/**
 * One time point's measures, taken on `today` (the clock's date) or before, for `personIds` (the
 * family's members). Every problem is reported at once.
 */
export const recordMeasuresSchemaOn = (today?: string, personIds?: ReadonlySet<string>) => z.object({
  timePoint: z.enum(timePoints, { error: 'Select when these measures were taken: referral, closure or a follow-up' }),
  recordedOn: z.iso.date({ error: 'Enter the date the measures were taken' }),
  household: householdMeasuresSchema.default({ domesticAbuseIncidents: null, policeCallOuts: null, rentArrears: null, evictionNotices: null, familyStar: {} }),
  members: z.array(memberMeasuresSchema).max(50, 'Give the measures of 50 family members or fewer').default([]),
  /** The time point's version you read (0 when nothing was recorded): a save based on an older copy is refused. */
  version: versionSchema(0),
}).superRefine((r, ctx) => {
  if (!r || typeof r !== 'object') return;
  if (today && typeof r.recordedOn === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.recordedOn) && r.recordedOn > today) {
    ctx.addIssue({ code: 'custom', path: ['recordedOn'], message: 'The date the measures were taken must be today or in the past' });
  }
  if (personIds && Array.isArray(r.members)) {
    r.members.forEach((m: { personId?: unknown } | null, i: number) => {
      if (m && typeof m.personId === 'string' && !personIds.has(m.personId)) ctx.addIssue({ code: 'custom', path: ['members', i, 'personId'], message: 'This person is not a member of the family' });
    });
  }
}, { when: () => true });
export const recordMeasuresSchema = recordMeasuresSchemaOn();
export type RecordMeasuresInput = z.infer<typeof recordMeasuresSchema>;

export const reportQuerySchema = z.object({
  programmeId: z.union([z.uuid({ error: 'Select a programme' }), z.literal('')]).default(''),
  from: z.iso.date({ error: 'Enter the start of the period as a date, for example 2025-04-01' }),
  to: z.iso.date({ error: 'Enter the end of the period as a date, for example 2026-03-31' }),
}).refine((q) => !q || typeof q.from !== 'string' || typeof q.to !== 'string' || q.from <= q.to, { path: ['to'], message: 'The end of the period must be the same as or after the start', when: () => true });

const criterionSchema = z.object({
  measure: z.enum([...numericMeasureKeys, 'legalStatus', 'substanceTreatment', 'goalDistance'], {
    error: (issue) => (issue.input === undefined || issue.input === '' ? 'Select what is measured' : 'Select a measure Lantern records from the list'),
  }),
  kind: z.enum(['at_most', 'at_least', 'fall_by_percent'], { error: 'Select how the measure is compared: at_least, at_most or fall_by_percent' }),
  value: z.number({ error: 'Enter the value as a number, like 90' }).min(0, 'The value must be 0 or more'),
}).superRefine((c, ctx) => {
  if (c && typeof c === 'object' && c.kind === 'fall_by_percent' && typeof c.value === 'number' && c.value > 100) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'A fall cannot be more than 100%' });
  }
}, { when: () => true });

/**
 * Per headline outcome, the tests a family's measures must pass and how long after closure the
 * progress must hold: the claim settings' rules, and the admin area's claim rules form.
 */
export const claimRulesSchema = z.array(z.object({
  area: z.enum(outcomeAreaKeys, { error: 'Select one of the ten headline outcomes' }),
  criteria: z.array(criterionSchema, { error: 'Give at least one test for each outcome' }).min(1, 'Give at least one test for each outcome'),
  sustainedMonths: z.union([z.literal(0), z.literal(6), z.literal(12)], { error: 'Select how long the progress must last: 0, 6 or 12 months after closure' }),
}), { error: 'Give a rule for each of the ten headline outcomes' }).length(10, 'Give a rule for each of the ten headline outcomes')
  .refine((rules) => !Array.isArray(rules) || new Set(rules.map((r) => (r && typeof r === 'object' ? r.area : r))).size === rules.length, { message: 'Give one rule for each headline outcome', when: () => true });

const pounds = (what: string) => z.number({ error: `Enter ${what} in whole pounds` }).int(`Enter ${what} in whole pounds`).min(0, `Enter ${what} in whole pounds`);

export const claimSettingsSchema = z.object({
  paymentModel: z.enum(paymentModelKeys, { error: 'Select how the programme pays' }).default('troubled_families_phase_2'),
  attachmentFee: pounds('the attachment fee').max(100000, 'The attachment fee must be £100,000 or less').default(0),
  resultsPayment: pounds('the results payment').max(100000, 'The results payment must be £100,000 or less').optional(),
  upfrontFunding: pounds('the upfront funding').max(1_000_000_000, 'The upfront funding must be £1,000,000,000 or less').optional(),
  minimumProblems: z.number({ error: 'Enter the number of problems needed to attach, from 1 to 10' }).int('Enter the number of problems needed to attach, from 1 to 10').min(1, 'Enter the number of problems needed to attach, from 1 to 10').max(10, 'Enter the number of problems needed to attach, from 1 to 10'),
  employmentRoute: z.boolean({ error: 'Say whether continuous employment earns the results payment' }),
  rules: claimRulesSchema,
}).superRefine((s, ctx) => {
  if (!s || typeof s !== 'object' || s.paymentModel !== 'supporting_families_2022_25') return;
  // No amounts are invented for 2022-25: the council enters its own.
  if (s.resultsPayment === undefined) ctx.addIssue({ code: 'custom', path: ['resultsPayment'], message: 'Enter the results payment for each family, from the council’s grant' });
  if (s.upfrontFunding === undefined) ctx.addIssue({ code: 'custom', path: ['upfrontFunding'], message: 'Enter the council’s upfront funding for the period, from its grant' });
  // The phase 2 preset keeps its source's amounts; 2022-25 has no attachment fee.
}, { when: () => true }).transform((s): ClaimSettings => (s.paymentModel === 'troubled_families_phase_2'
  ? { ...s, ...paymentModels.troubled_families_phase_2.amounts!, upfrontFunding: 0 }
  : { ...s, attachmentFee: 0, resultsPayment: s.resultsPayment!, upfrontFunding: s.upfrontFunding! }));

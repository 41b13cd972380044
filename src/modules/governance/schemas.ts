import { z } from 'zod';
import { versionSchema } from '../../domain/input.ts';
import { retentionRecordTypes } from '../../domain/governance/retention.ts';

/** What is valid for break glass, legal holds, reviews and retention: one definition for pages, API and OpenAPI. */

const familyReference = z.string({ error: 'Enter the family reference' }).trim().min(1, 'Enter the family reference')
  .max(20, 'The family reference must be 20 characters or fewer').transform((s) => s.toUpperCase());

const reason = (missing: string, max = 1000) => z.string({ error: missing }).trim().min(1, missing)
  .min(10, 'Give the reason in a sentence (10 characters or more)').max(max, `The reason must be ${max} characters or fewer`);

/** Break glass from a session signed in through an issuer: it confirms who the person is there, never with a password. */
export const breakGlassThroughIssuerSchema = z.object({
  familyReference,
  reason: reason('Enter why you need emergency access to this family'),
});

export const breakGlassSchema = breakGlassThroughIssuerSchema.extend({
  password: z.string({ error: 'Enter your password to confirm it is you' }).min(1, 'Enter your password to confirm it is you').max(1000, 'Enter your password correctly to confirm it is you'),
});

export const reviewSchema = z.object({
  note: z.string({ error: 'Enter a note of your review' }).trim().min(1, 'Enter a note of your review').max(2000, 'The note must be 2000 characters or fewer'),
});

export const legalHoldSchema = z.object({
  familyReference,
  reason: reason('Enter why the family’s records must be kept'),
});

export const liftHoldSchema = z.object({
  reason: reason('Enter why the hold can be lifted'),
});

export const subjectAccessSearchSchema = z.object({ familyReference });

const months = z.coerce.number({ error: 'Enter a number of months' }).int('Enter a whole number of months')
  .min(1, 'Keep records for at least 1 month').max(1200, 'Keep records for 1,200 months (100 years) or fewer');

export const retentionRulesSchema = z.object(Object.fromEntries(retentionRecordTypes.map((t) => [t, z.object({ months, version: versionSchema() })])) as
  Record<(typeof retentionRecordTypes)[number], z.ZodObject<{ months: typeof months; version: ReturnType<typeof versionSchema> }>>).partial();

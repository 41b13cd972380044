import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.ts';
import { extractFormats, sourceKeys } from '../../domain/identification/formats.ts';

/** What is valid for identification, defined once for the pages, the API and the command line. */

export const lawfulBases = ['public_task', 'legal_obligation', 'vital_interests', 'consent'] as const;
export const lawfulBasisLabels: Record<(typeof lawfulBases)[number], string> = {
  public_task: 'Public task (UK GDPR Article 6(1)(e))',
  legal_obligation: 'Legal obligation (UK GDPR Article 6(1)(c))',
  vital_interests: 'Vital interests (UK GDPR Article 6(1)(d))',
  consent: 'Consent (UK GDPR Article 6(1)(a))',
};

const required = (what: string, max = 200) => z.string({ error: `Enter ${what}` }).trim().min(1, `Enter ${what}`).max(max, `${what[0].toUpperCase()}${what.slice(1)} must be ${max} characters or fewer`);

export const agreementSchema = z.object({
  name: required('the agreement’s name'),
  parties: required('the parties to the agreement', 500),
  lawfulBasis: z.enum(lawfulBases, { error: 'Select the lawful basis for sharing' }),
  article9Condition: required('the Article 9 condition for special category data', 300),
  reviewDate: z.string({ error: 'Enter the review date' }).trim().max(40, 'The review date must be a real date').refine(isIsoDate, 'The review date must be a real date'),
});
export type AgreementInput = z.infer<typeof agreementSchema>;

export const ingestSchema = z.object({
  source: z.enum(sourceKeys, { error: 'Select the kind of extract' }),
  agreementId: z.uuid({ error: 'Select the data-sharing agreement that allows this extract' }),
  agencyName: z.string().trim().max(200, 'The agency name must be 200 characters or fewer').default(''),
  validOnly: z.boolean().default(false),
});

export const mappingSchema = z.object({
  source: z.enum(sourceKeys, { error: 'Select the kind of extract' }),
  agencyName: required('the agency whose headers these are'),
  mapping: z.record(z.string(), z.string().trim().max(200, 'A heading must be 200 characters or fewer')),
}).superRefine((m, ctx) => {
  const names = new Set(extractFormats[m.source].columns.map((c) => c.name));
  for (const key of Object.keys(m.mapping)) if (!names.has(key)) ctx.addIssue({ code: 'custom', path: ['mapping', key], message: `${key} is not a column of this format` });
});


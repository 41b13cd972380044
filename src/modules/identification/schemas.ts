import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.ts';
import { extractFormats, sourceKeys } from '../../domain/identification/formats.ts';
import { fileKindOf } from './reader.ts';

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

/**
 * An extract to load. `sent`: what came with the answers — the file's name (null: no file), the
 * agreement chosen as it is stored (null: there is no such agreement) and today — so the file,
 * the agreement and every other answer are reported at once.
 */
export const ingestSchemaWith = (sent?: { filename: string | null; agreement?: { name: string; reviewDate: string; reviewWords: string } | null; today?: string }) => z.object({
  source: z.enum(sourceKeys, { error: 'Select the kind of extract' }),
  agreementId: z.uuid({ error: 'Select the data-sharing agreement that allows this extract' }),
  agencyName: z.string().trim().max(200, 'The agency name must be 200 characters or fewer').default(''),
  validOnly: z.boolean().default(false),
}).superRefine((f, ctx) => {
  if (!sent || !f || typeof f !== 'object') return;
  if (sent.filename === null) ctx.addIssue({ code: 'custom', path: ['file'], message: 'Select a CSV or XLSX file' });
  else if (!fileKindOf(sent.filename)) ctx.addIssue({ code: 'custom', path: ['file'], message: 'The file must be a CSV or an XLSX spreadsheet' });
  const a = sent.agreement;
  if (a === null) ctx.addIssue({ code: 'custom', path: ['agreementId'], message: 'Select the data-sharing agreement that allows this extract' });
  else if (a && sent.today && a.reviewDate < sent.today) {
    ctx.addIssue({ code: 'custom', path: ['agreementId'], message: `The agreement ${a.name} was due for review on ${a.reviewWords}: review it before loading more data under it` });
  }
}, { when: () => true });
export const ingestSchema = ingestSchemaWith();

export const mappingSchema = z.object({
  source: z.enum(sourceKeys, { error: 'Select the kind of extract' }),
  agencyName: required('the agency whose headers these are'),
  mapping: z.record(z.string(), z.string().trim().max(200, 'A heading must be 200 characters or fewer')),
}).superRefine((m, ctx) => {
  const format = m && typeof m === 'object' && typeof m.source === 'string' ? (extractFormats as Record<string, { columns: readonly { name: string }[] } | undefined>)[m.source] : undefined;
  if (!format || !m.mapping || typeof m.mapping !== 'object') return;
  const names = new Set(format.columns.map((c) => c.name));
  for (const key of Object.keys(m.mapping)) if (!names.has(key)) ctx.addIssue({ code: 'custom', path: ['mapping', key], message: `${key} is not a column of this format` });
}, { when: () => true });


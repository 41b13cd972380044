import { versionSchema } from '../../domain/input.ts';
import { z } from 'zod';
import { closureReasonProblem, closureReasons } from '../../domain/casework/closure.ts';
import { isIsoDate } from '../../domain/dates.ts';

const tierMessage = 'Select the tier of service the family is stepping down to';

/**
 * Closing a case: why, where the family steps down to, and the closing summary. `facts`: what the
 * case has done (an agreed plan), which some reasons need; checked with every other field.
 */
export const closureSchemaFor = (facts?: { planAgreed: boolean; signposted?: ReadonlyMap<string, string> }) => z.object({
  reason: z.enum(closureReasons, { error: 'Select why the case is closing' }),
  reasonOther: z.string().trim().max(500, 'The reason must be 500 characters or fewer').default(''),
  stepDownTier: z.coerce.number({ error: tierMessage }).int(tierMessage).min(1, tierMessage).max(4, tierMessage),
  // A directory service the family was signposted to on this case, or a service named by hand.
  stepDownServiceId: z.union([z.uuid({ error: 'Choose a service the family was signposted to, or name another' }), z.literal('')],
    { error: 'Choose a service the family was signposted to, or name another' }).optional().transform((v) => v || null),
  stepDownTo: z.string({ error: 'Enter the name of the service the family is stepping down to' }).trim()
    .max(200, 'The service name must be 200 characters or fewer').default(''),
  closingSummary: z.string({ error: 'Enter a closing summary' }).trim().min(1, 'Enter a closing summary')
    .max(5000, 'The closing summary must be 5,000 characters or fewer'),
  version: versionSchema(),
}).superRefine((c, ctx) => {
  // Runs even when other fields are wrong, so every problem shows at once: the values may not be valid yet.
  if (!c || typeof c !== 'object') return;
  const other = typeof c.reasonOther === 'string' ? c.reasonOther.trim() : '';
  if (c.reason === 'other' && !other) ctx.addIssue({ code: 'custom', path: ['reasonOther'], message: 'Enter the reason the case is closing' });
  if (c.reason === 'stepped_up' && [1, 2, 3].includes(c.stepDownTier)) {
    ctx.addIssue({ code: 'custom', path: ['stepDownTier'], message: 'A case stepped up to statutory services goes to tier 4: select tier 4, or choose another reason' });
  }
  const chosen = typeof c.stepDownServiceId === 'string' ? c.stepDownServiceId : null;
  if (chosen && facts?.signposted && !facts.signposted.has(chosen)) {
    ctx.addIssue({ code: 'custom', path: ['stepDownServiceId'], message: 'Choose a service the family was signposted to, or name another' });
  }
  if (!chosen && !(typeof c.stepDownTo === 'string' && c.stepDownTo.trim())) {
    ctx.addIssue({ code: 'custom', path: ['stepDownTo'], message: 'Enter the name of the service the family is stepping down to' });
  }
  const problem = facts && typeof c.reason === 'string' ? closureReasonProblem(c.reason, facts) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['reason'], message: problem });
}, { when: () => true });
export const closureSchema = closureSchemaFor();
export type ClosureFields = z.infer<typeof closureSchema>;

/**
 * Recording a follow-up after closure: when it happened (`today` or before, and not before the
 * day the case closed, `closedOn`) and how the family is doing. Every problem at once.
 */
export const followUpRecordSchemaOn = (today?: string, closedOn?: { date: string; words: string } | null) => z.object({
  doneOn: z.string({ error: 'Enter the date of the follow-up' }).trim().min(1, 'Enter the date of the follow-up')
    .refine(isIsoDate, 'The date of the follow-up must be a real date'),
  outcomeNote: z.string({ error: 'Enter how the family is doing' }).trim().min(1, 'Enter how the family is doing')
    .max(5000, 'The note must be 5,000 characters or fewer'),
  version: versionSchema(),
}).superRefine((f, ctx) => {
  const done = f && typeof f === 'object' && typeof f.doneOn === 'string' && isIsoDate(f.doneOn.trim()) ? f.doneOn.trim() : null;
  if (!done) return;
  if (today && done > today) ctx.addIssue({ code: 'custom', path: ['doneOn'], message: 'The date of the follow-up must be today or in the past' });
  else if (closedOn && done < closedOn.date) ctx.addIssue({ code: 'custom', path: ['doneOn'], message: `The date of the follow-up must be on or after the day the case closed (${closedOn.words})` });
}, { when: () => true });
export const followUpRecordSchema = followUpRecordSchemaOn();
export type FollowUpRecordFields = z.infer<typeof followUpRecordSchema>;

import { z } from 'zod';
import { chronologyEntryTypes } from '../../domain/casework/chronology.ts';
import { contactTypes, durationMinutes, longestContactMinutes, parseTime } from '../../domain/casework/intensity.ts';
import { letterRecipients } from '../../domain/casework/letters.ts';
import { isIsoDate } from '../../domain/dates.ts';

/**
 * What is valid for contacts, letters and chronology entries, defined once: the API and the
 * pages both parse with these. Messages follow the GOV.UK Design System's error message style.
 */

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const isoDate = (label: string) =>
  z.string({ error: `Enter ${label}` }).trim().min(1, `Enter ${label}`).max(40, `${capitalise(label)} must be a real date`).refine(isIsoDate, `${capitalise(label)} must be a real date`);

const clockTime = (label: string) =>
  z.string({ error: `Enter the ${label}` }).trim().min(1, `Enter the ${label}`).transform((v, ctx) => {
    const time = parseTime(v);
    if (time === null) {
      ctx.addIssue({ code: 'custom', message: `${capitalise(label)} must be a real time, like 09:30 or 2:15pm` });
      return z.NEVER;
    }
    return time;
  });

const requiredText = (max: number, missing: string, label: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `${capitalise(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${capitalise(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`).default('');

/**
 * A contact; `today` (the clock's date) is the latest date it may have. The checks across fields
 * run even when a field is wrong, so the form and the API report every problem at once.
 */
export const contactSchemaOn = (today?: string) => z.object({
  type: z.enum(contactTypes, { error: 'Select the type of contact' }),
  date: isoDate('the date of the contact'),
  startTime: clockTime('start time'),
  endTime: clockTime('end time'),
  location: optionalText(200, 'where it took place'),
  presentPersonIds: z.array(z.uuid({ error: 'Select family members from the list' })).default([]),
  othersPresent: optionalText(500, 'others present'),
  /** true or false to say so; null (or left out) to use the out-of-hours rule. */
  outOfHours: z.boolean({ error: 'Select whether the contact was out of hours' }).nullable().default(null),
  notes: requiredText(20_000, 'Enter the case note', 'the case note'),
  didTogether: optionalText(2000, 'what you did together'),
  progress: optionalText(2000, 'the progress made'),
  nextSteps: optionalText(2000, 'what happens next'),
}).superRefine((c, ctx) => {
  // The values may not be valid yet: each check looks only at the fields it needs, once they are.
  if (!c || typeof c !== 'object') return;
  const date = typeof c.date === 'string' ? c.date.trim() : '';
  if (today && isIsoDate(date) && date > today) {
    ctx.addIssue({ code: 'custom', path: ['date'], message: 'The date of the contact must be today or in the past' });
  }
  const start = typeof c.startTime === 'string' ? parseTime(c.startTime) : null;
  const end = typeof c.endTime === 'string' ? parseTime(c.endTime) : null;
  if (start === null || end === null) return;
  if (start === end) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'The end time must be after the start time' });
  } else if (durationMinutes(start, end) > longestContactMinutes) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'A contact cannot last more than 12 hours: check the start and end times' });
  }
}, { when: () => true });
export const contactSchema = contactSchemaOn();
export type ContactFields = z.infer<typeof contactSchema>;

export const letterSchema = z.object({
  contactId: z.uuid({ error: 'Choose the contact this letter follows' }),
  recipient: z.enum(letterRecipients, { error: 'Choose who the letter is to' }),
  recipientName: requiredText(200, 'Enter who the letter is to', 'who the letter is to'),
  recipientAddress: optionalText(500, 'the address'),
  subject: requiredText(200, 'Enter a heading for the letter', 'the heading'),
  salutation: requiredText(200, 'Enter the greeting, like Dear Kerry', 'the greeting'),
  didTogether: requiredText(5000, 'Enter what you did together', 'what you did together'),
  progress: requiredText(5000, 'Enter the progress made', 'the progress made'),
  nextSteps: requiredText(5000, 'Enter what happens next', 'what happens next'),
  servicesNearYou: optionalText(5000, 'services near you'),
  whoToContact: requiredText(2000, 'Enter who to contact', 'who to contact'),
  approved: z.literal(true, { error: 'Confirm you have checked the letter before saving it' }),
});
export type LetterFields = z.infer<typeof letterSchema>;

/** A significant event added to the chronology by hand, on `today` (the clock's date) or before; every problem at once. */
export const chronologyEntrySchemaOn = (today?: string) => z.object({
  occurredOn: isoDate('the date of the event'),
  personId: z.uuid({ error: 'Select a family member, or the whole family' }).nullable().default(null),
  agencyId: z.uuid({ error: 'Select the agency' }),
  type: z.enum(chronologyEntryTypes, { error: 'Select the type of event' }),
  summary: requiredText(2000, 'Enter what happened', 'what happened'),
  source: optionalText(300, 'the source'),
}).superRefine((e, ctx) => {
  const date = e && typeof e === 'object' && typeof e.occurredOn === 'string' ? e.occurredOn.trim() : '';
  if (today && isIsoDate(date) && date > today) ctx.addIssue({ code: 'custom', path: ['occurredOn'], message: 'The date of the event must be today or in the past' });
}, { when: () => true });
export const chronologyEntrySchema = chronologyEntrySchemaOn();
export type ChronologyEntryFields = z.infer<typeof chronologyEntrySchema>;

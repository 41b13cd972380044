/**
 * The staff directory editor's form: one schema for adding and changing a directory service. Every
 * field is text (a list, such as `cost=a&cost=b`, is refused with its own message), except the days
 * it runs, which are ticked boxes. Saving confirms the details were checked today (the review date).
 */
import { z } from 'zod';
import { versionSchema } from '../input.ts';
import { normalisePostcode } from './geo.ts';
import { categories } from './taxonomy.ts';

export const editorDays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const editorDayLabels: Record<(typeof editorDays)[number], string> = {
  MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday',
};

/** The form's fields, in page order (the error summary's order). */
export const editorFields = [
  'name', 'organisation', 'description', 'category', 'minimumAge', 'maximumAge', 'cost', 'phone', 'email', 'website',
  'address', 'town', 'postcode', 'hideAddress', 'areas', 'days', 'opensAt', 'closesAt', 'version',
] as const;

const textField = (what: string, max: number) => z.string({ error: `The ${what} must be text` }).trim()
  .max(max, { error: `The ${what} must be ${max} characters or fewer` });
const optional = (what: string, max: number) => textField(what, max).optional().transform((v) => v ?? '');
const ageField = (what: string) => optional(what, 3).refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) <= 130), {
  error: `Enter the ${what} as a whole number of years from 0 to 130, like 5`,
}).transform((v) => (v === '' ? null : Number(v)));
const timeField = (what: string) => optional(what, 5).refine((v) => v === '' || /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v), {
  error: `Enter the ${what} as a 24-hour time, like 09:30`,
}).transform((v) => v || null);

export const directoryEntrySchema = z.object({
  name: textField('name', 300).min(1, { error: 'Enter the name of the service' }),
  organisation: optional('organisation', 300),
  description: textField('description', 5000).min(1, { error: 'Enter what the service does' }),
  category: z.string({ error: 'Choose the kind of help from the list' }).refine((v) => categories.some((c) => c.code === v), { error: 'Choose the kind of help from the list' }),
  minimumAge: ageField('youngest age'),
  maximumAge: ageField('oldest age'),
  cost: optional('cost', 300),
  phone: optional('phone number', 40).refine((v) => v === '' || /^[0-9+() -]{6,40}$/.test(v), { error: 'Enter a phone number, like 01632 960 001' }),
  email: optional('email address', 300).refine((v) => v === '' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), { error: 'Enter an email address, like name@example.org' }),
  website: optional('website', 1000).refine((v) => v === '' || /^https?:\/\/[^\s]+\.[^\s]+$/.test(v), { error: 'Enter a website starting https://' }),
  address: optional('address', 300),
  town: optional('town', 200),
  postcode: optional('postcode', 20).refine((v) => v === '' || normalisePostcode(v) !== null, { error: 'Enter a full postcode, like NV1 5SE' })
    .transform((v) => (v ? normalisePostcode(v) : null)),
  hideAddress: z.union([z.literal('yes'), z.literal('')], { error: 'Choose whether to hide the address' }).optional().transform((v) => v === 'yes'),
  areas: optional('areas served', 2000),
  days: z.union([z.enum(editorDays), z.array(z.enum(editorDays))], { error: 'Choose days from the list' }).optional()
    .transform((v) => (v === undefined ? [] : [v].flat())),
  opensAt: timeField('opening time'),
  closesAt: timeField('closing time'),
  version: versionSchema(0),
}).superRefine((e, ctx) => {
  // Runs even when other fields are wrong, so every problem shows at once: the values may not be valid yet.
  if (!e || typeof e !== 'object') return;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const [youngest, oldest] = [num(e.minimumAge), num(e.maximumAge)];
  if (youngest !== null && oldest !== null && youngest > oldest) {
    ctx.addIssue({ code: 'custom', path: ['maximumAge'], message: 'The oldest age must be the same as or more than the youngest age' });
  }
  const [opens, closes] = [str(e.opensAt), str(e.closesAt)];
  if (opens && closes && closes <= opens) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'The closing time must be after the opening time' });
  if ((opens || closes) && !(Array.isArray(e.days) ? e.days.length : typeof e.days === 'string')) {
    ctx.addIssue({ code: 'custom', path: ['days'], message: 'Choose the days it runs, or leave the times empty' });
  }
  const hasAddress = Boolean(str(e.address) || str(e.town));
  const areas = str(e.areas);
  if (hasAddress && !e.postcode) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'Enter the postcode of the address, so families can find it by distance' });
  if (e.hideAddress === true && !areas) {
    ctx.addIssue({ code: 'custom', path: ['areas'], message: 'Enter the areas served: a service with a hidden address is found through them' });
  } else if (!hasAddress && !e.postcode && !areas) {
    ctx.addIssue({ code: 'custom', path: ['areas'], message: 'Enter an address or the areas served, so families can find the service' });
  }
}, { when: () => true });

export type DirectoryEntry = z.output<typeof directoryEntrySchema>;

/** Retiring needs only the version read. */
export const retireSchema = z.object({ version: versionSchema(0) });

import { versionSchema } from '../../domain/input.ts';
import { z } from 'zod';
import { isCinFactorCode, legalStatuses, needTypes, roles, sexes } from '../../domain/codes.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { isFullUkPostcode } from '../../domain/names.ts';

/**
 * What is valid, defined once: the API, the pages and the command line all parse with these.
 * Messages follow the GOV.UK Design System's error message style.
 */

const isoDate = (label: string) =>
  z.string({ error: `Enter ${label}` }).trim().min(1, `Enter ${label}`).max(40, `${capitalise(label)} must be a real date`).refine(isIsoDate, `${capitalise(label)} must be a real date`);

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const optionalText = (max: number, label: string) =>
  z.string().trim().max(max, `${capitalise(label)} must be ${max} characters or fewer`).default('');

export const familySchema = z.object({
  familyName: z.string({ error: 'Enter the family name' }).trim().min(1, 'Enter the family name')
    .max(100, 'Family name must be 100 characters or fewer'),
  addressLine1: z.string({ error: 'Enter the first line of the address' }).trim().min(1, 'Enter the first line of the address')
    .max(200, 'Address line 1 must be 200 characters or fewer'),
  addressLine2: optionalText(200, 'address line 2'),
  town: optionalText(100, 'town or city'),
  postcode: z.string({ error: 'Enter a postcode' }).trim().min(1, 'Enter a postcode')
    .refine(isFullUkPostcode, 'Enter a full UK postcode, like NV1 4AB'),
  districtId: z.uuid({ error: 'Select a district' }).nullable().default(null),
});
export type FamilyFields = z.infer<typeof familySchema>;

export const familyUpdateSchema = familySchema.extend({
  version: versionSchema(),
});

/** A member's details; dates are checked against `today` (the clock's date, 'YYYY-MM-DD'). */
export const memberSchema = (today: string) => z.object({
  givenName: z.string({ error: 'Enter their first name' }).trim().min(1, 'Enter their first name')
    .max(100, 'First name must be 100 characters or fewer'),
  familyName: z.string({ error: 'Enter their last name' }).trim().min(1, 'Enter their last name')
    .max(100, 'Last name must be 100 characters or fewer'),
  role: z.enum(roles, { error: 'Select who this person is in the family' }),
  sex: z.enum(sexes, { error: 'Select their sex' }).default('not_known'),
  dateOfBirth: isoDate('their date of birth').nullable().default(null),
  expectedDate: isoDate('the expected date of birth').nullable().default(null),
}).superRefine((m, ctx) => {
  // Runs even when other fields are wrong, so every problem shows at once: the values may not be valid yet.
  if (!m || typeof m !== 'object') return;
  if (m.role === 'unborn') {
    if (!m.expectedDate) ctx.addIssue({ code: 'custom', path: ['expectedDate'], message: 'Enter the expected date of birth' });
    return;
  }
  if (!m.dateOfBirth) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Enter their date of birth' });
    return;
  }
  if (typeof m.dateOfBirth !== 'string' || !isIsoDate(m.dateOfBirth)) return;
  if (m.dateOfBirth > today) ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth must be in the past' });
  const years = Number(today.slice(0, 4)) - Number(m.dateOfBirth.slice(0, 4));
  if ((m.role === 'child' || m.role === 'sibling') && years > 18) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'A child must be under 18: check the date of birth, or choose another role' });
  }
  if (years > 120) ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth must be after 1900' });
}, { when: () => true });
export type MemberFields = z.infer<ReturnType<typeof memberSchema>>;

export const memberUpdateSchema = (today: string) => z.intersection(memberSchema(today), z.object({
  version: versionSchema(),
}));

/**
 * A need, identified on `today` or before; `role`: the person's role, when known, so a Children in
 * Need code that does not apply to them is reported with every other problem.
 */
export const needSchema = (today: string, role?: { codes: readonly string[]; words: string }) => z.object({
  needType: z.enum(needTypes, { error: 'Select the type of need' }).default('cin_factor'),
  code: z.string().trim().max(10, 'Select the need or vulnerability from the list').nullable().default(null),
  sourceAgencyId: z.uuid({ error: 'Select the agency that identified this need' }),
  identifiedOn: isoDate('the date the need was identified'),
  isCurrent: z.boolean({ error: 'Select whether this need is current' }).default(true),
  notes: optionalText(2000, 'notes'),
}).superRefine((n, ctx) => {
  if (!n || typeof n !== 'object') return;
  if (n.needType === 'cin_factor' && (n.code === null || typeof n.code === 'string')) {
    const code = (n.code ?? '').trim();
    if (!code) ctx.addIssue({ code: 'custom', path: ['code'], message: 'Select the need or vulnerability' });
    else if (!isCinFactorCode(code)) ctx.addIssue({ code: 'custom', path: ['code'], message: `${code} is not a Children in Need assessment factor code` });
    else if (role && !role.codes.includes(code)) ctx.addIssue({ code: 'custom', path: ['code'], message: `${code} does not apply to a ${role.words}: choose one of the codes listed for a ${role.words}` });
  }
  if (typeof n.identifiedOn === 'string' && isIsoDate(n.identifiedOn) && n.identifiedOn > today) ctx.addIssue({ code: 'custom', path: ['identifiedOn'], message: 'The date the need was identified must be today or in the past' });
}, { when: () => true });
export type NeedFields = z.infer<ReturnType<typeof needSchema>>;

/** A legal status; `from`: the start of the current one (ISO, and in words), which a new one may not start before. */
export const statusSchemaFrom = (from?: { date: string; words: string } | null) => z.object({
  status: z.enum(legalStatuses, { error: 'Select the legal status' }),
  startDate: isoDate('the date the status started'),
}).superRefine((s, ctx) => {
  const start = s && typeof s === 'object' && typeof s.startDate === 'string' && isIsoDate(s.startDate.trim()) ? s.startDate.trim() : null;
  if (from && start && start < from.date) ctx.addIssue({ code: 'custom', path: ['startDate'], message: `The start date must be on or after the start of the current status (${from.words})` });
}, { when: () => true });
export const statusSchema = statusSchemaFrom();
export type StatusFields = z.infer<typeof statusSchema>;


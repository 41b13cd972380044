import { versionSchema } from '../../domain/input.ts';
import { z } from 'zod';
import { isCinFactorCode, roles } from '../../domain/codes.ts';
import { isIsoDate } from '../../domain/dates.ts';
import { isFullUkPostcode } from '../../domain/names.ts';

const date = (label: string) => z.string().trim().max(40, `${label} must be a real date`).refine(isIsoDate, `${label} must be a real date`);

export const referralMemberSchema = z.object({
  givenName: z.string({ error: 'Enter their first name' }).trim().min(1, 'Enter their first name').max(100, 'First name must be 100 characters or fewer'),
  familyName: z.string({ error: 'Enter their last name' }).trim().min(1, 'Enter their last name').max(100, 'Last name must be 100 characters or fewer'),
  role: z.enum(roles, { error: 'Select who this person is in the family' }),
  dateOfBirth: date('Date of birth').nullable().default(null),
});

/** The family as the referrer knows them: their name, address and people. */
const subjectFields = {
  familyName: z.string().trim().max(100, 'Family name must be 100 characters or fewer').default(''),
  addressLine1: z.string().trim().max(200, 'Address line 1 must be 200 characters or fewer').default(''),
  postcode: z.string().trim().max(40, 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it')
    .refine((p) => p === '' || isFullUkPostcode(p), 'Enter a full UK postcode, like NV1 4AB, or leave it blank if you do not know it').default(''),
  members: z.array(referralMemberSchema).max(20, 'Name up to 20 people').default([]),
};

/** Who referred and why, in words. */
const referrerFields = {
  referrerName: z.string({ error: 'Enter the referrer’s name' }).trim().min(1, 'Enter the referrer’s name').max(200, 'The referrer’s name must be 200 characters or fewer'),
  referrerAgency: z.string({ error: 'Enter the referrer’s agency, or “Self-referral”' }).trim().min(1, 'Enter the referrer’s agency, or “Self-referral”').max(200, 'The referrer’s agency must be 200 characters or fewer'),
  referrerContact: z.string({ error: 'Enter a phone number or email address for the referrer' }).trim().min(1, 'Enter a phone number or email address for the referrer').max(200, 'The referrer’s phone number or email address must be 200 characters or fewer'),
  reasons: z.string({ error: 'Describe why you are referring the family' }).trim().min(1, 'Describe why you are referring the family').max(5000, 'The reasons must be 5,000 characters or fewer'),
};

type Issues = { addIssue: (issue: { code: 'custom'; path: (string | number)[]; message: string }) => void };
const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/**
 * The checks across the family's fields, run even when a field is wrong (the values may not be
 * valid yet): a family not yet on Lantern needs a name and a person; no one is born after `today`.
 */
function checkSubject(r: Record<string, unknown>, ctx: Issues, { joined, today }: { joined: boolean; today?: string }) {
  if (!joined) {
    if (!filled(r.familyName)) ctx.addIssue({ code: 'custom', path: ['familyName'], message: 'Enter the family name' });
    if (!Array.isArray(r.members) || !r.members.length) ctx.addIssue({ code: 'custom', path: ['members'], message: 'Name at least one family member' });
  }
  if (today && Array.isArray(r.members)) {
    r.members.forEach((m: { dateOfBirth?: unknown } | null, i: number) => {
      const born = m && typeof m.dateOfBirth === 'string' && isIsoDate(m.dateOfBirth) ? m.dateOfBirth : null;
      if (born && born > today) ctx.addIssue({ code: 'custom', path: ['members', i, 'dateOfBirth'], message: 'Date of birth must be today or in the past' });
      else if (born && Number(today.slice(0, 4)) - Number(born.slice(0, 4)) > 120) ctx.addIssue({ code: 'custom', path: ['members', i, 'dateOfBirth'], message: 'Date of birth must be after 1900' });
    });
  }
}

/**
 * A referral, checked as of `today` (a date of birth after it is refused). One schema for the
 * API and the page: its cross-field checks run even when a field is wrong, so every problem
 * shows at once. Without `today`, dates of birth are not compared (the OpenAPI description).
 */
export const referralSchemaOn = (today?: string) => z.object({
  familyId: z.uuid({ error: 'Select the family' }).nullable().default(null),
  // The team the referral is for; none: the partnership's front door.
  routedTeamId: z.uuid({ error: 'Select the team the referral is for' }).nullable().default(null),
  ...subjectFields,
  selfReferral: z.boolean().default(false),
  ...referrerFields,
  needCodes: z.array(z.string().max(10, 'Select needs from the list').refine(isCinFactorCode, 'Select needs from the list')).max(100, 'Select needs from the list').default([]),
  urgency: z.enum(['routine', 'urgent', 'emergency'], { error: 'Select how urgent this is' }),
  consent: z.enum(['given', 'not_given'], { error: 'Select whether the family has agreed to the referral' }),
  lawfulBasis: z.string().trim().max(1000, 'The lawful reason must be 1,000 characters or fewer').default(''),
}).superRefine((r, ctx) => {
  if (!r || typeof r !== 'object') return;
  if (r.consent === 'not_given' && !filled(r.lawfulBasis)) {
    ctx.addIssue({ code: 'custom', path: ['lawfulBasis'], message: 'Give the lawful reason for sharing without the family’s agreement' });
  }
  checkSubject(r, ctx, { joined: Boolean(r.familyId), today });
}, { when: () => true });

/**
 * A screener's correction of a referral's details before screening: the family's name, address
 * and people (names, roles, dates of birth), the referrer's details and the reasons, with the
 * version read. `joined`: the referral is already joined to a family record, so it needs no
 * people of its own. The same checks as at referral, all at once.
 */
export const referralDetailsSchemaOn = (today?: string, { joined = false }: { joined?: boolean } = {}) => z.object({
  ...subjectFields,
  ...referrerFields,
  version: versionSchema(),
}).superRefine((r, ctx) => {
  if (!r || typeof r !== 'object') return;
  checkSubject(r, ctx, { joined, today });
}, { when: () => true });
export const referralDetailsSchema = referralDetailsSchemaOn();
export type ReferralDetailsFields = z.infer<typeof referralDetailsSchema>;

export const referralSchema = referralSchemaOn();
export type ReferralFields = z.infer<typeof referralSchema>;

export const screeningSchema = z.object({
  decision: z.enum(['accepted', 'signposted', 'declined'], { error: 'Select a decision' }),
  reason: z.string({ error: 'Give the reason for the decision' }).trim().min(1, 'Give the reason for the decision').max(2000, 'The reason for the decision must be 2,000 characters or fewer'),
  programmeId: z.uuid({ error: 'Select a programme' }).nullable().default(null),
  familyChoice: z.string().trim().max(40, 'Select a family from the list, or a new family').default(''),
  /** The referrer's address for the family, as the screener corrects it for a new family record (blank: as referred). */
  addressLine1: z.string().trim().max(200, 'Address line 1 must be 200 characters or fewer').default(''),
  postcode: z.string().trim().max(10, 'Enter a full UK postcode, like NV1 4AB').default(''),
  signpostedTo: z.string({ error: 'Enter where the family was signposted to' }).trim().max(200, 'Where the family was signposted to must be 200 characters or fewer').default(''),
  levelOverride: z.coerce.number({ error: 'Select a level of need from 1 to 4' }).int('Select a level of need from 1 to 4').min(1, 'Select a level of need from 1 to 4').max(4, 'Select a level of need from 1 to 4').nullable().default(null),
  levelOverrideReason: z.string({ error: 'Give the reason for changing the level of need' }).trim().max(2000, 'The reason for changing the level must be 2,000 characters or fewer').default(''),
  version: versionSchema(),
}).superRefine((s, ctx) => {
  // Runs even when other fields are wrong, so every problem shows at once: the values may not be valid yet.
  if (!s || typeof s !== 'object') return;
  if (s.decision === 'accepted') {
    if (!s.programmeId) ctx.addIssue({ code: 'custom', path: ['programmeId'], message: 'Select a programme' });
    if (!s.familyChoice) ctx.addIssue({ code: 'custom', path: ['familyChoice'], message: 'Select the family record to use, or create a new one' });
  }
  if (s.decision === 'signposted' && !s.signpostedTo) ctx.addIssue({ code: 'custom', path: ['signpostedTo'], message: 'Enter the service the family is signposted to' });
  if (s.levelOverride !== null && s.levelOverride !== undefined && !(typeof s.levelOverrideReason === 'string' && s.levelOverrideReason.trim())) ctx.addIssue({ code: 'custom', path: ['levelOverrideReason'], message: 'Give the reason for changing the level of need' });
}, { when: () => true });

/** A screener asks the lead or managers of a family already known to Lantern to join the referral to it. */
export const joinRequestSchema = z.object({
  familyId: z.uuid({ error: 'Select one of the families already known to Lantern' }),
});

/** The family's lead or a manager answers a join request: a refusal gives its reason. */
export const joinDecisionSchema = z.object({
  decision: z.enum(['accept', 'refuse'], { error: 'Select accept or refuse' }),
  reason: z.string({ error: 'Enter why you are refusing the request' }).trim().max(2000, 'The reason must be 2000 characters or fewer').default(''),
}).superRefine((d, ctx) => {
  if (d && typeof d === 'object' && d.decision === 'refuse' && !(typeof d.reason === 'string' && d.reason.trim())) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter why you are refusing the request' });
}, { when: () => true });

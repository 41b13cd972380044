import { versionSchema } from '../../domain/input.ts';
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.ts';
import { actionStatuses, contactTimes, ownerTypes } from '../../domain/casework/plan.ts';
import { outcomeAreaKeys } from '../../domain/casework/outcome-areas.ts';

/**
 * What is valid for the assessment, the plan, the contract and the safety plan: the pages and the
 * API both parse with these. `version` is the optimistic lock: send the version you read (0 when
 * there is nothing saved yet); a save based on an out-of-date copy is refused.
 */

const text = (max: number, label: string) =>
  z.string({ error: `${label} must be text` }).trim().max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`).default('');

const required = (max: number, missing: string, label: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const version = versionSchema(0);

const isoDate = (missing: string, label: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(40, `${label} must be a real date`).refine(isIsoDate, `${label} must be a real date`);

const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const dateIn = (v: unknown) => (typeof v === 'string' && isIsoDate(v.trim()) ? v.trim() : null);

/**
 * One family member's assessment. `codes`: the Children in Need factor codes that apply to this
 * person (by their role), with the words for a code that does not; checked with every other field.
 */
export const memberAssessmentSchemaFor = (codes?: { allowed: ReadonlySet<string>; wrong: (code: string) => string }) => z.object({
  strengths: text(5000, 'Strengths'),
  needs: text(5000, 'Needs'),
  risks: text(5000, 'Risks'),
  factorCodes: z.array(z.string().trim(), { error: 'Send factor codes as a list' }).max(40, 'Select 40 factors or fewer').default([]),
  wishesAndFeelings: text(5000, 'Wishes and feelings'),
  wishesNotRecordedReason: text(1000, 'The reason'),
  version,
}).superRefine((m, ctx) => {
  if (!codes || !m || typeof m !== 'object' || !Array.isArray(m.factorCodes)) return;
  const wrong = m.factorCodes.find((code) => typeof code === 'string' && !codes.allowed.has(code.trim()));
  if (wrong !== undefined) ctx.addIssue({ code: 'custom', path: ['factorCodes'], message: codes.wrong(wrong.trim()) });
}, { when: () => true });
export const memberAssessmentSchema = memberAssessmentSchemaFor();
export type MemberAssessmentFields = z.infer<typeof memberAssessmentSchema>;

export const familyViewSchema = z.object({
  familyView: text(5000, 'The family’s view'),
  wantsToChange: text(5000, 'What the family wants to change'),
  version,
});

export const goalSchema = z.object({
  goal: required(500, 'Enter the goal in the family’s words', 'The goal'),
  outcomeArea: z.enum(outcomeAreaKeys, { error: 'Select the outcome this goal is about' }),
  progressNote: text(3000, 'The progress note'),
  /** Distance travelled towards the goal, recorded at a review: 1 not started .. 5 achieved. */
  distanceTravelled: z.number({ error: 'Select how far the family has come towards this goal' }).int('Select how far the family has come towards this goal')
    .min(1, 'Select how far the family has come towards this goal').max(5, 'Select how far the family has come towards this goal').nullable().default(null),
  version,
});
export type GoalFields = z.infer<typeof goalSchema>;

/**
 * An action in the plan, due on or after `today` (the clock's date); `keptDueOn`, an action's
 * existing due date, may stay as it is though it has passed. Every problem is reported at once.
 */
/**
 * A plan action. `owners`: the family's members and the practitioners in the team around it, so an
 * owner from outside them is reported with every other problem at once.
 */
export const actionSchemaOn = (today?: string, keptDueOn?: string | null, owners?: { people: readonly string[]; practitioners: readonly string[] }) => z.object({
  description: required(500, 'Enter what will be done', 'What will be done'),
  ownerType: z.enum(ownerTypes, { error: 'Select who will do this' }),
  ownerPersonId: z.uuid({ error: 'Select the family member' }).nullable().default(null),
  ownerUserId: z.uuid({ error: 'Select the practitioner' }).nullable().default(null),
  ownerName: text(200, 'The name of the agency or service'),
  dueOn: isoDate('Enter the date it is due', 'The due date'),
  status: z.enum(actionStatuses, { error: 'Select the status' }).default('not_started'),
  version,
}).superRefine((a, ctx) => {
  // The values may not be valid yet: each check looks only at the fields it needs.
  if (!a || typeof a !== 'object') return;
  if (a.ownerType === 'person' && !a.ownerPersonId) ctx.addIssue({ code: 'custom', path: ['ownerPersonId'], message: 'Select the family member' });
  else if (a.ownerType === 'person' && owners && typeof a.ownerPersonId === 'string' && !owners.people.includes(a.ownerPersonId)) {
    ctx.addIssue({ code: 'custom', path: ['ownerPersonId'], message: 'Select a member of this family' });
  }
  if (a.ownerType === 'practitioner' && !a.ownerUserId) ctx.addIssue({ code: 'custom', path: ['ownerUserId'], message: 'Select the practitioner' });
  else if (a.ownerType === 'practitioner' && owners && typeof a.ownerUserId === 'string' && !owners.practitioners.includes(a.ownerUserId)) {
    ctx.addIssue({ code: 'custom', path: ['ownerUserId'], message: 'Select a practitioner in the team around the family' });
  }
  if (a.ownerType === 'agency' && !filled(a.ownerName)) ctx.addIssue({ code: 'custom', path: ['ownerName'], message: 'Enter the name of the agency or service' });
  const due = dateIn(a.dueOn);
  if (today && due && due < today && due !== keptDueOn) ctx.addIssue({ code: 'custom', path: ['dueOn'], message: 'The due date must be today or in the future' });
}, { when: () => true });
export const actionSchema = actionSchemaOn();
export type ActionFields = z.infer<typeof actionSchema>;

export const actionStatusSchema = z.object({
  status: z.enum(actionStatuses, { error: 'Select the status' }),
  version,
});

/**
 * The date the plan will be reviewed: after `today`, and no later than `latest` (the end of the
 * programme or its review interval, with the reason in words).
 */
export const reviewDateSchemaOn = (today?: string, latest?: { latest: string; why: string; latestWords: string }) => z.object({
  reviewDate: isoDate('Enter the date the plan will be reviewed', 'The review date'),
  version,
}).superRefine((r, ctx) => {
  const date = r && typeof r === 'object' ? dateIn(r.reviewDate) : null;
  if (!date) return;
  if (today && date <= today) ctx.addIssue({ code: 'custom', path: ['reviewDate'], message: 'The review date must be in the future' });
  else if (latest && date > latest.latest) ctx.addIssue({ code: 'custom', path: ['reviewDate'], message: `The review date must be on or before ${latest.latestWords}, ${latest.why}` });
}, { when: () => true });
export const reviewDateSchema = reviewDateSchemaOn();

export const versionOnlySchema = z.object({ version });

/** The family contract; the date the family agreed is `today` (the clock's date) or before. */
export const contractSchemaOn = (today?: string) => z.object({
  familyCommitments: required(5000, 'Enter what the family will do', 'What the family will do'),
  keyWorkerCommitments: required(5000, 'Enter what the key worker will do', 'What the key worker will do'),
  agencyCommitments: z.array(z.object({
    agency: required(200, 'Enter the agency’s name', 'The agency’s name'),
    commitment: required(3000, 'Enter what the agency will do', 'What the agency will do'),
  }), { error: 'Send agency commitments as a list' }).max(20, 'List 20 agencies or fewer').default([]),
  consequences: required(5000, 'Enter what was agreed will happen if the agreement is not kept', 'The consequences'),
  agreedOn: isoDate('Enter the date the family agreed', 'The date the family agreed').nullable().default(null),
  version,
}).superRefine((c, ctx) => {
  const agreed = c && typeof c === 'object' ? dateIn(c.agreedOn) : null;
  if (today && agreed && agreed > today) ctx.addIssue({ code: 'custom', path: ['agreedOn'], message: 'The date the family agreed must be today or in the past' });
}, { when: () => true });
export const contractSchema = contractSchemaOn();
export type ContractFields = z.infer<typeof contractSchema>;

const phone = /^\+?[0-9][0-9 ()-]{1,22}$/;

export const safetyPlanSchema = z.object({
  risks: required(5000, 'Enter what the risks are', 'The risks'),
  keepingSafe: required(5000, 'Enter what keeps the children safe', 'What keeps the children safe'),
  whoDoesWhat: required(5000, 'Enter who does what', 'Who does what'),
  contacts: z.array(z.object({
    name: required(200, 'Enter who to call', 'Who to call'),
    phone: z.string({ error: 'Enter a phone number' }).trim().min(1, 'Enter a phone number')
      .refine((p) => phone.test(p), 'Enter a phone number, like 01632 960 001 or 999'),
    when: z.enum(contactTimes, { error: 'Select when to call' }),
  }), { error: 'Send contacts as a list' }).max(12, 'List 12 contacts or fewer').default([]),
  version,
}).superRefine((s, ctx) => {
  if (!s || typeof s !== 'object' || !Array.isArray(s.contacts)) return;
  if (!s.contacts.length) ctx.addIssue({ code: 'custom', path: ['contacts'], message: 'Add at least one person or service to call' });
  else if (!s.contacts.some((c) => c && c.when !== 'office_hours')) {
    ctx.addIssue({ code: 'custom', path: ['contacts'], message: 'Add at least one number to call out of hours (evenings, nights and weekends)' });
  }
}, { when: () => true });
export type SafetyPlanFields = z.infer<typeof safetyPlanSchema>;

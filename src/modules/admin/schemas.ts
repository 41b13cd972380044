import { z } from 'zod';
import { agencyKinds, userRoles } from '../../domain/codes.ts';
import { formVersion, versionSchema } from '../../domain/input.ts';
import { mayUse } from '../../domain/access/policy.ts';

/**
 * What an administrator types, from a form (strings) or JSON (numbers, booleans, arrays) alike:
 * one zod schema per form, shared by the pages and the API, so a submission reports every problem
 * at once (issue 15 item 11). What only the database knows (a name already taken, an agency or team
 * that does not exist, the administrator editing their own account) is asked while the schema runs,
 * through the `…SchemaWith(lookups)` factories, so its answers join the others in the same round.
 * Without lookups each schema checks the answers alone (the API description, the wording meta-test).
 */

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): v is string => typeof v === 'string' && uuidPattern.test(v);

/** A form's string or the API's number as trimmed text (the first of a repeated form field). */
function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : Array.isArray(v) ? String(v[0] ?? '').trim() : '';
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(String).filter(Boolean);
}

/** A ticked checkbox ("yes") or the API's true. */
const ticked = (v: unknown) => v === true || (typeof v === 'string' && ['yes', 'true', 'on'].includes(v));

const capital = (s: string) => s.replace(/^(the |a )/, '').replace(/^./, (c) => c.toUpperCase());

/** A name that must be given: "Enter the agency’s name", "Agency’s name must be 120 characters or fewer". */
function name(missing: string, max = 120) {
  return z.preprocess(text, z.string().min(1, missing).max(max, `${capital(missing.replace(/^Enter /, ''))} must be ${max} characters or fewer`));
}

/** A whole number in a range, with the message a person reads when it is not. */
function whole(label: string, min: number, max: number) {
  return z.preprocess(text, z.string().min(1, `Enter ${label}`)
    .regex(/^\d+$/, `${capital(label)} must be a whole number, like 12`)
    .refine((s) => Number(s) >= min && Number(s) <= max, `${capital(label)} must be between ${min} and ${max}`)
    .transform(Number));
}

/** The version of the record the form was opened on: a form's hidden field or the API's number. */
export const editVersion = z.preprocess(formVersion, versionSchema(1, 'Reload the page and make your change again'));

/** An edit: the form's fields and the version it was opened on, every problem of both at once. */
export const edit = <S extends z.ZodType>(schema: S) => z.intersection(schema, z.object({ version: editVersion }));

/** A check of a whole form that runs while a field is wrong, asking the database only when given lookups. */
type Check<T> = (value: T, ctx: z.RefinementCtx) => void | Promise<void>;


export interface UserLookups {
  /** True when another person already uses this email address. */
  emailTaken(email: string): Promise<boolean>;
  agency(id: string): Promise<{ id: string; name: string } | undefined>;
  team(id: string): Promise<{ name: string; agency_id: string } | undefined>;
  /** The administrator is editing their own account (they may not take away their own administrator role). */
  editingSelf?: boolean;
}

const userShape = {
  displayName: name('Enter the person’s full name'),
  email: z.preprocess(text, z.string().min(1, 'Enter an email address').regex(emailPattern, 'Enter an email address in the correct format, like name@example.org')),
  jobTitle: z.preprocess(text, z.string().max(120, 'Job title must be 120 characters or fewer')),
  role: z.preprocess(text, z.enum(userRoles, { error: 'Select what the person does in Lantern' })),
  agencyId: z.preprocess(text, z.string().regex(uuidPattern, 'Select the person’s agency')),
  teamId: z.preprocess((v) => text(v) || null, z.string().regex(uuidPattern, 'Select a team from the list').nullable()),
  managedTeamIds: z.preprocess(list, z.array(z.string()).refine((ids) => ids.every(isUuid), 'Select teams from the list')),
  /** Screens referrals sent to the partnership's front door (managers only). */
  frontDoorScreener: z.preprocess(ticked, z.boolean()),
};

/** A person's account: who they are, what they do and where they work; `lookups` adds the database's checks. */
export function userSchemaWith(options: { lookups?: UserLookups } = {}) {
  const { lookups } = options;
  type Raw = { [K in keyof typeof userShape]?: unknown };
  const answers: Check<Raw> = (u, ctx) => {
    if (!u || typeof u !== 'object') return;
    const role = userRoles.find((r) => r === u.role);
    const managed = Array.isArray(u.managedTeamIds) ? u.managedTeamIds : [];
    if (managed.length && role && role !== 'manager') {
      ctx.addIssue({ code: 'custom', path: ['managedTeamIds'], message: 'Only a manager can manage teams: choose Manager, or untick the teams' });
    }
    // Screening is the managers' feature (src/domain/access/policy.ts).
    if (u.frontDoorScreener === true && role && !mayUse(role, 'referral.screen')) {
      ctx.addIssue({ code: 'custom', path: ['frontDoorScreener'], message: 'Only a manager can screen front door referrals: choose Manager, or untick it' });
    }
    if (lookups?.editingSelf && role && role !== 'administrator') {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'You cannot take away your own administrator role: ask another administrator' });
    }
  };
  const database: Check<Raw> = async (u, ctx) => {
    if (!lookups || !u || typeof u !== 'object') return;
    const email = typeof u.email === 'string' && emailPattern.test(u.email) ? u.email : null;
    if (email && (await lookups.emailTaken(email))) ctx.addIssue({ code: 'custom', path: ['email'], message: `Someone already uses the email address ${email}` });
    const agency = isUuid(u.agencyId) ? await lookups.agency(u.agencyId) : undefined;
    if (isUuid(u.agencyId) && !agency) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'Select the person’s agency' });
    if (isUuid(u.teamId)) {
      const team = await lookups.team(u.teamId);
      if (!team) ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'Select a team from the list' });
      else if (agency && team.agency_id !== agency.id) ctx.addIssue({ code: 'custom', path: ['teamId'], message: `${team.name} is not a team of ${agency.name}: choose one of its teams, or no team` });
    }
    const managed = Array.isArray(u.managedTeamIds) && u.managedTeamIds.every(isUuid) ? u.managedTeamIds : [];
    for (const id of managed) {
      if (!(await lookups.team(id))) {
        ctx.addIssue({ code: 'custom', path: ['managedTeamIds'], message: 'Select teams from the list' });
        break;
      }
    }
  };
  const schema = z.object(userShape).superRefine(answers, { when: () => true });
  return lookups ? schema.superRefine(database, { when: () => true }) : schema;
}
export const userSchema = userSchemaWith();
export type UserInput = z.infer<typeof userSchema>;

/** Enabling or disabling an account: the version read, and never one's own account switched off. */
export function activeSchemaWith(options: { disablingSelf?: boolean } = {}) {
  return z.object({ version: editVersion }).superRefine((_v, ctx) => {
    if (options.disablingSelf) ctx.addIssue({ code: 'custom', path: ['active'], message: 'You cannot disable your own account' });
  }, { when: () => true });
}

/** A name another record of the same kind may already have. */
type NameTaken = { nameTaken(name: string): Promise<boolean> };

/** Adds the database's "already taken" check on a valid name to a schema. */
function nameNotTaken<S extends z.ZodType>(schema: S, lookups: NameTaken | undefined, message: (name: string) => string) {
  if (!lookups) return schema;
  return schema.superRefine(async (v: unknown, ctx) => {
    const given = v && typeof v === 'object' && 'name' in v && typeof v.name === 'string' && v.name && v.name.length <= 120 ? v.name : null;
    if (given && (await lookups.nameTaken(given))) ctx.addIssue({ code: 'custom', path: ['name'], message: message(given) });
  }, { when: () => true });
}

export function agencySchemaWith(options: { lookups?: NameTaken } = {}) {
  const schema = z.object({
    name: name('Enter the agency’s name'),
    kind: z.preprocess(text, z.enum(agencyKinds, { error: 'Select the type of agency' })),
  });
  return nameNotTaken(schema, options.lookups, (n) => `There is already an agency called ${n}`);
}
export const agencySchema = agencySchemaWith();

export interface TeamLookups {
  agency(id: string): Promise<{ name: string } | undefined>;
  /** True when the agency already has a team of this name. */
  teamNameTaken(agencyId: string, name: string): Promise<boolean>;
}

export function teamSchemaWith(options: { lookups?: TeamLookups } = {}) {
  const { lookups } = options;
  const schema = z.object({
    name: name('Enter the team’s name'),
    agencyId: z.preprocess(text, z.string().regex(uuidPattern, 'Select the agency the team belongs to')),
  });
  if (!lookups) return schema;
  return schema.superRefine(async (t, ctx) => {
    if (!t || typeof t !== 'object' || !isUuid(t.agencyId)) return;
    const agency = await lookups.agency(t.agencyId);
    if (!agency) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'Select the agency the team belongs to' });
    else if (typeof t.name === 'string' && t.name && t.name.length <= 120 && (await lookups.teamNameTaken(t.agencyId, t.name))) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: `${agency.name} already has a team called ${t.name}` });
    }
  }, { when: () => true });
}
export const teamSchema = teamSchemaWith();

export function districtSchemaWith(options: { lookups?: NameTaken } = {}) {
  const schema = z.object({ name: name('Enter the district’s name') });
  return nameNotTaken(schema, options.lookups, (n) => `There is already a district called ${n}`);
}
export const districtSchema = districtSchemaWith();

const followUpMessage = 'Follow-up months must be whole numbers of months between 1 and 60, separated by commas, like 3, 6, 12';

/** A programme the partnership offers: its length, hours, visits, reviews, caseload and follow-ups. */
export function programmeSchemaWith(options: { lookups?: NameTaken } = {}) {
  const schema = z.object({
    name: name('Enter the programme’s name'),
    description: z.preprocess(text, z.string().min(1, 'Describe the programme in a sentence or two').max(2000, 'The description must be 2,000 characters or fewer')),
    durationWeeks: whole('the length of the programme in weeks', 1, 156),
    maxHoursPerWeek: z.preprocess(text, z.string().min(1, 'Enter the most hours of work a week')
      .refine((s) => /^\d+(\.\d)?$/.test(s) && Number(s) > 0 && Number(s) <= 80, 'Most hours a week must be a number between 0.5 and 80, like 15 or 7.5')
      .transform(Number)),
    minVisitsPerWeek: whole('the fewest visits a week', 0, 21),
    maxVisitsPerWeek: whole('the most visits a week', 0, 21),
    firstVisitHours: whole('how many hours after allocation the first visit is due', 1, 2000),
    reviewIntervalDays: whole('how many days between reviews of the plan', 1, 365),
    caseloadLimit: whole('the caseload limit', 1, 100),
    noContactAlertDays: whole('how many days without contact before an alert', 1, 90),
    followUpMonths: z.preprocess((v) => (Array.isArray(v) ? v.join(',') : text(v)).split(/[\s,]+/).filter(Boolean), z.array(z.string())
      .min(1, 'Enter the months after closure when families are followed up, like 3, 6, 12')
      .refine((parts) => parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 60), followUpMessage)
      .transform((parts) => [...new Set(parts.map(Number))].sort((a, b) => a - b))),
    safetyPlanAtStart: z.preprocess(ticked, z.boolean()),
    availability: z.preprocess(text, z.string().max(200, 'Availability must be 200 characters or fewer')),
    active: z.preprocess((v) => v === undefined || ticked(v), z.boolean()),
  }).superRefine((p, ctx) => {
    // Runs while other fields are wrong: compares the two counts only when both are whole numbers.
    if (!p || typeof p !== 'object') return;
    const [min, max] = [p.minVisitsPerWeek, p.maxVisitsPerWeek];
    if (typeof min === 'number' && typeof max === 'number' && max < min) {
      ctx.addIssue({ code: 'custom', path: ['maxVisitsPerWeek'], message: 'The most visits a week must be the same as or more than the fewest' });
    }
  }, { when: () => true });
  return nameNotTaken(schema, options.lookups, (n) => `There is already a programme called ${n}`);
}
export const programmeSchema = programmeSchemaWith();

/** A new password, typed twice. */
export const passwordSchema = z.object({
  password: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().min(1, 'Enter a password')
    .min(12, 'Password must be 12 characters or more').max(200, 'Password must be 200 characters or fewer')),
  confirmPassword: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()),
}).superRefine((p, ctx) => {
  if (!p || typeof p !== 'object') return;
  const password = typeof p.password === 'string' ? p.password : '';
  if (password.length >= 12 && password.length <= 200 && p.confirmPassword !== password) {
    ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'Enter the same password twice' });
  }
}, { when: () => true });

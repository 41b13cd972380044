import { z } from 'zod';
import { agencyKinds, cinFactorNumbers, userRoles } from '../../domain/codes.ts';
import { tfProblems, type IdentificationRules } from '../../domain/identification/prioritise.ts';
import type { LevelOfNeedRules } from '../../domain/level-of-need.ts';
import { count } from '../../domain/plural.ts';
import { claimRulesSchema } from '../outcomes/schemas.ts';
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


// The rule sets: the level of need rules, the identification rules and the claim rules. Each is one
// stored setting, locked by a fingerprint of what is stored (the `version` GET and the form give).

/** The fingerprint a rule set's form or GET gave: a change from an older copy is refused (409) before anything else is checked. */
const rulesVersion = z.string({ error: 'Send the version you read (GET gives it)' }).min(1, 'Send the version you read (GET gives it)');

/** A form's typed number or the API's number as a number; blank as missing; other text is left for the schema to refuse in words. */
function numeric(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t) return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** A number from `min` to `max` (whole unless `decimal`), with one message for every way it can be wrong. */
function numberIn(message: string, min: number, max: number, decimal = false) {
  const n = z.number({ error: message }).min(min, message).max(max, message);
  return z.preprocess(numeric, decimal ? n : n.int(message));
}

/** A whole number already in range, for the checks across fields (which run while a field is wrong). */
const wholeIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The identification rules (who is eligible, and the segments of the prioritised list), from the form or the API's JSON. */
export const identificationRulesInputSchema = z.object({
  name: z.preprocess(text, z.string().min(1, 'Enter a name for these rules, like the programme they follow').max(200, 'The name of these rules must be 200 characters or fewer')),
  problems: z.array(z.enum(tfProblems, { error: 'Select the problems that count from the list' }), { error: 'Select at least one problem that counts' })
    .min(1, 'Select at least one problem that counts'),
  minimumProblems: numberIn('Enter how many problems make a household eligible, a whole number from 1 to 6', 1, 6),
  requireChildren: z.boolean({ error: 'Select whether only households with dependent children are eligible' }),
  attendanceBelow: numberIn('Enter the attendance percentage as a number from 0 to 100, like 90', 0, 100, true),
  windowDays: numberIn('Enter how many days back an event still counts, a whole number from 30 to 1,095 (3 years)', 30, 1095),
  notCopingFrom: numberIn('Enter the number of problems from which a household is not coping, from 1 to 6', 1, 6),
  chaoticFrom: numberIn('Enter the number of problems from which a household is chaotic, from 1 to 6', 1, 6),
  version: rulesVersion,
}).superRefine((r, ctx) => {
  if (!r || typeof r !== 'object') return;
  const selected = Array.isArray(r.problems) ? new Set(r.problems.filter((p) => (tfProblems as readonly unknown[]).includes(p))).size : 0;
  if (selected && wholeIn(r.minimumProblems, 1, 6) && r.minimumProblems > selected) {
    ctx.addIssue({ code: 'custom', path: ['minimumProblems'], message: `A household cannot have more than the ${count(selected, 'problem')} selected: enter ${selected} or fewer` });
  }
  if (wholeIn(r.notCopingFrom, 1, 6) && wholeIn(r.chaoticFrom, 1, 6) && r.notCopingFrom > r.chaoticFrom) {
    ctx.addIssue({ code: 'custom', path: ['chaoticFrom'], message: `Chaotic must start at or above not coping (${count(r.notCopingFrom, 'problem')})` });
  }
}, { when: () => true }).transform(({ version, ...rules }): IdentificationRules & { version: string } => ({ ...rules, problems: [...new Set(rules.problems)], version }));

const levelMessage = 'Select a level from 1 to 4';
const vulnerabilityKey = (v: { key?: string; label: string }) => v.key || v.label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

const vulnerabilitySchema = z.object({
  /** Made from the name when not given. */
  key: z.preprocess(text, z.string().max(100, 'A vulnerability’s key must be 100 characters or fewer')),
  label: z.preprocess(text, z.string().max(120, 'A vulnerability’s name must be 120 characters or fewer')),
  factorNumbers: z.array(z.string({ error: 'Select Children in Need factors from the list' }), { error: 'Select Children in Need factors from the list' }).default([]),
  needTypes: z.array(z.string({ error: 'Offending is the only need that counts as a vulnerability by itself' }), { error: 'Offending is the only need that counts as a vulnerability by itself' }).default([])
    .refine((types) => types.every((t) => t === 'offending'), 'Offending is the only need that counts as a vulnerability by itself'),
  whose: z.enum(['parents', 'household'], { error: 'Select whose needs count: parents (and carers) or household' }).default('parents'),
});

/**
 * The level of need rules, from the form or the API's JSON (the shape GET answers, with its
 * version). Every vulnerability is named, distinct, and has a factor or offending that counts as it.
 */
export const levelOfNeedRulesInputSchema = z.object({
  name: z.preprocess(text, z.string().min(1, 'Enter a name for these rules, like the guidance they follow').max(200, 'The name of these rules must be 200 characters or fewer')),
  vulnerabilities: z.array(vulnerabilitySchema, { error: 'Enter at least one parental vulnerability' }).min(1, 'Enter at least one parental vulnerability')
    .superRefine((list, ctx) => {
      if (!Array.isArray(list)) return;
      const keys = new Set<string>();
      list.forEach((v, i) => {
        if (!v || typeof v !== 'object' || typeof v.label !== 'string') return;
        if (!v.label) {
          ctx.addIssue({ code: 'custom', path: [i, 'label'], message: `Enter a name for vulnerability ${i + 1}` });
          return;
        }
        // Two vulnerabilities may share neither a name nor a key (the key is what families' records name).
        const names = [`key:${vulnerabilityKey(v)}`, `label:${v.label.toLowerCase()}`];
        if (names.some((n) => keys.has(n))) ctx.addIssue({ code: 'custom', path: [i, 'label'], message: `There is already a vulnerability called ${v.label}` });
        names.forEach((n) => keys.add(n));
        const factors = Array.isArray(v.factorNumbers) ? v.factorNumbers : [];
        const unknown = factors.find((f) => !cinFactorNumbers.some((c) => c.number === f));
        if (unknown !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'factorNumbers'], message: `No Children in Need factor is numbered ${unknown}` });
        else if (!factors.length && !(Array.isArray(v.needTypes) && v.needTypes.includes('offending'))) {
          ctx.addIssue({ code: 'custom', path: [i, 'factorNumbers'], message: `Tick at least one factor that counts as ${v.label}` });
        }
      });
    }, { when: () => true }),
  /** Checked in order once saved: the band needing the most vulnerabilities first. */
  bands: z.array(z.object({
    minimumVulnerabilities: numberIn('Enter how many vulnerabilities, a whole number from 1 to 10', 1, 10),
    level: numberIn(levelMessage, 1, 4),
    explanation: z.preprocess(text, z.string().min(1, 'Enter the explanation practitioners see for this level').max(500, 'The explanation must be 500 characters or fewer')),
  }), { error: 'Give at least one band: how many vulnerabilities give which level' }).min(1, 'Give at least one band: how many vulnerabilities give which level'),
  levelWithOtherNeeds: numberIn(levelMessage, 1, 4),
  levelWithNoNeeds: numberIn(levelMessage, 1, 4),
  version: rulesVersion,
}).transform(({ version, ...r }): LevelOfNeedRules & { version: string } => ({
  ...r,
  vulnerabilities: r.vulnerabilities.map((v) => ({
    key: vulnerabilityKey(v), label: v.label, factorNumbers: v.factorNumbers, needTypes: v.needTypes.length ? ['offending' as const] : [], whose: v.whose,
  })),
  bands: [...r.bands].sort((a, b) => b.minimumVulnerabilities - a.minimumVulnerabilities),
  version,
}));

/** The claim rules alone (the admin area's form): the claim settings' rules, as the claim settings API checks them, with the version read. */
export const claimRulesInputSchema = z.object({ rules: claimRulesSchema, version: rulesVersion });

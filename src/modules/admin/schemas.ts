import { agencyKinds, userRoles, type AgencyKind, type UserRole } from '../../domain/codes.ts';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import type { ProgrammeFields } from './repository.ts';
import { mayUse } from '../../domain/access/policy.ts';

/**
 * Plain-English checks for what an administrator types, from a form (strings) or JSON (numbers,
 * booleans, arrays) alike. Each returns clean values or throws the field errors to show.
 */

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function str(input: Record<string, unknown>, key: string): string {
  const v = input[key];
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : Array.isArray(v) ? String(v[0] ?? '').trim() : '';
}

function list(input: Record<string, unknown>, key: string): string[] {
  const v = input[key];
  return (Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v]).map(String).filter(Boolean);
}

function bool(input: Record<string, unknown>, key: string): boolean {
  const v = input[key];
  return v === true || v === 'yes' || v === 'true';
}

/** The edit's version: a form's hidden field or the API's number. */
export function version(input: Record<string, unknown>): number {
  const v = Number(str(input, 'version'));
  if (!Number.isInteger(v) || v < 1) throw new ValidationError({ version: 'Reload the page and make your change again' });
  return v;
}

function done<T>(errors: FieldErrors, value: T): T {
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return value;
}

function name(input: Record<string, unknown>, key: string, errors: FieldErrors, missing: string, max = 120): string {
  const value = str(input, key);
  if (!value) errors[key] = missing;
  else if (value.length > max) errors[key] = `${missing.replace(/^Enter /, '').replace(/^./, (c) => c.toUpperCase())} must be ${max} characters or fewer`;
  return value;
}

export interface UserInput {
  email: string;
  displayName: string;
  jobTitle: string;
  role: UserRole;
  agencyId: string;
  teamId: string | null;
  managedTeamIds: string[];
  /** Screens referrals sent to the partnership's front door (managers only). */
  frontDoorScreener: boolean;
}

export function parseUser(input: Record<string, unknown>): UserInput {
  const errors: FieldErrors = {};
  const displayName = name(input, 'displayName', errors, 'Enter the person’s full name');
  const email = str(input, 'email');
  if (!email) errors.email = 'Enter an email address';
  else if (!emailPattern.test(email)) errors.email = 'Enter an email address in the correct format, like name@example.org';
  const jobTitle = str(input, 'jobTitle').slice(0, 120);
  const role = str(input, 'role') as UserRole;
  if (!userRoles.includes(role)) errors.role = 'Select what the person does in Lantern';
  const agencyId = str(input, 'agencyId');
  if (!uuidPattern.test(agencyId)) errors.agencyId = 'Select the person’s agency';
  const teamId = str(input, 'teamId') || null;
  if (teamId && !uuidPattern.test(teamId)) errors.teamId = 'Select a team from the list';
  const managedTeamIds = list(input, 'managedTeamIds');
  if (managedTeamIds.some((id) => !uuidPattern.test(id))) errors.managedTeamIds = 'Select teams from the list';
  if (managedTeamIds.length && role !== 'manager') errors.managedTeamIds = 'Only a manager can manage teams: choose Manager, or untick the teams';
  const flag = input.frontDoorScreener;
  const frontDoorScreener = flag === true || (typeof flag === 'string' && ['yes', 'true', 'on'].includes(flag));
  // Screening is the managers' feature (src/domain/access/policy.ts).
  if (frontDoorScreener && !mayUse(role, 'referral.screen')) errors.frontDoorScreener = 'Only a manager can screen front door referrals: choose Manager, or untick it';
  return done(errors, { email, displayName, jobTitle, role, agencyId, teamId, managedTeamIds, frontDoorScreener });
}

export function parseAgency(input: Record<string, unknown>): { name: string; kind: AgencyKind } {
  const errors: FieldErrors = {};
  const agencyName = name(input, 'name', errors, 'Enter the agency’s name');
  const kind = str(input, 'kind') as AgencyKind;
  if (!agencyKinds.includes(kind)) errors.kind = 'Select the type of agency';
  return done(errors, { name: agencyName, kind });
}

export function parseTeam(input: Record<string, unknown>): { name: string; agencyId: string } {
  const errors: FieldErrors = {};
  const teamName = name(input, 'name', errors, 'Enter the team’s name');
  const agencyId = str(input, 'agencyId');
  if (!uuidPattern.test(agencyId)) errors.agencyId = 'Select the agency the team belongs to';
  return done(errors, { name: teamName, agencyId });
}

export function parseDistrict(input: Record<string, unknown>): { name: string } {
  const errors: FieldErrors = {};
  const districtName = name(input, 'name', errors, 'Enter the district’s name');
  return done(errors, { name: districtName });
}

/** A whole number in a range, with the message a person reads when it is not. */
function whole(input: Record<string, unknown>, key: string, label: string, min: number, max: number, errors: FieldErrors): number {
  const raw = str(input, key);
  const n = Number(raw);
  if (!raw) errors[key] = `Enter ${label}`;
  else if (!/^\d+$/.test(raw)) errors[key] = `${capital(label)} must be a whole number, like 12`;
  else if (n < min || n > max) errors[key] = `${capital(label)} must be between ${min} and ${max}`;
  return n;
}

function capital(s: string) {
  return s.replace(/^(the |a )/, '').replace(/^./, (c) => c.toUpperCase());
}

export function parseProgramme(input: Record<string, unknown>): ProgrammeFields {
  const errors: FieldErrors = {};
  const programmeName = name(input, 'name', errors, 'Enter the programme’s name');
  const description = str(input, 'description');
  if (!description) errors.description = 'Describe the programme in a sentence or two';
  const durationWeeks = whole(input, 'durationWeeks', 'the length of the programme in weeks', 1, 156, errors);
  const rawHours = str(input, 'maxHoursPerWeek');
  const maxHoursPerWeek = Number(rawHours);
  if (!rawHours) errors.maxHoursPerWeek = 'Enter the most hours of work a week';
  else if (!/^\d+(\.\d)?$/.test(rawHours) || maxHoursPerWeek <= 0 || maxHoursPerWeek > 80) errors.maxHoursPerWeek = 'Most hours a week must be a number between 0.5 and 80, like 15 or 7.5';
  const minVisitsPerWeek = whole(input, 'minVisitsPerWeek', 'the fewest visits a week', 0, 21, errors);
  const maxVisitsPerWeek = whole(input, 'maxVisitsPerWeek', 'the most visits a week', 0, 21, errors);
  if (!errors.minVisitsPerWeek && !errors.maxVisitsPerWeek && maxVisitsPerWeek < minVisitsPerWeek) {
    errors.maxVisitsPerWeek = 'The most visits a week must be the same as or more than the fewest';
  }
  const firstVisitHours = whole(input, 'firstVisitHours', 'how many hours after allocation the first visit is due', 1, 2000, errors);
  const reviewIntervalDays = whole(input, 'reviewIntervalDays', 'how many days between reviews of the plan', 1, 365, errors);
  const caseloadLimit = whole(input, 'caseloadLimit', 'the caseload limit', 1, 100, errors);
  const noContactAlertDays = whole(input, 'noContactAlertDays', 'how many days without contact before an alert', 1, 90, errors);
  const rawFollowUps = Array.isArray(input.followUpMonths) ? input.followUpMonths.join(',') : str(input, 'followUpMonths');
  const parts = rawFollowUps.split(/[\s,]+/).filter(Boolean);
  const followUpMonths = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  if (!parts.length) errors.followUpMonths = 'Enter the months after closure when families are followed up, like 3, 6, 12';
  else if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 60)) errors.followUpMonths = 'Follow-up months must be whole numbers of months between 1 and 60, separated by commas, like 3, 6, 12';
  return done(errors, {
    name: programmeName, description, durationWeeks, maxHoursPerWeek, minVisitsPerWeek, maxVisitsPerWeek, firstVisitHours,
    reviewIntervalDays, caseloadLimit, followUpMonths, noContactAlertDays, safetyPlanAtStart: bool(input, 'safetyPlanAtStart'),
    availability: str(input, 'availability').slice(0, 200), active: input.active === undefined ? true : bool(input, 'active'),
  });
}

export function parsePassword(input: Record<string, unknown>): string {
  const password = typeof input.password === 'string' ? input.password : '';
  const confirm = typeof input.confirmPassword === 'string' ? input.confirmPassword : '';
  const errors: FieldErrors = {};
  if (!password) errors.password = 'Enter a password';
  else if (password.length < 12) errors.password = 'Password must be 12 characters or more';
  else if (password.length > 200) errors.password = 'Password must be 200 characters or fewer';
  else if (confirm !== password) errors.confirmPassword = 'Enter the same password twice';
  return done(errors, password);
}

/**
 * The administration commands: `user list`, and `list` / `create` for agencies, teams, districts
 * and programmes. Each goes through the same admin use cases as the pages under /admin and the
 * API (src/modules/admin/service.ts), as the command line's actor (null: whoever runs it already
 * holds the database), so the same checks run and every change is audited in the same way.
 * A problem is reported against the flag that caused it, nothing is changed, and the exit code is 1.
 */
import { parseArgs } from 'node:util';
import { agencyKinds, type AgencyKind } from '../domain/codes.ts';
import { ValidationError } from '../domain/errors.ts';
import type { AdminService } from '../modules/admin/service.ts';
import { ukDateTime, userRoleLabels, userStatus } from '../modules/admin/present.ts';
import type { CliOutput } from './output.ts';

type Flags = Record<string, { type: 'string' | 'boolean' }>;
type Values = Record<string, string | boolean | undefined>;

/** The flags each administration command takes (`--json` on every list). */
const json = { json: { type: 'boolean' } } as const;
export const adminCommands = {
  'user list': json,
  'agency list': json,
  'agency create': { name: { type: 'string' }, type: { type: 'string' } },
  'team list': json,
  'team create': { name: { type: 'string' }, agency: { type: 'string' } },
  'district list': json,
  'district create': { name: { type: 'string' } },
  'programme list': json,
  'programme create': {
    name: { type: 'string' }, description: { type: 'string' }, 'duration-weeks': { type: 'string' }, 'max-hours-per-week': { type: 'string' },
    'min-visits-per-week': { type: 'string' }, 'max-visits-per-week': { type: 'string' }, 'first-visit-hours': { type: 'string' },
    'review-interval-days': { type: 'string' }, 'caseload-limit': { type: 'string' }, 'no-contact-alert-days': { type: 'string' },
    'follow-up-months': { type: 'string' }, 'safety-plan-at-start': { type: 'boolean' }, availability: { type: 'string' }, inactive: { type: 'boolean' },
  },
} as const satisfies Record<string, Flags>;
export type AdminCommand = keyof typeof adminCommands;

export const isAdminCommand = (command: string): command is AdminCommand => Object.hasOwn(adminCommands, command);

const flagList = (flags: Flags) => Object.keys(flags).map((f) => `--${f}`).join(', ') || 'no flags';

/**
 * The command's flags, strictly: an unknown flag, a stray word or a flag without its value is
 * refused by name, saying what the command takes (before the database is opened).
 */
export function commandFlags(command: AdminCommand, args: string[]): Values {
  const flags: Flags = adminCommands[command];
  try {
    return parseArgs({ args, options: flags, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : '';
    const named = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const why = command === 'team create' && named === '--district' ? ' (a team belongs to an agency, not to a district)' : '';
      throw new ValidationError({ [named]: `lantern ${command} does not take ${named}${why}: it takes ${flagList(flags)}` });
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new ValidationError({ [command]: `lantern ${command} takes only flags (${flagList(flags)}), not '${word}': put a value with spaces in quotes after its flag` });
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new ValidationError({ [named]: flags[named.replace(/^--/, '')]?.type === 'boolean' ? `${named} takes no value` : `Give a value after ${named}` });
    }
    throw error;
  }
}

const kebab = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * A use case's field errors under the flags a person typed: `agencyId` is `--agency`, `kind` is
 * `--type`, and otherwise `durationWeeks` is `--duration-weeks`. `instead` replaces a message
 * that only makes sense on a page ("Select the type of agency").
 */
export async function byFlag<T>(work: () => Promise<T>, instead: Record<string, string> = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const flags: Record<string, string> = { agencyId: '--agency', teamId: '--team', kind: '--type', displayName: '--name', password: 'LANTERN_PASSWORD' };
    throw new ValidationError(Object.fromEntries(Object.entries(error.fieldErrors).map(([field, message]) => [flags[field] ?? kebab(field), instead[field] ?? message])));
  }
}

/** An agency by its name (any case) or id, or undefined. */
export async function agencyNamed(admin: AdminService, name: string) {
  const given = name.trim().toLowerCase();
  return (await admin.agencies(null)).find((a) => a.name.toLowerCase() === given || a.id === given);
}

/** Rows as columns padded to their widest cell, under a header and a rule. */
export function printTable(io: CliOutput, header: string[], rows: string[][], none: string) {
  if (!rows.length) {
    io.out(none);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  io.out(line(header));
  io.out(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) io.out(line(r));
}

const kindsHint = `Give the type of agency with --type, one of ${agencyKinds.join(', ')}`;

/** Runs one administration command; its flags were checked by commandFlags. */
export async function adminCommand(io: CliOutput, admin: AdminService, command: AdminCommand, values: Values): Promise<void> {
  const text = (flag: string) => (typeof values[flag] === 'string' ? values[flag] as string : undefined);
  const list = <T>(rows: T[], header: string[], cells: (row: T) => string[], none: string) => {
    if (values.json) io.out(JSON.stringify(rows, null, 2));
    else printTable(io, header, rows.map(cells), none);
  };
  switch (command) {
    case 'user list':
      return list(await admin.users(null), ['Name', 'Email', 'Role', 'Agency', 'Team', 'Status', 'Last signed in'], (u) => [
        u.display_name, u.email, userRoleLabels[u.role], u.agency_name, u.team_name ?? '', userStatus(u), u.last_sign_in_at ? ukDateTime(u.last_sign_in_at) : 'Never',
      ], 'There are no users yet: run lantern setup first.');
    case 'agency list':
      return list(await admin.agencies(null), ['Agency', 'Type', 'Id'], (a) => [a.name, a.kind, a.id], 'There are no agencies yet: run lantern setup first.');
    case 'agency create': {
      const id = await byFlag(() => admin.createAgency(null, { name: text('name'), kind: text('type') }), { kind: kindsHint });
      io.out(`Created the agency ${text('name')!.trim()} (${text('type') as AgencyKind}), id ${id}.`);
      return;
    }
    case 'team list':
      return list(await admin.teams(null), ['Agency', 'Team', 'Active members', 'Id'], (t) => [t.agency_name, t.name, String(t.members), t.id], 'There are no teams yet.');
    case 'team create': {
      const given = text('agency');
      const agency = given ? await agencyNamed(admin, given) : undefined;
      const names = async () => (await admin.agencies(null)).map((a) => a.name).join(', ');
      const agencyProblem = !given ? `Give the team’s agency by its name with --agency, one of ${await names()}`
        : !agency ? `No agency is called ${given}: give one of ${await names()}` : undefined;
      const id = await byFlag(() => admin.createTeam(null, { name: text('name'), agencyId: agency?.id ?? '' }), agencyProblem ? { agencyId: agencyProblem } : {});
      io.out(`Created the team ${text('name')!.trim()} in ${agency!.name}, id ${id}.`);
      return;
    }
    case 'district list':
      return list(await admin.districts(null), ['District', 'Id'], (d) => [d.name, d.id], 'There are no districts yet.');
    case 'district create': {
      const id = await byFlag(() => admin.createDistrict(null, { name: text('name') }));
      io.out(`Created the district ${text('name')!.trim()}, id ${id}.`);
      return;
    }
    case 'programme list':
      return list(await admin.programmes(null), ['Programme', 'Weeks', 'Hours a week', 'Visits a week', 'Caseload limit', 'Follow-up months', 'Active', 'Key'], (p) => [
        p.name, String(p.durationWeeks), String(p.maxHoursPerWeek), `${p.minVisitsPerWeek} to ${p.maxVisitsPerWeek}`, String(p.caseloadLimit),
        p.followUpMonths.join(', '), p.active ? 'Yes' : 'No', p.key,
      ], 'There are no programmes yet.');
    case 'programme create': {
      const body: Record<string, unknown> = {
        name: text('name'), description: text('description'), durationWeeks: text('duration-weeks'), maxHoursPerWeek: text('max-hours-per-week'),
        minVisitsPerWeek: text('min-visits-per-week'), maxVisitsPerWeek: text('max-visits-per-week'), firstVisitHours: text('first-visit-hours'),
        reviewIntervalDays: text('review-interval-days'), caseloadLimit: text('caseload-limit'), noContactAlertDays: text('no-contact-alert-days'),
        followUpMonths: text('follow-up-months'), safetyPlanAtStart: values['safety-plan-at-start'] === true, availability: text('availability'),
        active: values.inactive !== true,
      };
      const id = await byFlag(() => admin.createProgramme(null, body));
      const made = await admin.programme(null, id);
      io.out(`Created the programme ${made.name} (key ${made.key}${made.active ? '' : ', not yet offered'}), id ${id}.`);
      return;
    }
  }
}

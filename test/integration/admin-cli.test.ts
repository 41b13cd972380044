import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/db/database.ts';
import { run as runCli } from '../../src/cli/main.ts';
import { TEST_TODAY } from '../support/clock.ts';
import { engines } from '../support/database.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/**
 * The command line a new partnership starts from: `lantern setup` on an empty database (PGlite in
 * a folder of its own), then `user invite`, `token create` and `user disable` as an operator would
 * type them, each in its own process; the database is then read to check what they did.
 */
describe('the administration command line', () => {
  let dir: string;
  const env = () => {
    const { DATABASE_URL: _, DATABASE_OWNER_URL: __, ...rest } = process.env;
    return { ...rest, LANTERN_DATA_DIR: dir, LANTERN_PASSWORD: 'a long enough password', LANTERN_BASE_URL: 'https://lantern.northvale.example', LANTERN_TODAY: TEST_TODAY, LOG_LEVEL: 'silent' };
  };
  const lantern = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [path.join(root, 'bin/lantern.mjs'), ...args], { cwd: root, env: env(), timeout: 60_000 });
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lantern-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets up an empty database, invites a person, and disabling them revokes their token', async () => {
    const setup = await lantern('setup', '--partnership', 'Northvale', '--agency', 'Northvale Council', '--agency-type', 'childrens_social_care', '--email', 'ada@northvale.example', '--name', 'Ada Admin');
    expect(setup.out).toContain('Set up Northvale with Northvale Council and the administrator ada@northvale.example');
    expect(setup.code).toBe(0);
    const again = await lantern('setup', '--partnership', 'Other', '--agency', 'Other Council', '--agency-type', 'police', '--email', 'bo@other.example', '--name', 'Bo');
    expect(again.code).not.toBe(0);
    expect(again.out).toContain('This database already has a partnership');

    const invite = await lantern('user', 'invite', '--email', 'sam@northvale.example', '--name', 'Sam Lee', '--role', 'practitioner', '--agency', 'northvale council');
    expect(invite.code).toBe(0);
    expect(invite.out).toMatch(/Give this link to Sam Lee; it works once, for a week:\n {2}https:\/\/lantern\.northvale\.example\/invitations\/[0-9a-f-]{36}\n/);
    const token = await lantern('token', 'create', '--email', 'sam@northvale.example');
    expect(token.out.trim().length).toBeGreaterThan(20);
    const disable = await lantern('user', 'disable', '--email', 'sam@northvale.example');
    expect(disable.out).toContain('Disabled sam@northvale.example: their sessions are ended and their API tokens revoked.');

    const opened = await openMigrated({ dataDir: dir });
    try {
      const [sam] = await opened.db.query<{ active: boolean; revoked: boolean; role: string }>(
        `SELECT u.active, u.role, t.revoked_at IS NOT NULL AS revoked FROM app_user u JOIN api_token t ON t.user_id = u.id WHERE u.email = 'sam@northvale.example'`);
      expect(sam).toEqual({ active: false, role: 'practitioner', revoked: true });
      const [ada] = await opened.db.query<{ role: string }>(`SELECT role FROM app_user WHERE email = 'ada@northvale.example'`);
      expect(ada.role).toBe('administrator');
      const actions = (await opened.db.query<{ action: string }>('SELECT action FROM audit_event ORDER BY id')).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['invite-user', 'disable-user']));
    } finally {
      await opened.close();
    }
  }, 240_000);
});

/**
 * The administration commands run in-process through `run(args, env, io)` (the function
 * bin/lantern.mjs calls), on an empty database of each engine: PGlite in a folder, or a new
 * database on the PostgreSQL server. Each list and create goes through the admin use cases; a
 * problem names its flag, exits 1 and changes nothing.
 */
describe.each(engines)('the administration commands on %s', (engine) => {
  let dir: string;
  let databaseUrl: string | undefined;
  let server: pg.Client | undefined;
  let name: string;
  const env = (): NodeJS.ProcessEnv => {
    const { DATABASE_URL: _, DATABASE_OWNER_URL: __, LANTERN_TODAY: ___, ...rest } = process.env;
    return { ...rest, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), LANTERN_DATA_DIR: dir, LANTERN_PASSWORD: 'a long enough password', LANTERN_TODAY: TEST_TODAY, LOG_LEVEL: 'silent' };
  };
  const lantern = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, env(), { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  /** The database as the commands left it. */
  const query = async <T>(sql: string): Promise<T[]> => {
    const opened = await openMigrated(databaseUrl ? { databaseUrl } : { dataDir: dir });
    try {
      return await opened.db.query<T & Record<string, unknown>>(sql);
    } finally {
      await opened.close();
    }
  };
  const counts = () => query<{ agencies: number; teams: number; districts: number; programmes: number; users: number; audits: number }>(
    `SELECT (SELECT count(*)::int FROM agency) AS agencies, (SELECT count(*)::int FROM team) AS teams, (SELECT count(*)::int FROM district) AS districts,
            (SELECT count(*)::int FROM programme) AS programmes, (SELECT count(*)::int FROM app_user) AS users, (SELECT count(*)::int FROM audit_event) AS audits`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lantern-cli-'));
    if (engine === 'postgres') {
      server = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await server.connect();
      name = `lantern_cli_${randomBytes(6).toString('hex')}`;
      await server.query(`CREATE DATABASE ${name}`);
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    }
    expect((await lantern('setup', '--partnership', 'Northvale', '--agency', 'Northvale Council', '--agency-type', 'childrens_social_care', '--email', 'ada@northvale.example', '--name', 'Ada Admin')).code).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (server) {
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.end();
    }
  });

  it('creates and lists agencies, teams, districts and programmes, audited, and lists users', async () => {
    const agency = await lantern('agency', 'create', '--name', 'Northvale Police', '--type', 'police');
    expect(agency).toMatchObject({ code: 0, err: '' });
    expect(agency.out).toMatch(/^Created the agency Northvale Police \(police\), id [0-9a-f-]{36}\.$/);
    const agencies = await lantern('agency', 'list');
    expect(agencies.out.split('\n').slice(0, 4).map((l) => l.split(/ {2,}/).slice(0, 2))).toEqual([
      ['Agency', 'Type'], [expect.stringMatching(/^-+$/), expect.stringMatching(/^-+$/)], ['Northvale Council', 'childrens_social_care'], ['Northvale Police', 'police'],
    ]);

    const team = await lantern('team', 'create', '--name', 'Early Help East', '--agency', 'northvale council');
    expect(team.out).toMatch(/^Created the team Early Help East in Northvale Council, id [0-9a-f-]{36}\.$/);
    expect((await lantern('team', 'list')).out).toMatch(/\nNorthvale Council +Early Help East +0 +[0-9a-f-]{36}$/);

    expect((await lantern('district', 'create', '--name', 'North Vale')).code).toBe(0);
    expect(JSON.parse((await lantern('district', 'list', '--json')).out)).toEqual([expect.objectContaining({ name: 'North Vale', version: 1 })]);

    const programme = await lantern('programme', 'create', '--name', 'Family Steps', '--description', 'Practical help at home for up to three months',
      '--duration-weeks', '12', '--max-hours-per-week', '7.5', '--min-visits-per-week', '1', '--max-visits-per-week', '3', '--first-visit-hours', '72',
      '--review-interval-days', '42', '--caseload-limit', '8', '--no-contact-alert-days', '14', '--follow-up-months', '12, 3,6', '--safety-plan-at-start');
    expect(programme.out).toMatch(/^Created the programme Family Steps \(key family-steps\), id [0-9a-f-]{36}\.$/);
    const steps = (JSON.parse((await lantern('programme', 'list', '--json')).out) as { name: string }[]).find((p) => p.name === 'Family Steps');
    expect(steps).toMatchObject({ key: 'family-steps', durationWeeks: 12, maxHoursPerWeek: 7.5, followUpMonths: [3, 6, 12], safetyPlanAtStart: true, active: true, caseloadLimit: 8 });
    expect((await lantern('programme', 'list')).out).toMatch(/\nFamily Steps +12 +7\.5 +1 to 3 +8 +3, 6, 12 +Yes +family-steps\n/);

    expect((await lantern('user', 'invite', '--email', 'sam@northvale.example', '--name', 'Sam Lee', '--role', 'practitioner', '--agency', 'Northvale Council', '--team', 'Early Help East')).code).toBe(0);
    const users = await lantern('user', 'list');
    expect(users.out.split('\n').map((l) => l.split(/ {2,}/))).toEqual([
      ['Name', 'Email', 'Role', 'Agency', 'Team', 'Status', 'Last signed in'],
      expect.any(Array),
      ['Ada Admin', 'ada@northvale.example', 'Administrator', 'Northvale Council', 'Active', 'Never'],
      ['Sam Lee', 'sam@northvale.example', 'Practitioner', 'Northvale Council', 'Early Help East', 'Invited', 'Never'],
    ]);

    // Audited as the pages' changes are: by the command line (no user), with what it became.
    const audited = await query<{ action: string; user_id: string | null; after: { name: string } }>(
      `SELECT action, user_id, detail->'after' AS after FROM audit_event WHERE action IN ('create-agency', 'create-team', 'create-district', 'create-programme') ORDER BY id`);
    expect(audited.map((a) => [a.action, a.user_id, a.after.name])).toEqual([
      ['create-agency', null, 'Northvale Police'], ['create-team', null, 'Early Help East'], ['create-district', null, 'North Vale'], ['create-programme', null, 'Family Steps'],
    ]);
  });

  it('creates a person with a password through the admin use case, and audits reading the staff list as the command line', async () => {
    const made = await lantern('user', 'create', '--email', 'kim@northvale.example', '--name', 'Kim Patel', '--role', 'manager', '--agency', 'Northvale Council');
    expect(made).toMatchObject({ code: 0, err: '' });
    expect(made.out).toMatch(/^Created user kim@northvale\.example \([0-9a-f-]{36}\)\.$/);
    const [kim] = await query<{ role: string; password_hash: string }>(`SELECT role, password_hash FROM app_user WHERE email = 'kim@northvale.example'`);
    expect(kim.role).toBe('manager');
    expect(kim.password_hash).toMatch(/^\$argon2id\$/);

    expect((await lantern('user', 'list', '--json')).code).toBe(0);
    const rows = await query<{ action: string; user_id: string | null; via: string; shown: number | null }>(
      `SELECT action, user_id, detail->>'via' AS via, (detail->>'shown')::int AS shown FROM audit_event WHERE action IN ('create-user', 'list-users') ORDER BY id DESC LIMIT 2`);
    expect(rows.map((r) => [r.action, r.user_id, r.via])).toEqual([['list-users', null, 'command line'], ['create-user', null, 'command line']]);
    expect(rows[0].shown).toBeGreaterThanOrEqual(2);
  });

  it('refuses a person with a short password and a bad email address, by flag, creating no one', async () => {
    const before = await counts();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['user', 'create', '--email', 'lee@', '--name', 'Lee', '--role', 'practitioner', '--agency', 'Northvale Council'],
      { ...env(), LANTERN_PASSWORD: 'short' }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.sort()).toEqual(['--email: Enter an email address in the correct format, like name@example.org', 'LANTERN_PASSWORD: Password must be 12 characters or more']);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input by flag, with exit code 1, changing nothing', async () => {
    const before = await counts();
    const refused = async (args: string[], ...messages: string[]) => {
      const r = await lantern(...args);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      // Every problem at once, one line each (in the order the checks found them).
      expect(r.err.split('\n').sort()).toEqual(messages.sort());
    };
    await refused(['agency', 'create', '--name', 'Northvale Police', '--type', 'polis'],
      '--name: There is already an agency called Northvale Police',
      '--type: Give the type of agency with --type, one of childrens_social_care, police, health, education, drug_alcohol_service, adult_mental_health, probation, housing, voluntary_sector, early_help');
    await refused(['team', 'create', '--name', 'West', '--agency', 'Northvale Council', '--district', 'North Vale'],
      '--district: lantern team create does not take --district (a team belongs to an agency, not to a district): it takes --name, --agency');
    await refused(['team', 'create', '--agency', 'Nowhere Council'],
      '--name: Enter the team’s name', '--agency: No agency is called Nowhere Council: give one of Northvale Council, Northvale Police');
    await refused(['district', 'create', '--name'], '--name: Give a value after --name');
    await refused(['district', 'create', '--name', 'north vale'], '--name: There is already a district called north vale');
    await refused(['programme', 'create', '--name', 'Short Steps', '--description', 'Brief help', '--duration-weeks', 'twelve', '--max-hours-per-week', '7.5',
      '--min-visits-per-week', '3', '--max-visits-per-week', '1', '--first-visit-hours', '72', '--review-interval-days', '42', '--caseload-limit', '8',
      '--no-contact-alert-days', '14', '--follow-up-months', '3, 90'],
    '--duration-weeks: Length of the programme in weeks must be a whole number, like 12',
    '--follow-up-months: Follow-up months must be whole numbers of months between 1 and 60, separated by commas, like 3, 6, 12',
    '--max-visits-per-week: The most visits a week must be the same as or more than the fewest');
    await refused(['user', 'list', 'everyone'], 'user list: lantern user list takes only flags (--json), not \'everyone\': put a value with spaces in quotes after its flag');
    await refused(['agency', 'list', '--json=yes'], '--json: --json takes no value');
    expect(await counts()).toEqual(before);
  });
});

import { demoSecondFactorSecret } from '../modules/access/second-factor.ts';
import { groupedSecret } from '../domain/access/totp.ts';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { loadConfig, type Config } from '../config.ts';
import { openMigrated, type Database } from '../db/database.ts';
import { ValidationError } from '../domain/errors.ts';
import { problemMessage } from '../domain/identification/validate.ts';
import { hashPassword } from '../modules/access/service.ts';
import { demoSignIns } from '../domain/demo/generator.ts';
import { seedDemo } from '../modules/demo/seed.ts';
import { seedDemoCasework } from '../modules/demo/casework.ts';
import { seedDemoOutcomes } from '../modules/demo/outcomes.ts';
import { seedIdentificationDemo } from '../modules/demo/identification.ts';
import { seedDirectoryDemo } from '../modules/demo/directory.ts';
import { ImportRefused } from '../modules/directory/service.ts';
import { services } from '../services.ts';
import { makeClock, type Clock } from '../clock.ts';
import { isIsoDate } from '../domain/dates.ts';
import { buildApp } from '../app.ts';
import { fixed } from '../domain/rounding.ts';
import { urls } from '../web/urls.ts';
import { adminCommand, agencyNamed, byFlag, commandFlags, isAdminCommand } from './admin.ts';
import { consoleOutput, type CliOutput } from './output.ts';

/** The one password every demo account shares. Demo data only: never used for real accounts. */
export const demoPassword = 'lantern-demo-password';

const usage = `Usage: lantern <command> [options]

  start [--port N] [--no-demo]     migrate, seed a demo partnership into an empty embedded database, and serve
  migrate                          apply database migrations
  worker [--until-idle]            run background jobs (loading extracts, matching); with LANTERN_WORKER=separate
                                   the web process leaves them to one or more of these
  setup --partnership P --agency A --agency-type T --email E --name N
                                   first run on an empty database: the partnership, its first agency and
                                   first administrator (password from LANTERN_PASSWORD); the rest is done at /admin
  seed [--families N] [--seed N]   add a demo partnership to an empty database (default 300 families)
  user create --email E --name N --role R --agency A [--team T] [--job-title J]
                                   create a user; the password is read from LANTERN_PASSWORD
  user invite --email E --name N --role R --agency A [--team T]
                                   add a user and print a one-time link for them to choose a password
  user disable --email E | user enable --email E
                                   disable (ends sessions, revokes API tokens) or enable an account
  user unlock --email E            let an email sign in again after it was locked for too many failed attempts
  user list [--json]               every user: role, agency, team, whether active, invited or disabled, last sign-in
  agency list [--json] | agency create --name N --type T
                                   T is one of childrens_social_care, police, health, education, drug_alcohol_service,
                                   adult_mental_health, probation, housing, voluntary_sector, early_help
  team list [--json] | team create --name N --agency A
                                   A is the agency's name (or id); a team belongs to an agency, not a district
  district list [--json] | district create --name N
  programme list [--json] | programme create --name N --description D --duration-weeks W --max-hours-per-week H
                                   --min-visits-per-week V --max-visits-per-week V --first-visit-hours H
                                   --review-interval-days D --caseload-limit C --no-contact-alert-days D
                                   --follow-up-months "3,6,12" [--safety-plan-at-start] [--availability A] [--inactive]
                                   these add and list what /admin does, through the same checks, audited;
                                   a problem names its flag, changes nothing and exits 1
  demo-code --email E              print the current second-factor code of a demo administrator or analyst
  token create --email E [--label L]
                                   create an API token for a user and print it once
  level-rules set --file F         replace the level of need rules with the JSON in F
  agreement create --name N --parties P --lawful-basis B --article9 C --review-date YYYY-MM-DD
                                   record a data-sharing agreement (B: public_task, legal_obligation, ...)
  ingest FILE --source S --agreement A [--agency NAME] [--valid-only]
                                   load an agency extract (CSV or XLSX); S is one of
                                   police-da, school, drug-alcohol, mental-health, youth-offending,
                                   social-care, housing, worklessness
  identify                         match every loaded record into people and households and rank them
  identification-rules set --file F
                                   replace the eligibility and segment rules with the JSON in F (used from the next identify)
  retention run | retention report  (anonymise or delete what is due, never under a legal hold; or list what goes in the next 30 days)
  postcodes import FILE            import postcode centroids from an ONS Postcode Directory CSV (streamed; terminated
                                   postcodes and those with no grid reference are skipped)
  directory import FILE            import an Open Referral UK feed (JSON) into the service directory, all or nothing;
                                   services already held (same ids) are updated

Any command takes --today YYYY-MM-DD (or LANTERN_TODAY): the clock starts on that date and runs on from there.
The database is PGlite under LANTERN_DATA_DIR (default ./data/pglite) unless DATABASE_URL is set.`;

/** The app's database, migrated; `owner` is the migrating role, for the demo seed's bulk load. */
async function open(config: Config): Promise<Database & { owner: Database }> {
  if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
  const opened = await openMigrated({ databaseUrl: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, dataDir: config.dataDir });
  return { ...opened.db, owner: opened.owner, close: opened.close };
}

async function familyCount(db: Database): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM family'))[0].n;
}

async function seed(io: CliOutput, db: Database & { owner: Database }, config: Config, clock: Clock, families: number, seedNumber: number) {
  const started = performance.now();
  const result = await seedDemo(db.owner, { families, seed: seedNumber, today: clock.today(), passwordHash: await hashPassword(demoPassword) });
  const built = services(db, { ...config, clock });
  const work = await seedDemoCasework(built);
  const closed = await seedDemoOutcomes(built);
  const identified = await seedIdentificationDemo(built);
  const directory = await seedDirectoryDemo(db, built.directory);
  io.out(`Seeded ${result.families} families, ${result.people} people, ${result.users} users, ${work.referrals} referrals, ${work.cases} open cases, `
    + `${closed.cases} closed cases with outcome measures, ${identified.records} agency records matched into ${identified.households} households, `
    + `and ${directory.services} directory services with ${directory.postcodes.toLocaleString('en-GB')} postcodes, in ${fixed((performance.now() - started) / 1000, 1)} s.`);
}

/** An import refused whole: each problem, then what happened; exit code 1. Anything else is rethrown. */
function reportRefusal(io: CliOutput, error: unknown): number {
  if (!(error instanceof ImportRefused)) throw error;
  for (const problem of error.problems) io.err(problem);
  if (error.problemCount > error.problems.length) io.err(`... and ${(error.problemCount - error.problems.length).toLocaleString('en-GB')} more problems`);
  io.err(error.message);
  return 1;
}

function printSignIns(io: CliOutput, url: string) {
  io.out(`\nLantern is running at ${url}\n\nDemo sign-ins (password for all: ${demoPassword}):`);
  for (const s of demoSignIns) io.out(`  ${s.email.padEnd(44)} ${s.role.padEnd(13)} ${s.description}`);
  io.out(`\nThe administrator and the analyst also need a code from an authenticator app (second factor). Their demo key is
  ${groupedSecret(demoSecondFactorSecret)}
or print the current code with: npm run lantern -- demo-code --email analyst.sam.whitfield@northvale.example`);
  io.out('\nPress Ctrl+C to stop.');
}

/** `user invite|disable|enable`: by email and names on the command line, through the admin use cases. */
async function userCommand({ io, env }: Cli, built: ReturnType<typeof services>, sub: 'invite' | 'create' | 'disable' | 'enable', values: Record<string, string | undefined>, port: number) {
  const admin = built.admin;
  if (sub === 'invite' || sub === 'create') {
    const agency = await agencyNamed(admin, values.agency ?? '');
    if (!agency) throw new ValidationError({ agency: `No agency is called ${values.agency ?? ''}: give its name with --agency` });
    const team = values.team ? (await admin.teams(null)).find((t) => t.agency_id === agency.id && t.name.toLowerCase() === values.team!.toLowerCase()) : undefined;
    if (values.team && !team) throw new ValidationError({ team: `${agency.name} has no team called ${values.team}` });
    const answers = { email: values.email, displayName: values.name, jobTitle: values['job-title'], role: values.role, agencyId: agency.id, teamId: team?.id };
    if (sub === 'create') {
      const id = await byFlag(() => admin.createUserWithPassword(null, answers, env.LANTERN_PASSWORD ?? ''));
      io.out(`Created user ${values.email} (${id}).`);
      return;
    }
    const { invitation } = await byFlag(() => admin.inviteUser(null, answers));
    io.out(`Give this link to ${values.name}; it works once, for a week:\n  ${env.LANTERN_BASE_URL ?? `http://localhost:${port}`}${urls.invitation(invitation)}`);
    return;
  }
  const user = (await admin.users(null)).find((u) => u.email.toLowerCase() === (values.email ?? '').toLowerCase());
  if (!user) throw new ValidationError({ email: `No user has the email address ${values.email ?? ''}` });
  await admin.setUserActive(null, user.id, { version: user.version }, sub === 'enable');
  io.out(sub === 'enable' ? `Enabled ${user.email}.` : `Disabled ${user.email}: their sessions are ended and their API tokens revoked.`);
}

/** `--today YYYY-MM-DD` (or `--today=YYYY-MM-DD`) anywhere on the line, for any command; LANTERN_TODAY otherwise. */
function takeToday(argv: string[]): { argv: string[]; today?: string } {
  const i = argv.findIndex((a) => a === '--today' || a.startsWith('--today='));
  if (i < 0) return { argv };
  const today = argv[i].includes('=') ? argv[i].slice('--today='.length) : argv[i + 1];
  return { argv: argv.filter((_, j) => j !== i && !(j === i + 1 && !argv[i].includes('='))), today };
}

async function main(args: string[], cli: Cli): Promise<number> {
  const { io, env } = cli;
  const { argv, today } = takeToday(args);
  const [command, sub, ...rest] = argv;
  const config = loadConfig(env);
  if (today !== undefined) config.today = today;
  if (config.today !== undefined && !isIsoDate(config.today)) {
    throw new ValidationError({ today: `The date to start the clock on (--today or LANTERN_TODAY) must be a real date like 2027-03-31, not '${config.today}'` });
  }
  // The one clock: everything below takes its time from this.
  const clock = makeClock({ today: config.today });
  const named = `${command} ${sub}`;
  if (isAdminCommand(named)) {
    // Flags are checked before the database is opened; a refused command changes nothing.
    const values = commandFlags(named, rest);
    const db = await open(config);
    try {
      await adminCommand(io, services(db, { ...config, clock }).admin, named, values);
    } finally {
      await db.close();
    }
    return 0;
  }
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: argv.slice(1), options: { port: { type: 'string' }, 'no-demo': { type: 'boolean' }, demo: { type: 'boolean' } } });
      if (values.port) config.port = Number(values.port);
      if (values.port && !env.LANTERN_BASE_URL && !env.PUBLIC_URL) config.sso.baseUrl = `http://localhost:${config.port}`;
      const db = await open(config);
      // Demo data goes only into an empty embedded database, or when asked for explicitly.
      if (!values['no-demo'] && (values.demo || !config.databaseUrl) && (await familyCount(db)) === 0) await seed(io, db, config, clock, 300, 1);
      const built = services(db, { ...config, clock });
      await built.access.deleteExpiredSessions();
      // Expired sessions are swept hourly; unref so the timer never keeps the process alive.
      setInterval(() => void built.access.deleteExpiredSessions().catch(() => undefined), 3_600_000).unref();
      // Request logs go to a file by default, so the console keeps the sign-in list readable.
      const logFile = config.logFile === 'stdout' ? undefined : config.logFile;
      if (logFile) await mkdir(path.dirname(logFile), { recursive: true });
      const app = await buildApp({
        services: built, sessionHours: config.sessionHours, logger: { level: config.logLevel, file: logFile },
        trustedProxies: config.trustedProxies, uploadLimits: config.uploadLimits,
      });
      // Background jobs: this process works through the queue too, unless LANTERN_WORKER=separate leaves them to `lantern worker`.
      if (config.worker === 'in-process') built.jobs.start();
      await app.listen({ port: config.port, host: config.host });
      printSignIns(io, `http://localhost:${config.port}`);
      io.out(logFile ? `Request log: ${logFile}` : 'Request log: this console');
      const stop = async () => { await app.close(); await db.close(); process.exit(0); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return 0;
    }
    case 'worker': {
      // A worker process: claims background jobs (loading extracts, matching, a run's partitions) until stopped.
      // Any number may run, on any machine that reaches the same PostgreSQL database.
      const db = await open(config);
      const built = services(db, { ...config, clock, worker: 'separate' });
      const { values } = parseArgs({ args: argv.slice(1), options: { 'poll-ms': { type: 'string' }, 'until-idle': { type: 'boolean' } } });
      if (values['until-idle']) {
        const n = await built.jobs.drain();
        io.out(`Worker ${built.jobs.workerId} ran ${n} jobs and found no more waiting.`);
        await db.close();
        return 0;
      }
      io.out(`Worker ${built.jobs.workerId} is waiting for jobs. Stop it with Ctrl+C; a job in hand finishes first.`);
      built.jobs.start({ pollMs: Number(values['poll-ms'] ?? 1000) });
      const stop = async () => { await built.jobs.stop(); await db.close(); process.exit(0); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return 0;
    }
    case 'migrate': {
      if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
      const opened = await openMigrated({ databaseUrl: config.databaseUrl, ownerUrl: config.databaseOwnerUrl, dataDir: config.dataDir });
      io.out(opened.applied.length ? `Applied ${opened.applied.join(', ')}` : 'The database is up to date.');
      await opened.close();
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: argv.slice(1), options: { families: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' } } });
      const db = await open(config);
      await seed(io, db, config, clock, Number(values.families), Number(values.seed));
      await db.close();
      return 0;
    }
    case 'setup': {
      const { values } = parseArgs({ args: argv.slice(1), options: { partnership: { type: 'string' }, agency: { type: 'string' }, 'agency-type': { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } });
      const db = await open(config);
      const made = await services(db, { ...config, clock }).admin.setup({
        partnershipName: values.partnership ?? '', agencyName: values.agency ?? '', agencyKind: values['agency-type'] ?? '',
        email: values.email ?? '', displayName: values.name ?? '', password: env.LANTERN_PASSWORD ?? '',
      });
      io.out(`Set up ${values.partnership} with ${values.agency} and the administrator ${values.email} (${made.userId}). Sign in and go to /admin to add the rest.`);
      await db.close();
      return 0;
    }
    case 'user': {
      if (sub === 'invite' || sub === 'create' || sub === 'disable' || sub === 'enable') {
        const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, agency: { type: 'string' }, team: { type: 'string' }, 'job-title': { type: 'string' } } });
        const db = await open(config);
        await userCommand(cli, services(db, { ...config, clock }), sub, values, config.port);
        await db.close();
        return 0;
      }
      if (sub === 'unlock') {
        const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
        const db = await open(config);
        const { wasLocked } = await services(db, { ...config, clock }).access.unlockSignIn(null, values.email ?? '');
        io.out(wasLocked ? `Unlocked ${values.email}: it can sign in again.` : `${values.email} was not locked; its failed attempts are forgiven.`);
        await db.close();
        return 0;
      }
      break;
    }
    case 'demo-code': {
      // The current one-time code of a demo account (the demo's shared second-factor key only).
      const { values } = parseArgs({ args: argv.slice(1), options: { email: { type: 'string' } } });
      const db = await open(config);
      io.out(await services(db, { ...config, clock }).secondFactor.demoCode(values.email ?? ''));
      await db.close();
      return 0;
    }
    case 'token': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, label: { type: 'string', default: 'command line' } } });
      const db = await open(config);
      const token = await services(db, { ...config, clock }).access.createApiToken(values.email ?? '', values.label!);
      io.out(token);
      await db.close();
      return 0;
    }
    case 'level-rules': {
      if (sub !== 'set') break;
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string' } } });
      if (!values.file) throw new ValidationError({ file: 'Give the rules file with --file' });
      const rules = JSON.parse(await readFile(values.file, 'utf8'));
      const db = await open(config);
      const saved = await services(db, { ...config, clock }).families.setLevelOfNeedRules(null, rules);
      io.out(`Level of need rules set: ${saved.name}`);
      await db.close();
      return 0;
    }
    case 'retention': {
      // For a scheduler to call daily: anonymises or deletes what is due by the clock's date, never under a legal hold.
      if (sub !== 'run' && sub !== 'report') break;
      const db = await open(config);
      const governance = services(db, { ...config, clock }).governance;
      if (sub === 'run') {
        const done = await governance.runRetention(null);
        io.out(`Retention run for ${clock.today()}: ${done.anonymisedFamilies} families anonymised, ${done.anonymisedReferrals} referrals anonymised, ${done.deletedDrafts} referral drafts deleted; ${done.held} kept for a legal hold.`);
      } else {
        const plan = await governance.retentionPlan(null);
        io.out('record type,reference,due on,legal hold');
        for (const i of plan.coming) io.out(`${i.recordType},${i.reference},${i.dueOn},${i.held ? 'yes' : 'no'}`);
      }
      await db.close();
      return 0;
    }
    case 'identification-rules': {
      if (sub !== 'set') break;
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string' } } });
      if (!values.file) throw new ValidationError({ file: 'Give the rules file with --file' });
      const rules = JSON.parse(await readFile(values.file, 'utf8'));
      const db = await open(config);
      const saved = await services(db, { ...config, clock }).identification.setRules(null, rules);
      io.out(`Identification rules set: ${saved.name}. Run identify to rank households by them.`);
      await db.close();
      return 0;
    }
    case 'agreement': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, parties: { type: 'string' }, 'lawful-basis': { type: 'string' }, article9: { type: 'string' }, 'review-date': { type: 'string' } } });
      const db = await open(config);
      const id = await services(db, { ...config, clock }).identification.createAgreement(null, {
        name: values.name, parties: values.parties, lawfulBasis: values['lawful-basis'], article9Condition: values.article9, reviewDate: values['review-date'],
      });
      io.out(`Recorded agreement ${values.name} (${id}).`);
      await db.close();
      return 0;
    }
    case 'ingest': {
      const { values, positionals } = parseArgs({ args: argv.slice(1), allowPositionals: true, options: { source: { type: 'string' }, agreement: { type: 'string' }, agency: { type: 'string' }, 'valid-only': { type: 'boolean' } } });
      const file = positionals[0];
      if (!file) throw new ValidationError({ file: 'Give the extract file: lantern ingest FILE --source S --agreement A' });
      const db = await open(config);
      const identification = services(db, { ...config, clock }).identification;
      const started = performance.now();
      const agreementId = await identification.agreementId(null, values.agreement ?? '');
      const result = await identification.ingest(null, { path: file, filename: path.basename(file), source: values.source ?? '', agreementId, agencyName: values.agency, validOnly: values['valid-only'] });
      for (const p of result.problems) io.err(problemMessage(p));
      if (result.problemCount > result.problems.length) io.err(`... and ${(result.problemCount - result.problems.length).toLocaleString('en-GB')} more problems`);
      io.out(`${result.message} (${result.rowsRead.toLocaleString('en-GB')} rows read in ${fixed((performance.now() - started) / 1000, 1)} s).`);
      await db.close();
      return result.status === 'refused' ? 1 : 0;
    }
    case 'identify': {
      const db = await open(config);
      const r = await services(db, { ...config, clock }).identification.identify(null);
      io.out(`Matched ${r.records.toLocaleString('en-GB')} records into ${r.people.toLocaleString('en-GB')} people and ${r.households.toLocaleString('en-GB')} households in ${fixed(r.seconds, 1)} s: `
        + `${r.links.toLocaleString('en-GB')} pairs linked, ${r.reviews.toLocaleString('en-GB')} for clerical review (${r.reviewsKept.toLocaleString('en-GB')} kept), ${r.decisionsFedBack} clerical decisions fed back.`);
      await db.close();
      return 0;
    }
    case 'postcodes': {
      if (sub !== 'import' || !rest[0]) break;
      const db = await open(config);
      const started = performance.now();
      try {
        const c = await services(db, { ...config, clock }).directory.importPostcodes(null, rest[0]);
        const seconds = (performance.now() - started) / 1000;
        io.out(`Imported ${c.postcodes.toLocaleString('en-GB')} postcodes from ${c.rows.toLocaleString('en-GB')} rows in ${seconds.toFixed(1)} s `
          + `(${Math.round(c.rows / seconds).toLocaleString('en-GB')} rows/s); skipped ${c.terminated.toLocaleString('en-GB')} terminated and ${c.noGridReference.toLocaleString('en-GB')} with no grid reference.`);
      } catch (error) {
        return reportRefusal(io, error);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'directory': {
      if (sub !== 'import' || !rest[0]) break;
      const db = await open(config);
      try {
        const feed = JSON.parse(await readFile(rest[0], 'utf8')) as unknown;
        const result = await services(db, { ...config, clock }).directory.importFeed(null, feed);
        io.out(`Imported the feed: ${result.created} services added, ${result.updated} updated.`);
      } catch (error) {
        if (error instanceof SyntaxError) throw new ValidationError({ file: `${rest[0]} is not JSON: ${error.message}` });
        return reportRefusal(io, error);
      } finally {
        await db.close();
      }
      return 0;
    }
    default:
  }
  io.out(usage);
  return command && command !== 'help' && command !== '--help' ? 2 : 0;
}

interface Cli { io: CliOutput; env: NodeJS.ProcessEnv }

/**
 * Runs one command line and answers its exit code: 0 done, 1 refused (each problem on its own
 * line as `--flag: what was expected`, nothing changed), 2 not a command. Configuration comes from
 * `env` only, so a test runs commands in-process on either engine.
 */
export async function run(args: string[], env: NodeJS.ProcessEnv = process.env, io: CliOutput = consoleOutput): Promise<number> {
  try {
    return await main(args, { io, env });
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const [field, message] of Object.entries(error.fieldErrors)) io.err(`${field}: ${message}`);
    } else {
      io.err(error instanceof Error ? error.message : String(error));
    }
    return 1;
  }
}

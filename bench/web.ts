/**
 * bench:web — the family page and search under concurrent load on a 100,000-family database.
 * Seeds a fresh database (PostgreSQL when DATABASE_URL is set, else PGlite), runs Lantern in a
 * child process as in production, signs in as many practitioners, and drives it with autocannon.
 *
 *   npm run bench:web -- [--families 100000] [--connections 50] [--seconds 20]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrate, openDatabase, type Database } from '../src/db/database.ts';
import { hashPassword } from '../src/modules/access/service.ts';
import { seedDemo } from '../src/modules/demo/seed.ts';

const { values } = parseArgs({ options: {
  families: { type: 'string', default: '100000' }, connections: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' },
  port: { type: 'string', default: '3999' },
} });
const families = Number(values.families);
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const port = Number(values.port);
const password = 'bench-password-1234';
const base = `http://127.0.0.1:${port}`;

async function freshDatabase(): Promise<{ db: Database; env: Record<string, string>; cleanup: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS lantern_bench WITH (FORCE)');
    await admin.query('CREATE DATABASE lantern_bench');
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = '/lantern_bench';
    const db = await openDatabase({ databaseUrl: url.toString() });
    return { db, env: { DATABASE_URL: url.toString() }, cleanup: async () => {} };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-bench-'));
  const db = await openDatabase({ dataDir: dir });
  return { db, env: { LANTERN_DATA_DIR: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function signIn(email: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  });
  if (response.status !== 303) throw new Error(`could not sign in as ${email}: ${response.status}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

interface Figures { rps: number; p50: number; p95: number; p99: number; errors: number; total: number }

/** Drives the requests round-robin and measures every response's latency, so the percentiles are exact. */
function run(requests: { path: string; cookie: string }[], duration = seconds): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: base, connections, duration,
      requests: [{
        setupRequest: (request) => {
          const r = requests[next++ % requests.length];
          return { ...request, method: 'GET', path: r.path, headers: { cookie: r.cookie } };
        },
      }],
    }, (error, result) => {
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
      resolve({ rps: result.requests.average, p50: at(50), p95: at(95), p99: at(99), errors: result.non2xx + result.errors, total: result.requests.total });
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

function report(title: string, f: Figures) {
  console.log(`${title.padEnd(12)} ${f.rps.toFixed(0).padStart(6)} req/s   p50 ${f.p50} ms   p95 ${f.p95} ms   p99 ${f.p99} ms   ${f.errors} errors of ${f.total} requests`);
}

async function main() {
  const { db, env, cleanup } = await freshDatabase();
  await migrate(db);
  const started = Date.now();
  const seeded = await seedDemo(db, { families, seed: 7, passwordHash: await hashPassword(password) });
  console.log(`Seeded ${seeded.families} families (${seeded.people} people) on ${db.engine} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await db.query('ANALYZE');

  // Practitioners with families, and each one's families and family names to search for.
  const workers = await db.query<{ email: string; family_id: string; family_name: string }>(
    `SELECT u.email, fp.family_id, f.family_name FROM app_user u JOIN family_professional fp ON fp.user_id = u.id AND fp.left_on IS NULL
       JOIN family f ON f.id = fp.family_id WHERE u.role = 'practitioner' ORDER BY u.email, f.reference`);
  await db.close();
  const byEmail = new Map<string, { id: string; name: string }[]>();
  for (const w of workers) byEmail.set(w.email, [...(byEmail.get(w.email) ?? []), { id: w.family_id, name: w.family_name }]);
  const users = [...byEmail.keys()].slice(0, connections);

  const server = spawn(process.execPath, ['bin/lantern.mjs', 'start', '--no-demo', '--port', String(port)], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; i < 100; i += 1) {
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const cookies = new Map<string, string>();
    for (const email of users) cookies.set(email, await signIn(email));
    const familyRequests = users.flatMap((email) => byEmail.get(email)!.map((f) => ({ path: `/families/${f.id}`, cookie: cookies.get(email)! })));
    // Searches as people type them: the family name with a letter changed.
    const searchRequests = users.flatMap((email) => byEmail.get(email)!.map((f) => ({
      path: `/search?q=${encodeURIComponent(f.name.slice(0, -1) + (f.name.endsWith('e') ? 'a' : 'e'))}`, cookie: cookies.get(email)!,
    })));
    console.log(`${users.length} practitioners signed in; ${connections} concurrent connections for ${seconds} s each\n`);
    await run(familyRequests.slice(0, 200), 5);
    report('family page', await run(familyRequests));
    report('search', await run(searchRequests));
  } finally {
    server.kill('SIGTERM');
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * bench:web — the family page and search under concurrent load on a 100,000-family database.
 * Seeds a fresh database (PostgreSQL when DATABASE_URL is set, else PGlite), runs Lantern in a
 * child process as in production, signs in as many practitioners, and drives it with autocannon.
 *
 * Two loads, each for the family page and for search:
 *   - users: the given number of signed-in practitioners, each opening a page, reading it for
 *     --think seconds on average, then opening the next;
 *   - saturation: the same connections sending back to back with no pause, to find the ceiling.
 *
 *   npm run bench:web -- [--families 100000] [--connections 50] [--seconds 20] [--think 1]
 */
import { assertNoErrors, BenchmarkFailed, runBenchmark } from './guard.ts';
import { makeClock } from '../src/clock.ts';
import { spawn } from 'node:child_process';
import http from 'node:http';
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
  port: { type: 'string', default: '3999' }, think: { type: 'string', default: '1' },
} });
const think = Number(values.think);
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

/** Posts a search as the search box does and returns the results page's path (`/search?searchId=…`). */
async function postSearch(cookie: string, q: string): Promise<string> {
  const page = await fetch(`${base}/my-families`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new BenchmarkFailed('could not find the form token on My families: is the user signed in?');
  const response = await fetch(`${base}/search`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, q }).toString(),
  });
  const location = response.headers.get('location');
  if (response.status !== 303 || !location?.includes('searchId=')) throw new BenchmarkFailed(`a search was answered ${response.status}, not a redirect to its results`);
  return location;
}

function percentiles(latencies: number[]) {
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 10) / 10;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * Users as people use Lantern: each waits a random time (exponential, mean `think` seconds) after
 * a page arrives before asking for the next, one keep-alive connection each.
 */
async function users(requests: { path: string; cookie: string }[], count: number, duration = seconds): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const until = Date.now() + duration * 1000;
  const pause = () => new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * think * 1000));
  const agent = new http.Agent({ keepAlive: true, maxSockets: count });
  const get = (r: { path: string; cookie: string }) => new Promise<number>((resolve, reject) => {
    http.get(`${base}${r.path}`, { agent, headers: { cookie: r.cookie } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
  await Promise.all(Array.from({ length: count }, async () => {
    while (true) {
      await pause();
      if (Date.now() >= until) return;
      const started = performance.now();
      const status = await get(requests[next++ % requests.length]).catch(() => 0);
      latencies.push(performance.now() - started);
      if (status !== 200) errors += 1;
    }
  }));
  agent.destroy();
  return { rps: latencies.length / duration, ...percentiles(latencies), errors, total: latencies.length };
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
      resolve({ rps: result.requests.average, ...percentiles(latencies), errors: result.non2xx + result.errors, total: result.requests.total });
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

function report(title: string, f: Figures) {
  console.log(`${title.padEnd(46)} ${f.rps.toFixed(0).padStart(6)} req/s   p50 ${f.p50} ms   p95 ${f.p95} ms   p99 ${f.p99} ms   ${f.errors} errors of ${f.total} requests`);
  assertNoErrors(title, f.errors, f.total);
}

async function main() {
  const { db, env, cleanup } = await freshDatabase();
  await migrate(db);
  const started = Date.now();
  const seeded = await seedDemo(db, { families, seed: 7, today: makeClock().today(), passwordHash: await hashPassword(password) });
  console.log(`Seeded ${seeded.families} families (${seeded.people} people) on ${db.engine} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await db.query('ANALYZE');

  // Practitioners with families, and each one's families and family names to search for.
  const workers = await db.query<{ email: string; family_id: string; family_name: string }>(
    `SELECT u.email, fp.family_id, f.family_name FROM app_user u JOIN family_professional fp ON fp.user_id = u.id AND fp.left_on IS NULL
       JOIN family f ON f.id = fp.family_id WHERE u.role = 'practitioner' ORDER BY u.email, f.reference`);
  await db.close();
  const byEmail = new Map<string, { id: string; name: string }[]>();
  for (const w of workers) byEmail.set(w.email, [...(byEmail.get(w.email) ?? []), { id: w.family_id, name: w.family_name }]);
  const practitioners = [...byEmail.keys()].slice(0, connections);

  const server = spawn(process.execPath, ['bin/lantern.mjs', 'start', '--no-demo', '--port', String(port)], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i += 1) {
      up = await fetch(`${base}/health`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    if (!up || server.exitCode !== null) throw new BenchmarkFailed(`Lantern did not start on port ${port}: is the port taken? Choose another with --port.`);
    const cookies = new Map<string, string>();
    for (const email of practitioners) cookies.set(email, await signIn(email));
    const familyRequests = practitioners.flatMap((email) => byEmail.get(email)!.map((f) => ({ path: `/families/${f.id}`, cookie: cookies.get(email)! })));
    // Searches as people type them: the family name with a letter changed. A search is posted (so
    // names stay out of URLs and logs) and its results page is then read by its id, as the browser does.
    const searchRequests: { path: string; cookie: string }[] = [];
    for (const email of practitioners) {
      // A session keeps its last 10 searches, so each practitioner's are read back from its last few.
      for (const f of byEmail.get(email)!.slice(-10)) {
        const q = f.name.slice(0, -1) + (f.name.endsWith('e') ? 'a' : 'e');
        searchRequests.push({ path: await postSearch(cookies.get(email)!, q), cookie: cookies.get(email)! });
      }
    }
    console.log(`${practitioners.length} practitioners signed in; ${connections} concurrent connections for ${seconds} s each\n`);
    await run(familyRequests.slice(0, 200), 5);
    const load = `${connections} users, a page every ${think} s each`;
    report(`family page, ${load}`, await users(familyRequests, connections));
    report(`search, ${load}`, await users(searchRequests, connections));
    report('family page, saturation (no pause)', await run(familyRequests));
    report('search, saturation (no pause)', await run(searchRequests));
  } finally {
    server.kill('SIGTERM');
    await cleanup();
  }
}

runBenchmark(main);

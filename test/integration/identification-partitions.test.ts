import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser } from '../support/factories.ts';
import { anAgreement, extractCsv, writeExtract } from '../support/identification-factories.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { demoExtracts, demoHouseholds } from '../../src/domain/identification/demo-extracts.ts';
import { sourceKeys } from '../../src/domain/identification/formats.ts';
import { services as buildServices, type Services } from '../../src/services.ts';
import { TEST_TODAY, testClock } from '../support/clock.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Past one machine: a matching run split into partitions, which any worker may take, gives
 * exactly the people, households and pairs of one process running it whole. Two workers in this
 * process on both engines; on PostgreSQL, two `lantern worker` processes as well.
 */
describe.each(engines)('a matching run shared by workers on %s', (engine) => {
  let t: TestDatabase;
  let s: Services;
  let analyst: Actor & { email: string };
  let whole: Awaited<ReturnType<typeof snapshot>>;

  async function snapshot() {
    return {
      people: await t.db.query('SELECT record_id, person_id FROM linked_person ORDER BY record_id'),
      households: await t.db.query('SELECT person_id, household_id FROM linked_household_member ORDER BY person_id'),
      pairs: await t.db.query('SELECT left_record_id, right_record_id, weight, decision FROM linkage_pair ORDER BY left_record_id, right_record_id'),
    };
  }

  async function finished(jobId: string, timeoutMs: number) {
    for (const end = performance.now() + timeoutMs; performance.now() < end;) {
      const job = await s.jobs.get(jobId);
      if (job && !['queued', 'running'].includes(job.status)) return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The run ${jobId} did not finish in ${timeoutMs} ms`);
  }

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    analyst = await makeUser(t.db, { role: 'analyst', agencyId: p.agencies.childrens_social_care });
    s = buildServices(t.db, { sessionHours: 8, clock: testClock(), worker: 'separate', matchingPartitions: 4 });
    const agreementId = await s.identification.createAgreement(analyst, anAgreement());
    const extracts = demoExtracts(demoHouseholds(60, 8, ['NV2 1AA', 'NV3 2BB'], TEST_TODAY), 8, TEST_TODAY);
    for (const source of sourceKeys) {
      if (!extracts[source].length) continue;
      await s.identification.ingest(analyst, { path: await writeExtract(`${source}.csv`, extractCsv(source, extracts[source])), filename: `${source}.csv`, source, agreementId });
    }
    // One process, the whole run at once: what every shared run must give.
    await s.identification.identify(analyst);
    whole = await snapshot();
    expect(whole.people.length).toBeGreaterThan(300);
    expect(whole.pairs.length).toBeGreaterThan(0);
  }, 120_000);
  afterAll(async () => t.drop());

  it('two workers in this process share the partitions and give exactly the run of one process', async () => {
    await t.db.query('DELETE FROM linkage_pair');
    const workers = [1, 2].map(() => buildServices(t.db, { sessionHours: 8, clock: testClock(), worker: 'separate' }));
    const jobId = await s.identification.startMatching(analyst);
    for (const w of workers) w.jobs.start({ pollMs: 20 });
    const job = await finished(jobId, 120_000);
    await Promise.all(workers.map((w) => w.jobs.stop()));
    expect(job.status).toBe('done');
    const parts = await s.jobs.children(jobId);
    expect(parts.map((p) => [p.kind, p.status])).toEqual(Array.from({ length: 4 }, () => ['matching-partition', 'done']));
    expect(parts.every((p) => workers.some((w) => w.jobs.workerId === p.worker))).toBe(true);
    expect(await snapshot()).toEqual(whole);
  }, 180_000);

  it('a run on two threads (LANTERN_MATCHING_THREADS=2) gives exactly the run of one thread', async () => {
    await t.db.query('DELETE FROM linkage_pair');
    const threaded = buildServices(t.db, { sessionHours: 8, clock: testClock(), worker: 'separate', matchingThreads: 2 });
    await threaded.identification.identify(analyst);
    expect(await snapshot()).toEqual(whole);
  }, 120_000);

  // On PostgreSQL only, where separate processes can share the database (PGlite is one process's); PGlite runs the same contract above.
  if (engine === 'postgres') it('two `lantern worker` processes share the partitions and give exactly the run of one process', async () => {
    await t.db.query('DELETE FROM linkage_pair');
    const [{ name }] = await t.db.query<{ name: string }>('SELECT current_database() AS name');
    const owner = new URL(process.env.DATABASE_URL!);
    owner.pathname = `/${name}`;
    const app = new URL(owner);
    app.username = 'lantern_app';
    app.password = '';
    const jobId = await s.identification.startMatching(analyst);
    const started: ChildProcess[] = [1, 2].map(() => spawn(process.execPath, [path.join(root, 'bin/lantern.mjs'), 'worker', '--poll-ms', '100'], {
      cwd: root, env: { ...process.env, DATABASE_URL: app.toString(), DATABASE_OWNER_URL: owner.toString(), LANTERN_TODAY: TEST_TODAY, LANTERN_WORKER: 'separate' }, stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const output: string[] = [];
    for (const c of started) {
      c.stdout!.on('data', (d) => output.push(String(d)));
      c.stderr!.on('data', (d) => output.push(String(d)));
    }
    try {
      const job = await finished(jobId, 150_000);
      expect({ status: job.status, error: job.error }).toEqual({ status: 'done', error: null });
    } finally {
      await Promise.all(started.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      })));
    }
    const parts = await s.jobs.children(jobId);
    expect(parts.map((p) => p.status)).toEqual(['done', 'done', 'done', 'done']);
    // Every partition was run by one of the two processes, not by this one.
    const pids = new Set(started.map((c) => String(c.pid)));
    expect(parts.every((p) => pids.has(p.worker!.split(':')[1])), output.join('')).toBe(true);
    console.log(`partitions per worker process: ${JSON.stringify(Object.fromEntries([...pids].map((pid) => [pid, parts.filter((p) => p.worker!.split(':')[1] === pid).length])))}`);
    expect(await snapshot()).toEqual(whole);
  }, 200_000);
});

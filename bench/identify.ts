/**
 * Loads generated agency extracts for N households, then matches them (linkage, households,
 * assessments and storing them), and prints the times and peak memory.
 *
 *   npm run bench:identify -- [--households 20000] [--direct]
 *
 * By default it goes the way a deployment does: the extracts are uploaded and loaded as background
 * jobs and matching runs as a job, in this process beside the web app, while a visitor asks the app
 * for a page (the public service directory, which reads the database) every 100 ms, whether or not
 * the last has come; it prints those pages' response times while the jobs ran. `--direct` calls `ingest` and `identify` with no app.
 *
 * With DATABASE_URL set it uses a throwaway database on that server; otherwise an in-memory PGlite.
 */
import { makeClock } from '../src/clock.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { benchDatabase } from './database.ts';
import { demoExtracts, demoHouseholds } from '../src/domain/identification/demo-extracts.ts';
import { extractFormats, sourceKeys } from '../src/domain/identification/formats.ts';
import { toCsv } from '../src/domain/needs-analysis/csv.ts';
import { services } from '../src/services.ts';
import { buildApp } from '../src/app.ts';
import { urls } from '../src/web/urls.ts';

const { values } = parseArgs({ options: { households: { type: 'string', default: '20000' }, direct: { type: 'boolean', default: false } } });
const clock = makeClock();
const today = clock.today();
let peak = 0;
const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
// The issue counts every process of the run: with a server on this machine, its processes' resident memory is added up too
// (each counts the shared buffers it has touched, so the sum is an upper bound).
const serverHere = /^(127\.0\.0\.1|localhost|\[::1\])$/.test(process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).hostname : '') && existsSync('/proc');
const serverRss = () => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).reduce((sum, pid) => {
  try {
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return sum;
    return sum + Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return sum; // the process ended between the listing and the read
  }
}, 0);
let peakWithServer = 0;
const sampleServer = serverHere ? setInterval(() => { peakWithServer = Math.max(peakWithServer, process.memoryUsage().rss + serverRss()); }, 1000) : null;

const { db, drop } = await benchDatabase();
const built = services(db, { sessionHours: 8, clock });
const { identification } = built;
// About two households a postcode, as on a real street; the demo's name lists are short, so names repeat far more than in life.
const letters = 'ABDEFGHJLNPQRSTUWXYZ';
const postcodes = Array.from({ length: Math.max(50, Math.ceil(Number(values.households) / 2)) }, (_, i) => `NV${(i % 40) + 1} ${Math.floor(i / 40) % 10}${letters[Math.floor(i / 400) % 20]}${letters[Math.floor(i / 8000) % 20]}`);
const agreementId = await identification.createAgreement(null, { name: 'Bench', parties: 'Bench', lawfulBasis: 'public_task', article9Condition: 'DPA 2018 Sch 1 para 18', reviewDate: '2099-01-01' });
const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-bench-'));
// The generated extracts go to files and are let go: a deployment's process never holds them, and the peak is the deployment's.
const files = await (async () => {
  const extracts = demoExtracts(demoHouseholds(Number(values.households), 11, postcodes, today), 11, today);
  return Promise.all(sourceKeys.map(async (source) => {
    const columns = extractFormats[source].columns.map((c) => c.name);
    const file = path.join(dir, `${source}.csv`);
    await writeFile(file, toCsv(columns, extracts[source].map((r) => columns.map((c) => r[c] ?? ''))));
    return { source, file };
  }));
})();
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
const count = (n: number) => n.toLocaleString('en-GB');
type Run = { records: number; people: number; households: number; links: number; reviews: number; engineSeconds?: number };
const report = (run: Run, since: number) => console.log(`identify: ${count(run.records)} records -> ${count(run.people)} people, ${count(run.households)} households, `
  + `${count(run.links)} links, ${count(run.reviews)} for review in ${seconds(since)} s${run.engineSeconds === undefined ? '' : ` (engine ${run.engineSeconds.toFixed(1)} s)`}`);
const peakMiB = () => (Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024) / 1024 ** 2).toFixed(0);
const withServer = () => (serverHere ? `; with every PostgreSQL process ${(peakWithServer / 1024 ** 2).toFixed(0)} MiB` : '');

if (values.direct) {
  let t0 = performance.now();
  let records = 0;
  for (const { source, file } of files) {
    records += (await identification.ingest(null, { path: file, filename: `${source}.csv`, source, agreementId })).rowsLoaded;
  }
  console.log(`engine ${db.engine}: ingested ${count(records)} records in ${seconds(t0)} s`);
  peak = 0;
  peakWithServer = 0;
  t0 = performance.now();
  report(await identification.identify(null), t0);
  console.log(`peak resident memory while matching ${peakMiB()} MiB${withServer()}`);
} else {
  const app = await buildApp({ services: built, sessionHours: 8 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const page = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${urls.directory()}?search=parenting`;
  // The visitors: a page asked for every 100 ms whether or not the last has come (people do not
  // wait for each other), each timed from asking to the last byte. They run on a thread of their
  // own: in this one their timer would wait out a long step of the job unseen.
  const visitor = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const times = [];
    let failures = 0;
    const visit = async () => {
      const asked = performance.now();
      const response = await fetch(workerData.page).catch(() => null);
      if (!response || response.status !== 200) failures += 1;
      await response?.text();
      times.push(performance.now() - asked);
    };
    const visits = [];
    const timer = setInterval(() => visits.push(visit()), 100);
    parentPort.once('message', async () => {
      clearInterval(timer);
      await Promise.all(visits);
      parentPort.postMessage({ times, failures });
    });
  `, { eval: true, workerData: { page } });
  const finished = async (jobId: string) => {
    for (;;) {
      const job = await identification.job(null, jobId);
      if (job.status === 'done') return job;
      if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`job ${job.kind} ended ${job.status}: ${job.error ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  let t0 = performance.now();
  const loads = [];
  for (const { source, file } of files) loads.push((await identification.startExtractLoad(null, { path: file, filename: `${source}.csv`, source, agreementId })).jobId);
  let records = 0;
  for (const jobId of loads) records += Number((await finished(jobId)).result?.rowsLoaded ?? 0);
  console.log(`engine ${db.engine}: uploaded and loaded ${count(records)} records as ${loads.length} background jobs in ${seconds(t0)} s`);
  t0 = performance.now();
  const matching = await finished(await identification.startMatching(null));
  report(matching.result as unknown as Run, t0);
  const visited = new Promise<{ times: number[]; failures: number }>((resolve) => visitor.once('message', resolve));
  visitor.postMessage('stop');
  const { times, failures } = await visited;
  await visitor.terminate();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
  console.log(`peak resident memory ${peakMiB()} MiB (this process: the web app, the queue and the jobs)${withServer()}`);
  console.log(`while the jobs ran, ${count(times.length)} public directory pages: median ${at(0.5)} ms, p95 ${at(0.95)} ms, slowest ${at(1)} ms; ${failures} not answered 200`);
  await built.jobs.stop?.();
  await app.close();
}
clearInterval(sample);
if (sampleServer) clearInterval(sampleServer);
await drop();
await rm(dir, { recursive: true, force: true });

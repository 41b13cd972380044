/**
 * Loads generated agency extracts for N households through `ingest`, then times `identify`
 * (linkage, households, assessments and storing them) and prints peak memory.
 *
 *   npm run bench:identify -- [--households 20000]
 *
 * With DATABASE_URL set it uses a throwaway database on that server; otherwise an in-memory PGlite.
 */
import { makeClock } from '../src/clock.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './database.ts';
import { demoExtracts, demoHouseholds } from '../src/domain/identification/demo-extracts.ts';
import { extractFormats, sourceKeys } from '../src/domain/identification/formats.ts';
import { toCsv } from '../src/domain/needs-analysis/csv.ts';
import { services } from '../src/services.ts';

const { values } = parseArgs({ options: { households: { type: 'string', default: '20000' } } });
const clock = makeClock();
const today = clock.today();
let peak = 0;
const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

const { db, drop } = await benchDatabase();
const { identification } = services(db, { sessionHours: 8, clock });
// About two households a postcode, as on a real street; the demo's name lists are short, so names repeat far more than in life.
const letters = 'ABDEFGHJLNPQRSTUWXYZ';
const postcodes = Array.from({ length: Math.max(50, Math.ceil(Number(values.households) / 2)) }, (_, i) => `NV${(i % 40) + 1} ${Math.floor(i / 40) % 10}${letters[Math.floor(i / 400) % 20]}${letters[Math.floor(i / 8000) % 20]}`);
const extracts = demoExtracts(demoHouseholds(Number(values.households), 11, postcodes, today), 11, today);
const agreementId = await identification.createAgreement(null, { name: 'Bench', parties: 'Bench', lawfulBasis: 'public_task', article9Condition: 'DPA 2018 Sch 1 para 18', reviewDate: '2099-01-01' });
const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-bench-'));
let t0 = performance.now();
let records = 0;
for (const source of sourceKeys) {
  const columns = extractFormats[source].columns.map((c) => c.name);
  const file = path.join(dir, `${source}.csv`);
  await writeFile(file, toCsv(columns, extracts[source].map((r) => columns.map((c) => r[c] ?? ''))));
  records += (await identification.ingest(null, { path: file, filename: `${source}.csv`, source, agreementId })).rowsLoaded;
}
console.log(`engine ${db.engine}: ingested ${records.toLocaleString('en-GB')} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
peak = 0;
t0 = performance.now();
const run = await identification.identify(null);
clearInterval(sample);
// The kernel's high-water mark catches peaks the sampler misses while the event loop is busy.
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
console.log(`identify: ${run.records.toLocaleString('en-GB')} records -> ${run.people.toLocaleString('en-GB')} people, ${run.households.toLocaleString('en-GB')} households, `
  + `${run.links.toLocaleString('en-GB')} links, ${run.reviews.toLocaleString('en-GB')} for review in ${((performance.now() - t0) / 1000).toFixed(1)} s (engine ${run.engineSeconds.toFixed(1)} s); peak resident memory ${(peak / 1024 ** 2).toFixed(0)} MiB`);
await drop();
await rm(dir, { recursive: true, force: true });

/**
 * Streams a generated police extract through `ingest` and prints rows per second and peak memory.
 *
 *   npm run bench:ingest -- [--rows 1000000]
 *
 * The file is written to a temporary folder a row at a time, then loaded the way `lantern ingest`
 * does (checked in full, then inserted in batches in one transaction). With DATABASE_URL set it
 * uses a throwaway database on that server; otherwise an in-memory PGlite. Peak memory is this
 * process's resident set (which includes PGlite's own memory when PGlite is used).
 */
import { makeClock } from '../src/clock.ts';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { benchDatabase } from './database.ts';
import { identificationService } from '../src/modules/identification/service.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);

const first = ['Kerry', 'Jade', 'Liam', 'Tyler', 'Chloe', 'Dean', 'Stacey', 'Connor', 'Leanne', 'Jordan'];
const last = ['Walsh', 'Smith', 'Brennan', 'Okafor', 'Patel', 'Jones', 'Nowak', 'Hughes', 'Clarke', 'Reid'];

async function generate(file: string) {
  const out = createWriteStream(file);
  const write = async (line: string) => { if (!out.write(line)) await once(out, 'drain'); };
  await write('record_id,first_name,last_name,date_of_birth,sex,postcode,address_line,incident_ref,incident_date,role,children_present,risk_level\n');
  for (let i = 0; i < rows; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const month = String((i % 12) + 1).padStart(2, '0');
    await write(`PD-${i},${first[i % 10]},${last[(i >> 3) % 10]},${day}/${month}/19${70 + (i % 30)},${i % 2 ? 'M' : 'F'},NV${(i % 9) + 1} ${(i % 9) + 1}AB,${(i % 200) + 1} Mill Lane,INC-${i >> 1},2026-${month}-${day},${i % 2 ? 'perpetrator' : 'victim'},Y,medium\n`);
  }
  out.end();
  await once(out, 'finish');
}

let peak = 0;
const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);

const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-bench-'));
const file = path.join(dir, 'police.csv');
let t0 = performance.now();
await generate(file);
const size = (await stat(file)).size;
console.log(`Generated ${rows.toLocaleString('en-GB')} rows (${(size / 1024 ** 2).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const { db, drop } = await benchDatabase();
const service = identificationService(db, { clock: makeClock() });
const agreementId = await service.createAgreement(null, { name: 'Bench', parties: 'Bench', lawfulBasis: 'public_task', article9Condition: 'DPA 2018 Sch 1 para 18', reviewDate: '2099-01-01' });
peak = 0;
const before = process.memoryUsage().rss;
t0 = performance.now();
const result = await service.ingest(null, { path: file, filename: 'police.csv', source: 'police-da', agreementId });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sample);
// The kernel's high-water mark catches peaks the sampler misses while the event loop is busy.
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
console.log(`${result.message}`);
console.log(`engine ${db.engine}: ${result.rowsLoaded.toLocaleString('en-GB')} rows in ${seconds.toFixed(1)} s = ${Math.round(result.rowsLoaded / seconds).toLocaleString('en-GB')} rows/s (checked and inserted)`);
console.log(`peak resident memory ${(peak / 1024 ** 2).toFixed(0)} MiB (${(before / 1024 ** 2).toFixed(0)} MiB before loading; file ${(size / 1024 ** 2).toFixed(0)} MiB)`);
await drop();
await rm(dir, { recursive: true, force: true });

/**
 * Times the demo generator and the seeder.
 *
 *   npx tsx bench/seed.ts --families 100000 [--seed 1]
 *
 * First generates every row at once (the generator alone), then seeds a fresh database the way
 * `lantern seed` does, generating batch by batch while inserting. With DATABASE_URL set it
 * creates a throwaway database on that server and drops it afterwards; otherwise it uses an
 * in-memory PGlite.
 */
import { makeClock } from '../src/clock.ts';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { migrate, openDatabase, type Database } from '../src/db/database.ts';
import { generateDemo } from '../src/domain/demo/generator.ts';
import { seedDemo } from '../src/modules/demo/seed.ts';

const { values } = parseArgs({ options: { families: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
const families = Number(values.families);
const seed = Number(values.seed);
const today = makeClock().today();
const adminUrl = process.env.DATABASE_URL;

const elapsed = (from: number) => ((performance.now() - from) / 1000).toFixed(2);
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return ((used.user + used.system) / 1e6).toFixed(2);
};

/**
 * CPU seconds used so far by the server processes serving this database, when the server runs
 * on this machine (Linux /proc): on a busy machine CPU time says more than elapsed time.
 */
async function serverCpuSeconds(target: Database): Promise<number | null> {
  if (target.engine !== 'postgres') return null;
  try {
    const rows = await target.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    let ticks = 0;
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    }
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

// 1. The generator alone.
{
  const started = performance.now();
  const cpu = process.cpuUsage();
  const data = generateDemo({ families, seed, today });
  console.log(`generate ${families.toLocaleString('en-GB')} families: ${elapsed(started)} s elapsed, ${cpuSeconds(cpu)} s CPU`);
  let total = 0;
  for (const [table, rows] of Object.entries(data)) {
    const n = (rows as unknown[]).length;
    total += n;
    console.log(`  ${table.padEnd(20)} ${n.toLocaleString('en-GB').padStart(10)}`);
  }
  console.log(`  ${'total rows'.padEnd(20)} ${total.toLocaleString('en-GB').padStart(10)}`);
}

// 2. Generate and insert, as the seed command does.
let admin: Database | null = null;
let scratchName = '';
let db: Database;
if (adminUrl) {
  admin = await openDatabase({ databaseUrl: adminUrl });
  scratchName = `lantern_bench_${randomBytes(4).toString('hex')}`;
  await admin.exec(`CREATE DATABASE ${scratchName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${scratchName}`;
  db = await openDatabase({ databaseUrl: url.toString() });
} else {
  db = await openDatabase({});
}
try {
  await migrate(db);
  const serverBefore = await serverCpuSeconds(db);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await seedDemo(db, { families, seed, today, passwordHash: '$argon2id$bench' });
  const seconds = elapsed(started);
  const clientCpu = cpuSeconds(cpu);
  const serverAfter = await serverCpuSeconds(db);
  const serverCpu = serverBefore !== null && serverAfter !== null ? `, server ${(serverAfter - serverBefore).toFixed(2)} s CPU` : '';
  console.log(`seed into ${db.engine} (generate and insert, index builds, foreign key checks, ANALYZE): ${seconds} s elapsed; `
    + `client ${clientCpu} s CPU${serverCpu}`);
  console.log(`  ${result.families.toLocaleString('en-GB')} families, ${result.people.toLocaleString('en-GB')} people, ${result.users} users`);
} finally {
  await db.close();
  if (admin) {
    // Wait for the closed connections to leave the server before dropping their database.
    for (let i = 0; i < 50; i++) {
      const [{ n }] = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [scratchName]);
      if (n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await admin.exec(`DROP DATABASE IF EXISTS ${scratchName}`);
    await admin.close();
  }
}

/**
 * Times the demo generator and the seeder.
 *
 *   npx tsx bench/seed.ts --families 100000 [--seed 1]
 *
 * With DATABASE_URL set it creates a throwaway database on that server, seeds it and drops it;
 * otherwise it seeds an in-memory PGlite.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { migrate, openDatabase, type Database } from '../src/db/database.ts';
import { generateDemo } from '../src/domain/demo/generator.ts';
import { insertDemo } from '../src/modules/demo/seed.ts';

const { values } = parseArgs({ options: { families: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' } } });
const families = Number(values.families);
const seed = Number(values.seed);
const adminUrl = process.env.DATABASE_URL;

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

const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(2);
try {
  await migrate(db);
  console.log(`engine: ${db.engine}, families: ${families}, seed: ${seed}`);

  let started = performance.now();
  const data = generateDemo({ families, seed, today: new Date().toISOString().slice(0, 10) });
  console.log(`generate: ${seconds(started)} s`);
  const rowCounts = Object.entries(data).map(([table, rows]) => [table, (rows as unknown[]).length] as const);
  const totalRows = rowCounts.reduce((sum, [, n]) => sum + n, 0);
  for (const [table, n] of rowCounts) console.log(`  ${table.padEnd(20)} ${n.toLocaleString('en-GB').padStart(10)}`);
  console.log(`  ${'total'.padEnd(20)} ${totalRows.toLocaleString('en-GB').padStart(10)}`);

  started = performance.now();
  await insertDemo(db, data, '$argon2id$bench');
  const insertSeconds = (performance.now() - started) / 1000;
  console.log(`insert (including ANALYZE): ${insertSeconds.toFixed(2)} s, ${Math.round(totalRows / insertSeconds).toLocaleString('en-GB')} rows/s`);
} finally {
  await db.close();
  if (admin) {
    await admin.exec(`DROP DATABASE IF EXISTS ${scratchName}`);
    await admin.close();
  }
}

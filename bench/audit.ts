import { randomUUID } from 'node:crypto';
import { auditViewerRepository, type AuditFilter } from '../src/modules/audit/viewer-repository.ts';
import { benchDatabase } from './database.ts';

/**
 * The audit viewer on a large log: ROWS audit events (default 5,000,000) made in SQL with
 * generate_series, then the first page (50 rows) and a deep page for each filter combination,
 * timed RUNS times each with varying values. Needs PostgreSQL (DATABASE_URL); prints p50 and p95.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:audit
 */

const rows = Number(process.env.ROWS ?? 5_000_000);
const runs = Number(process.env.RUNS ?? 40);
const users = 2_000;
const families = 100_000;
const days = 730;
const actions = ['view-family', 'update-family', 'sign-in', 'view-case', 'record-contact', 'view-plan', 'search', 'read-audit-log', 'export-report', 'screen-referral'];

if (!process.env.DATABASE_URL) {
  console.error('bench:audit measures PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test');
  process.exit(2);
}

const { db, drop } = await benchDatabase();
try {
  const started = Date.now();
  const partnership = randomUUID();
  const agency = randomUUID();
  await db.query('INSERT INTO partnership (id, name) VALUES ($1, $2)', [partnership, 'Bench']);
  await db.query(`INSERT INTO agency (id, partnership_id, name, kind) VALUES ($1, $2, 'Bench agency', 'police')`, [agency, partnership]);
  await db.query(`INSERT INTO app_user (id, email, display_name, password_hash, role, agency_id)
                  SELECT gen_random_uuid(), 'user' || g || '@bench.example', 'User ' || g, '', 'practitioner', $1 FROM generate_series(1, $2) g`, [agency, users]);
  await db.query(`INSERT INTO family (id, reference, family_name) SELECT gen_random_uuid(), 'NV-' || lpad(g::text, 6, '0'), 'Family ' || g FROM generate_series(1, $1) g`, [families]);
  // Indexes are rebuilt after the load: the same definitions the migrations made, much faster in bulk.
  const indexes = await db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_event' AND indexname <> 'audit_event_pkey'`);
  for (const i of indexes) await db.query(`DROP INDEX ${i.indexname}`);
  await db.query(`
    WITH u AS (SELECT array_agg(id ORDER BY id) AS ids FROM app_user), f AS (SELECT array_agg(id ORDER BY id) AS ids FROM family)
    INSERT INTO audit_event (at, user_id, action, record_type, record_id, family_id, outcome, ip)
    SELECT timestamptz '2025-01-01' + (g::float8 / $1 * $2) * interval '1 day',
           u.ids[1 + (hashint4(g) & 2147483647) % $3], ($4::text[])[1 + (hashint4(g + 7) & 2147483647) % $5], 'family', NULL,
           CASE WHEN g % 10 < 8 THEN f.ids[1 + (hashint4(g + 13) & 2147483647) % $6] END,
           CASE WHEN g % 50 = 0 THEN 'denied' ELSE 'allowed' END, '10.0.0.1'
      FROM generate_series(1, $1) g, u, f`, [rows, days, users, actions, actions.length, families]);
  for (const i of indexes) await db.query(i.indexdef);
  await db.query('ANALYZE audit_event');
  await db.query('ANALYZE app_user');
  await db.query('ANALYZE family');
  console.log(`Loaded ${rows.toLocaleString('en-GB')} audit events (${users} people, ${families.toLocaleString('en-GB')} families, ${days} days) in ${((Date.now() - started) / 1000).toFixed(0)} s.`);

  const userIds = (await db.query<{ id: string }>('SELECT id FROM app_user ORDER BY random() LIMIT $1', [runs])).map((r) => r.id);
  const familyIds = (await db.query<{ id: string }>('SELECT id FROM family ORDER BY random() LIMIT $1', [runs])).map((r) => r.id);
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000);
  const month = (i: number) => { const start = (i * 37) % (days - 31); return { fromInstant: day(start), toInstant: day(start + 30) }; };
  const combos: [string, (i: number) => AuditFilter][] = [
    ['no filter', () => ({})],
    ['person', (i) => ({ userId: userIds[i] })],
    ['family', (i) => ({ familyId: familyIds[i] })],
    ['action with a date range (30 days)', (i) => ({ action: actions[i % actions.length], ...month(i) })],
    ['person with a date range (30 days)', (i) => ({ userId: userIds[i], ...month(i) })],
    ['family with a date range (30 days)', (i) => ({ familyId: familyIds[i], ...month(i) })],
    ['refusals (outcome) with a date range (30 days)', (i) => ({ outcome: 'denied', ...month(i) })],
    ['person, action and outcome', (i) => ({ userId: userIds[i], action: actions[i % actions.length], outcome: 'allowed' })],
  ];
  const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
  console.log(`\nA page of 50 events, ${runs} runs each (milliseconds):`);
  console.log(`${'filter'.padEnd(48)} ${'first p50'.padStart(9)} ${'first p95'.padStart(9)} ${'next p95'.padStart(9)}`);
  for (const [name, filter] of combos) {
    const first: number[] = [];
    const next: number[] = [];
    for (let i = 0; i < runs; i++) {
      const f = filter(i);
      let t = performance.now();
      const page = await auditViewerRepository.page(db, f, null, 51);
      first.push(performance.now() - t);
      // The following page, keyed on the last row shown.
      const before = page.length > 50 ? page[49].id : null;
      if (!before) continue;
      t = performance.now();
      await auditViewerRepository.page(db, f, before, 51);
      next.push(performance.now() - t);
    }
    console.log(`${name.padEnd(48)} ${percentile(first, 50).toFixed(1).padStart(9)} ${percentile(first, 95).toFixed(1).padStart(9)} ${(next.length ? percentile(next, 95).toFixed(1) : 'one page').padStart(9)}`);
  }
} finally {
  await drop();
}

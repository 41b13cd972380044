/**
 * Loads the generated Northvale demo into an empty, migrated database.
 *
 * Rows go in as column arrays through `INSERT ... SELECT FROM unnest(...)`: one statement per
 * chunk of thousands of rows instead of one per row. Keys, indexes and foreign keys are set
 * aside during the load and rebuilt after it, and the chunks are pipelined; together that is
 * what makes 100,000 families (2.2 million rows) a matter of seconds rather than many minutes.
 * Everything lands in one transaction, so a failed seed leaves nothing behind.
 */
import { secondFactorRepository } from '../access/second-factor-repository.ts';
import { demoSecondFactorSecret } from '../access/second-factor.ts';
import { secondFactorRequired } from '../../domain/access/policy.ts';
import { userRoles } from '../../domain/codes.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { seedNeedsAnalysisDemo } from '../needs-analysis/demo.ts';
import { seedCostBenefitDemo } from '../costs/demo.ts';
import { londonInstant } from '../../domain/clock.ts';
import { generateDemoBatches, type DemoData } from '../../domain/demo/generator.ts';
import { agencyKinds } from '../../domain/codes.ts';
import { dataCategories } from '../../domain/access/categories.ts';

export interface SeedOptions {
  families: number;
  seed: number;
  /** The clock's date, 'YYYY-MM-DD': the demo's dates are laid out around it. */
  today: string;
  /** One argon2id hash shared by every demo user. */
  passwordHash: string;
}

export interface SeedResult {
  families: number;
  people: number;
  users: number;
}

export async function seedDemo(db: Database, options: SeedOptions): Promise<SeedResult> {
  // Generated a batch at a time, so generating the next batch overlaps inserting this one.
  const batches = generateDemoBatches({ families: options.families, seed: options.seed, today: options.today }, 1000);
  return insertDemo(db, batches, options.passwordHash, londonInstant(options.today, '09:00'));
}

/** Inserts generated rows, whole or in batches; separate from seedDemo so a benchmark can time the two apart. */
export async function insertDemo(db: Database, data: DemoData | Iterable<DemoData>, passwordHash: string, at: Date): Promise<SeedResult> {
  const batches: Iterable<DemoData> = Symbol.iterator in data ? data : [data];
  const result: SeedResult = { families: 0, people: 0, users: 0 };
  await db.transaction(async (tx) => {
    const [{ found }] = await tx.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM family) AS found');
    if (found) {
      throw new Error('This database already has families. The demo can only be seeded into an empty database.');
    }
    if (db.engine === 'postgres') {
      // Rebuilding keys and indexes and checking foreign keys sort and hash millions of rows:
      // with the default few megabytes they spill to disk. PGlite, which shares this process's
      // memory, keeps its defaults.
      await tx.exec(`SET LOCAL work_mem = '128MB'; SET LOCAL maintenance_work_mem = '256MB'`);
    }
    const setAside = await setAsideConstraintsAndIndexes(tx, tables.map((t) => t.name));
    // A PostgreSQL server decodes the binary array format with far less work than array
    // literals; PGlite, in this process, gains nothing measurable from it, so it gets text.
    await insertAll(tx, batches, passwordHash, db.engine === 'postgres' ? binaryArray : textArray, result);
    await restoreConstraintsAndIndexes(tx, setAside);
    const highest = result.families;
    // Later references carry on from the demo's (setval's third argument false: 1 is still unused).
    await tx.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', ['family_reference_seq', Math.max(highest, 1), highest > 0]);
    await seedDemoConsents(tx, at);
    await seedNeedsAnalysisDemo(tx, at);
    // The demo's administrators and analysts must pass a second factor: they share the demo secret (`lantern demo-code`).
    await secondFactorRepository.enrolRoles(tx, demoSecondFactorSecret, userRoles.filter(secondFactorRequired), at);
    await seedCostBenefitDemo(tx);
  });
  // Fresh statistics, so the first queries over a large demo get sensible plans.
  await db.exec('ANALYZE');
  return result;
}

/**
 * Need to know: each demo family's first adult agreed, six weeks ago, to share every kind of
 * information with every kind of agency in the team around the family, so what each agency sees
 * is what the partnership's sharing rules give its kind (the police officer: domestic abuse and
 * offending, never health; the school: status, level of need and education). Where the family has
 * no adult, nothing is shared beyond the rules' team basis.
 */
async function seedDemoConsents(tx: Queryable, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO family_consent (id, family_id, basis, person_id, agency_kinds, categories, given_on, recorded_by, recorded_at)
     SELECT gen_random_uuid(), x.family_id, 'consent', x.person_id, $2::text[], $3::text[], ($1::timestamptz AT TIME ZONE 'Europe/London')::date - 42,
            (SELECT fp.user_id FROM family_professional fp WHERE fp.family_id = x.family_id AND fp.is_lead ORDER BY fp.joined_on LIMIT 1), $1
       FROM (SELECT DISTINCT ON (p.family_id) p.family_id, p.id AS person_id FROM person p WHERE p.member_type = 'adult'
              ORDER BY p.family_id, p.date_of_birth NULLS LAST, p.id) x`,
    [at, [...agencyKinds], [...dataCategories]]);
}

interface SetAside {
  constraints: { table: string; name: string; definition: string; type: string }[];
  indexes: { definition: string }[];
}

/**
 * PostgreSQL's advice for bulk loads ("Populating a Database"): drop indexes and foreign keys,
 * load, then recreate them. A foreign key checked row by row costs a query per row, millions
 * for a large demo, where re-adding it checks every row in one join; a primary key or index
 * built once from sorted data costs about half the server time of one kept up row by row as
 * random UUIDs arrive. Read from the catalogue rather than hard-coded, so later migrations are
 * covered (foreign keys from other tables into these ones included); done inside the seed's
 * transaction, so a failure puts everything back as it was.
 */
async function setAsideConstraintsAndIndexes(tx: Queryable, tableNames: string[]): Promise<SetAside> {
  const constraints = await tx.query<{ table: string; name: string; definition: string; type: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition, contype::text AS type
       FROM pg_constraint
      WHERE (contype IN ('p', 'u') AND conrelid = ANY($1::regclass[]))
         OR (contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[])))
      ORDER BY contype = 'f' DESC, oid`,
    [tableNames],
  );
  // Other indexes on these tables; those that carry a constraint go and come back with it.
  const indexes = await tx.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
      ORDER BY i.indexrelid`,
    [tableNames],
  );
  // Foreign keys first: a primary key cannot go while a foreign key still points at it.
  for (const c of constraints) await tx.exec(`ALTER TABLE ${c.table} DROP CONSTRAINT ${quoteIdent(c.name)}`);
  for (const index of indexes) await tx.exec(`DROP INDEX ${index.name}`);
  return { constraints, indexes };
}

async function restoreConstraintsAndIndexes(tx: Queryable, setAside: SetAside): Promise<void> {
  const add = (c: SetAside['constraints'][number]) => tx.exec(`ALTER TABLE ${c.table} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
  // Keys before the foreign keys that need them.
  for (const c of setAside.constraints) if (c.type !== 'f') await add(c);
  for (const index of setAside.indexes) await tx.exec(index.definition);
  for (const c of setAside.constraints) if (c.type === 'f') await add(c);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

type ColumnType = 'uuid' | 'text' | 'date' | 'boolean';

interface Column<R> {
  name: string;
  type: ColumnType;
  // One small function per column: reading row[name] with a changing name is a slow, generic
  // property lookup once millions of rows go through it.
  get: (row: R, passwordHash: string) => unknown;
  /** An SQL expression over the unnested value when the column needs more than a cast. */
  expr?: string;
}

interface Table {
  name: string;
  key: keyof DemoData;
  columns: Column<never>[];
  /** Rows per statement: bigger chunks mean fewer round trips but larger parameters. */
  chunk: number;
  sql: string;
}

function table<K extends keyof DemoData>(name: string, key: K, chunk: number, columns: Column<DemoData[K][number]>[]): Table {
  const names = columns.map((c) => c.name);
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`);
  const selects = columns.map((c) => c.expr ?? c.name);
  const sql = `INSERT INTO ${name} (${names.join(', ')})
    SELECT ${selects.join(', ')} FROM unnest(${arrays.join(', ')}) AS t(${names.join(', ')})`;
  return { name, key, chunk, columns: columns as Column<never>[], sql };
}

function column<R>(name: string, type: ColumnType, get: (row: R, passwordHash: string) => unknown, expr?: string): Column<R> {
  return { name, type, get, expr };
}

// Keys contain no control characters, so the unit separator splits them back unambiguously;
// unnest cannot take a text[][] of ragged rows.
const KEY_SEPARATOR = '\u001f';

const tables: Table[] = [
  table('partnership', 'partnerships', 1000, [column('id', 'uuid', (r) => r.id), column('name', 'text', (r) => r.name)]),
  table('district', 'districts', 1000, [
    column('id', 'uuid', (r) => r.id), column('partnership_id', 'uuid', (r) => r.partnership_id), column('name', 'text', (r) => r.name),
  ]),
  table('agency', 'agencies', 1000, [
    column('id', 'uuid', (r) => r.id), column('partnership_id', 'uuid', (r) => r.partnership_id),
    column('name', 'text', (r) => r.name), column('kind', 'text', (r) => r.kind),
  ]),
  table('team', 'teams', 1000, [
    column('id', 'uuid', (r) => r.id), column('agency_id', 'uuid', (r) => r.agency_id), column('name', 'text', (r) => r.name),
  ]),
  table('app_user', 'users', 1000, [
    column('id', 'uuid', (r) => r.id), column('email', 'text', (r) => r.email), column('display_name', 'text', (r) => r.display_name),
    column('job_title', 'text', (r) => r.job_title), column('password_hash', 'text', (_r, hash) => hash),
    column('role', 'text', (r) => r.role), column('agency_id', 'uuid', (r) => r.agency_id),
    column('team_id', 'uuid', (r) => r.team_id), column('active', 'boolean', (r) => r.active),
  ]),
  table('team_manager', 'teamManagers', 1000, [column('team_id', 'uuid', (r) => r.team_id), column('user_id', 'uuid', (r) => r.user_id)]),
  table('family', 'families', 10000, [
    column('id', 'uuid', (r) => r.id), column('reference', 'text', (r) => r.reference), column('family_name', 'text', (r) => r.family_name),
    column('address_line1', 'text', (r) => r.address_line1), column('address_line2', 'text', (r) => r.address_line2),
    column('town', 'text', (r) => r.town), column('postcode', 'text', (r) => r.postcode),
    column('postcode_key', 'text', (r) => r.postcode_key), column('district_id', 'uuid', (r) => r.district_id),
  ]),
  table('person', 'persons', 10000, [
    column('id', 'uuid', (r) => r.id), column('family_id', 'uuid', (r) => r.family_id),
    column('given_name', 'text', (r) => r.given_name), column('family_name', 'text', (r) => r.family_name),
    column('date_of_birth', 'date', (r) => r.date_of_birth), column('expected_date', 'date', (r) => r.expected_date),
    column('sex', 'text', (r) => r.sex), column('member_type', 'text', (r) => r.member_type), column('role', 'text', (r) => r.role),
    column('search_keys', 'text', (r) => r.search_keys.join(KEY_SEPARATOR), 'string_to_array(search_keys, chr(31))'),
  ]),
  table('relationship', 'relationships', 20000, [
    column('id', 'uuid', (r) => r.id), column('family_id', 'uuid', (r) => r.family_id), column('person_id', 'uuid', (r) => r.person_id),
    column('related_person_id', 'uuid', (r) => r.related_person_id), column('kind', 'text', (r) => r.kind),
  ]),
  table('legal_status', 'legalStatuses', 20000, [
    column('id', 'uuid', (r) => r.id), column('person_id', 'uuid', (r) => r.person_id), column('status', 'text', (r) => r.status),
    column('start_date', 'date', (r) => r.start_date), column('end_date', 'date', (r) => r.end_date),
    column('recorded_by', 'uuid', (r) => r.recorded_by),
  ]),
  table('need', 'needs', 20000, [
    column('id', 'uuid', (r) => r.id), column('person_id', 'uuid', (r) => r.person_id), column('need_type', 'text', (r) => r.need_type),
    column('code', 'text', (r) => r.code), column('source_agency_id', 'uuid', (r) => r.source_agency_id),
    column('identified_on', 'date', (r) => r.identified_on), column('is_current', 'boolean', (r) => r.is_current),
    column('notes', 'text', (r) => r.notes), column('recorded_by', 'uuid', (r) => r.recorded_by),
  ]),
  table('family_professional', 'familyProfessionals', 20000, [
    column('id', 'uuid', (r) => r.id), column('family_id', 'uuid', (r) => r.family_id), column('user_id', 'uuid', (r) => r.user_id),
    column('role_in_family', 'text', (r) => r.role_in_family), column('is_lead', 'boolean', (r) => r.is_lead),
    column('joined_on', 'date', (r) => r.joined_on), column('left_on', 'date', (r) => r.left_on),
  ]),
];

type Encoder = (values: unknown[], type: ColumnType) => string | Buffer;

/** Column arrays as the parameters of one statement: values gathered from the rows, then encoded. */
function chunkParams(table: Table, rows: readonly object[], from: number, to: number, passwordHash: string, encode: Encoder): (string | Buffer)[] {
  const values = new Array<unknown>(to - from);
  return table.columns.map(({ type, get }) => {
    for (let i = from; i < to; i++) values[i - from] = get(rows[i] as never, passwordHash);
    return encode(values, type);
  });
}

/** A PostgreSQL array literal, '{"a","b",NULL}': what PGlite takes. */
function textArray(values: unknown[], type: ColumnType): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    parts[i] = value === null || value === undefined ? 'NULL'
      : type === 'text' ? quoteElement(value as string)
      : type === 'boolean' ? (value ? 't' : 'f')
      : (value as string);
  }
  return `{${parts.join(',')}}`;
}

function quoteElement(s: string): string {
  return s.includes('"') || s.includes('\\') ? `"${s.replace(/[\\"]/g, '\\$&')}"` : `"${s}"`;
}

// PostgreSQL's binary array format, which node-postgres sends for Buffer parameters. The server
// then copies 16 bytes per uuid and 4 per date instead of parsing text: measured at under half
// the server CPU of array literals, the bottleneck of a large seed.
const ELEMENT_OID: Record<ColumnType, number> = { uuid: 2950, text: 25, date: 1082, boolean: 16 };
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const DAYS_1970_TO_2000 = 10957; // PostgreSQL counts dates from 2000-01-01

function binaryArray(values: unknown[], type: ColumnType): Buffer {
  let size = 20;
  let hasNull = 0;
  for (const value of values) {
    if (value === null || value === undefined) {
      hasNull = 1;
      size += 4;
    } else {
      size += 4 + (type === 'uuid' ? 16 : type === 'date' ? 4 : type === 'boolean' ? 1 : Buffer.byteLength(value as string));
    }
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(hasNull, 4);
  out.writeInt32BE(ELEMENT_OID[type], 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = 20;
  // Rows arrive grouped by family and person, so a foreign key often repeats the value before:
  // copying its bytes is cheaper than decoding the text again.
  let previous: unknown = null;
  let previousAt = 0;
  for (const value of values) {
    if (value === null || value === undefined) {
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    if (type === 'uuid') {
      out.writeInt32BE(16, at);
      at += 4;
      if (value === previous) {
        for (let i = 0; i < 16; i++) out[at + i] = out[previousAt + i];
      } else {
        writeUuid(out, at, value as string);
        previous = value;
        previousAt = at;
      }
      at += 16;
    } else if (type === 'date') {
      out.writeInt32BE(4, at);
      out.writeInt32BE(daysSince1970(value as string) - DAYS_1970_TO_2000, at + 4);
      at += 8;
    } else if (type === 'boolean') {
      out.writeInt32BE(1, at);
      out[at + 4] = value ? 1 : 0;
      at += 5;
    } else {
      const length = out.write(value as string, at + 4, 'utf8');
      out.writeInt32BE(length, at);
      at += 4 + length;
    }
  }
  return out;
}

// Where the 16 pairs of hex digits start in 8-4-4-4-12.
const UUID_PAIRS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function writeUuid(out: Buffer, at: number, uuid: string): void {
  let bad = uuid.length === 36 && uuid.charCodeAt(8) === 45 && uuid.charCodeAt(13) === 45
    && uuid.charCodeAt(18) === 45 && uuid.charCodeAt(23) === 45 ? 0 : -1;
  for (let k = 0; k < 16; k++) {
    const i = UUID_PAIRS[k];
    const high = HEX_VALUE[uuid.charCodeAt(i) & 255];
    const low = HEX_VALUE[uuid.charCodeAt(i + 1) & 255];
    bad |= high | low;
    out[at + k] = (high << 4) | low;
  }
  if (bad < 0) throw new Error(`Not a UUID: '${uuid}'`);
}

/** 'YYYY-MM-DD' to days since 1970-01-01, without a Date per value (days_from_civil). */
function daysSince1970(iso: string): number {
  let y = (iso.charCodeAt(0) - 48) * 1000 + (iso.charCodeAt(1) - 48) * 100 + (iso.charCodeAt(2) - 48) * 10 + (iso.charCodeAt(3) - 48);
  const m = (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48);
  const d = (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48);
  if (iso.length !== 10 || !(m >= 1 && m <= 12 && d >= 1 && d <= 31)) throw new Error(`Not a date: '${iso}'`);
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * One statement per chunk, pipelined: the next chunk is encoded (and the next batch generated)
 * while the server is still inserting the previous one, so the client and the server work at
 * the same time.
 */
async function insertAll(tx: Queryable, batches: Iterable<DemoData>, passwordHash: string, encode: Encoder, counts: SeedResult): Promise<void> {
  let pending: Promise<unknown> | null = null;
  for (const batch of batches) {
    counts.families += batch.families.length;
    counts.people += batch.persons.length;
    counts.users += batch.users.length;
    for (const table of tables) {
      const rows = batch[table.key] as readonly object[];
      for (let from = 0; from < rows.length; from += table.chunk) {
        const params = chunkParams(table, rows, from, Math.min(rows.length, from + table.chunk), passwordHash, encode);
        if (pending) await pending;
        pending = tx.query(table.sql, params);
      }
    }
  }
  if (pending) await pending;
}

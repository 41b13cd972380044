/**
 * Loads the generated Northvale demo into an empty, migrated database.
 *
 * Rows go in as column arrays through `INSERT ... SELECT FROM unnest(...)`: one statement per
 * chunk instead of one per row, which is what makes 100,000 families practical on both
 * PostgreSQL and PGlite. Everything lands in one transaction, so a failed seed leaves nothing.
 */
import type { Database, Queryable } from '../../db/database.ts';
import { todayIso } from '../../domain/dates.ts';
import { generateDemo, type DemoData } from '../../domain/demo/generator.ts';

export interface SeedOptions {
  families: number;
  seed: number;
  /** YYYY-MM-DD; defaults to today. */
  today?: string;
  /** One argon2id hash shared by every demo user. */
  passwordHash: string;
}

export interface SeedResult {
  families: number;
  people: number;
  users: number;
}

export async function seedDemo(db: Database, options: SeedOptions): Promise<SeedResult> {
  const data = generateDemo({ families: options.families, seed: options.seed, today: options.today ?? todayIso() });
  return insertDemo(db, data, options.passwordHash);
}

/** Inserts already-generated rows; separate from seedDemo so a benchmark can time the two apart. */
export async function insertDemo(db: Database, data: DemoData, passwordHash: string): Promise<SeedResult> {
  await db.transaction(async (tx) => {
    const [{ found }] = await tx.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM family) AS found');
    if (found) {
      throw new Error('This database already has families. The demo can only be seeded into an empty database.');
    }
    const deferred = await setAsideChecksAndIndexes(tx, tables.map((t) => t.name));
    for (const table of tables) await insertRows(tx, table, data[table.key] as readonly object[], passwordHash);
    await restoreChecksAndIndexes(tx, deferred);
    const highest = data.families.length;
    // Later references carry on from the demo's (setval's third argument false: 1 is still unused).
    await tx.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', ['family_reference_seq', Math.max(highest, 1), highest > 0]);
  });
  // Fresh statistics, so the first queries over a large demo get sensible plans.
  await db.exec('ANALYZE');
  return { families: data.families.length, people: data.persons.length, users: data.users.length };
}

interface SetAside {
  foreignKeys: { table: string; name: string; definition: string }[];
  indexes: { definition: string }[];
}

/**
 * PostgreSQL's advice for bulk loads ("Populating a Database"): drop foreign keys and secondary
 * indexes, load, then recreate them. Checking a foreign key row by row costs a query per row
 * (millions for a large demo); re-adding it checks every row in one join, and an index built
 * once is cheaper than one maintained row by row. Read from the catalogue, not hard-coded, so
 * later migrations are covered; inside the seed's transaction, so a failure restores them.
 */
async function setAsideChecksAndIndexes(tx: Queryable, tableNames: string[]): Promise<SetAside> {
  const foreignKeys = await tx.query<{ table: string; name: string; definition: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::regclass[]) ORDER BY oid`,
    [tableNames],
  );
  // Indexes that back a constraint (primary keys, unique constraints, foreign key targets) stay.
  const indexes = await tx.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY i.indexrelid`,
    [tableNames],
  );
  for (const fk of foreignKeys) await tx.exec(`ALTER TABLE ${fk.table} DROP CONSTRAINT ${quoteIdent(fk.name)}`);
  for (const index of indexes) await tx.exec(`DROP INDEX ${index.name}`);
  return { foreignKeys, indexes };
}

async function restoreChecksAndIndexes(tx: Queryable, setAside: SetAside): Promise<void> {
  for (const index of setAside.indexes) await tx.exec(index.definition);
  for (const fk of setAside.foreignKeys) {
    await tx.exec(`ALTER TABLE ${fk.table} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface Column {
  name: string;
  type: 'uuid' | 'text' | 'date' | 'boolean';
  /** An SQL expression over the unnested value when the column needs more than a cast. */
  expr?: string;
  get?: (row: Record<string, unknown>, passwordHash: string) => unknown;
}

interface Table {
  name: string;
  key: keyof DemoData;
  columns: Column[];
  /** Rows per statement: bigger chunks mean fewer round trips but larger parameter strings. */
  chunk: number;
}

// Keys contain no control characters, so the unit separator splits them back unambiguously;
// unnest cannot take a text[][] of ragged rows.
const KEY_SEPARATOR = '\u001f';

const col = (name: string, type: Column['type'], extra: Partial<Column> = {}): Column => ({ name, type, ...extra });

const tables: Table[] = [
  { name: 'partnership', key: 'partnerships', chunk: 1000, columns: [col('id', 'uuid'), col('name', 'text')] },
  { name: 'district', key: 'districts', chunk: 1000, columns: [col('id', 'uuid'), col('partnership_id', 'uuid'), col('name', 'text')] },
  { name: 'agency', key: 'agencies', chunk: 1000, columns: [col('id', 'uuid'), col('partnership_id', 'uuid'), col('name', 'text'), col('kind', 'text')] },
  { name: 'team', key: 'teams', chunk: 1000, columns: [col('id', 'uuid'), col('agency_id', 'uuid'), col('name', 'text')] },
  {
    name: 'app_user', key: 'users', chunk: 1000, columns: [
      col('id', 'uuid'), col('email', 'text'), col('display_name', 'text'), col('job_title', 'text'),
      col('password_hash', 'text', { get: (_row, hash) => hash }),
      col('role', 'text'), col('agency_id', 'uuid'), col('team_id', 'uuid'), col('active', 'boolean'),
    ],
  },
  { name: 'team_manager', key: 'teamManagers', chunk: 1000, columns: [col('team_id', 'uuid'), col('user_id', 'uuid')] },
  {
    name: 'family', key: 'families', chunk: 10000, columns: [
      col('id', 'uuid'), col('reference', 'text'), col('family_name', 'text'), col('address_line1', 'text'),
      col('address_line2', 'text'), col('town', 'text'), col('postcode', 'text'), col('postcode_key', 'text'),
      col('district_id', 'uuid'),
    ],
  },
  {
    name: 'person', key: 'persons', chunk: 10000, columns: [
      col('id', 'uuid'), col('family_id', 'uuid'), col('given_name', 'text'), col('family_name', 'text'),
      col('date_of_birth', 'date'), col('expected_date', 'date'), col('sex', 'text'), col('member_type', 'text'),
      col('role', 'text'),
      col('search_keys', 'text', {
        get: (row) => (row.search_keys as string[]).join(KEY_SEPARATOR),
        expr: `string_to_array(search_keys, chr(31))`,
      }),
    ],
  },
  {
    name: 'relationship', key: 'relationships', chunk: 20000, columns: [
      col('id', 'uuid'), col('family_id', 'uuid'), col('person_id', 'uuid'), col('related_person_id', 'uuid'), col('kind', 'text'),
    ],
  },
  {
    name: 'legal_status', key: 'legalStatuses', chunk: 20000, columns: [
      col('id', 'uuid'), col('person_id', 'uuid'), col('status', 'text'), col('start_date', 'date'),
      col('end_date', 'date'), col('recorded_by', 'uuid'),
    ],
  },
  {
    name: 'need', key: 'needs', chunk: 20000, columns: [
      col('id', 'uuid'), col('person_id', 'uuid'), col('need_type', 'text'), col('code', 'text'),
      col('source_agency_id', 'uuid'), col('identified_on', 'date'), col('is_current', 'boolean'),
      col('notes', 'text'), col('recorded_by', 'uuid'),
    ],
  },
  {
    name: 'family_professional', key: 'familyProfessionals', chunk: 20000, columns: [
      col('id', 'uuid'), col('family_id', 'uuid'), col('user_id', 'uuid'), col('role_in_family', 'text'),
      col('is_lead', 'boolean'), col('joined_on', 'date'), col('left_on', 'date'),
    ],
  },
];

function insertSql(table: Table): string {
  const names = table.columns.map((c) => c.name);
  const arrays = table.columns.map((c, i) => `$${i + 1}::${c.type}[]`);
  const selects = table.columns.map((c) => c.expr ?? c.name);
  return `INSERT INTO ${table.name} (${names.join(', ')})
    SELECT ${selects.join(', ')} FROM unnest(${arrays.join(', ')}) AS t(${names.join(', ')})`;
}

async function insertRows(tx: Queryable, table: Table, rows: readonly object[], passwordHash: string): Promise<void> {
  const sql = insertSql(table);
  for (let start = 0; start < rows.length; start += table.chunk) {
    const chunk = rows.slice(start, start + table.chunk) as Record<string, unknown>[];
    const params = table.columns.map((c) => {
      const values = new Array<unknown>(chunk.length);
      const get = c.get;
      for (let i = 0; i < chunk.length; i++) values[i] = get ? get(chunk[i], passwordHash) : chunk[i][c.name];
      return values;
    });
    await tx.query(sql, params);
  }
}

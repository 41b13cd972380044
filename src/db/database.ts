import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { appRole, grantAppRole } from './roles.ts';

export interface QueryOptions {
  /**
   * false: plan this statement afresh on every call. For statements whose best plan depends on the
   * values (search), where a cached generic plan can be many times slower.
   */
  prepare?: boolean;
}

/** Something SQL can be run against: the database, or one open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn in one transaction: all of its writes (and its audit rows) land together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Dates stay as 'YYYY-MM-DD' strings on both engines: a date of birth has no time zone.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(20, (v: string) => Number(v));

/**
 * Every statement is sent as a named prepared statement, so each pooled connection parses and plans
 * a query once instead of on every request (planning cost more than running for the family page).
 */
const statementNames = new Map<string, string>();
const maxPreparedStatements = 5000;
function prepared(text: string, values: unknown[], options?: QueryOptions) {
  if (options?.prepare === false) return { text, values };
  let name = statementNames.get(text);
  // Statement texts are fixed in the repositories; the cap only guards against an unforeseen dynamic one.
  if (!name && statementNames.size < maxPreparedStatements) statementNames.set(text, (name = `lantern_${statementNames.size + 1}`));
  return name ? { name, text, values } : { text, values };
}

export function postgresDatabase(connectionString: string, maxConnections = 10, options: { role?: string } = {}): Database {
  // role: every connection switches to this role as it opens (a single-user install's app role).
  const pool = new pg.Pool({ connectionString, max: maxConnections, ...(options.role ? { options: `-c role=${options.role}` } : {}) });
  // An idle connection the server ends (restart, failover, a dropped database) must not crash the
  // process: the pool discards that client and opens a new one on the next query.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL connection lost: ${error.message}`);
  });
  return {
    engine: 'postgres',
    async query<T>(sql: string, params: unknown[] = [], options?: QueryOptions) {
      const result = await pool.query(prepared(sql, params, options));
      return result.rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // One connection runs one statement at a time, and pg 9 will refuse a query sent while another
      // is running: statements a use case starts together (Promise.all) wait their turn here.
      let previous: Promise<unknown> = Promise.resolve();
      const inTurn = <R>(run: () => Promise<R>): Promise<R> => {
        const next = previous.then(run, run);
        previous = next.catch(() => undefined);
        return next;
      };
      try {
        await inTurn(() => client.query('BEGIN'));
        const tx: Queryable = {
          async query<R>(sql: string, params: unknown[] = [], options?: QueryOptions) {
            return (await inTurn(() => client.query(prepared(sql, params, options)))).rows as R[];
          },
          async exec(sql: string) {
            await inTurn(() => client.query(sql));
          },
        };
        const value = await fn(tx);
        await inTurn(() => client.query('COMMIT'));
        return value;
      } catch (error) {
        // After statements still running when the use case failed (a Promise.all that rejected early).
        await inTurn(() => client.query('ROLLBACK'));
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const pgliteParsers = { 1082: (v: string) => v, 20: (v: string) => Number(v) };

/**
 * asOwner: PGlite has one connection, which the app switches to the app role after migrating;
 * this view of it runs everything in a transaction as the connecting (owning) role instead,
 * for migrations and the demo seed.
 */
export function pgliteDatabase(pglite: PGlite, options: { asOwner?: boolean } = {}): Database {
  if (options.asOwner) {
    const self = pgliteDatabase(pglite);
    const owned = <T>(fn: (tx: Queryable) => Promise<T>) => self.transaction(async (tx) => {
      await tx.exec('SET LOCAL ROLE NONE');
      return fn(tx);
    });
    return {
      ...self,
      query: (sql, params, queryOptions) => owned((tx) => tx.query(sql, params, queryOptions)),
      exec: (sql) => owned((tx) => tx.exec(sql)),
      transaction: owned,
    };
  }
  return {
    engine: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await pglite.query<T>(sql, params, { parsers: pgliteParsers });
      return result.rows;
    },
    async exec(sql: string) {
      await pglite.exec(sql);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return pglite.transaction(async (inner) => {
        const tx: Queryable = {
          async query<R>(sql: string, params: unknown[] = []) {
            return (await inner.query<R>(sql, params, { parsers: pgliteParsers })).rows;
          },
          async exec(sql: string) {
            await inner.exec(sql);
          },
        };
        return fn(tx);
      });
    },
    close: () => pglite.close(),
  };
}

/**
 * The app's database, migrated, and the owner's beside it. The owner (DATABASE_OWNER_URL, else
 * DATABASE_URL) applies migrations and grants the app role; the app then runs as that role:
 * through its own login when DATABASE_URL names a different user, else by switching to it on
 * each connection (PostgreSQL) or on PGlite's one connection, so a missing grant fails the same
 * way on both engines.
 */
export async function openMigrated(options: { databaseUrl?: string; ownerUrl?: string; dataDir?: string }): Promise<{ db: Database; owner: Database; applied: string[]; close(): Promise<void> }> {
  if (options.databaseUrl) {
    const ownerUrl = options.ownerUrl || options.databaseUrl;
    const owner = postgresDatabase(ownerUrl, 2);
    const applied = await migrate(owner);
    const sameLogin = ownerUrl === options.databaseUrl;
    const hasRole = sameLogin ? await grantedTo(owner) : false;
    const db = postgresDatabase(options.databaseUrl, 10, hasRole ? { role: appRole } : {});
    return { db, owner, applied, close: async () => { await db.close(); await owner.close(); } };
  }
  const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pglite.waitReady;
  const owner = pgliteDatabase(pglite, { asOwner: true });
  const applied = await migrate(owner);
  await pglite.exec(`SET ROLE ${appRole}`);
  const db = pgliteDatabase(pglite);
  return { db, owner, applied, close: () => pglite.close() };
}

/** Whether the owner's login may switch to the app role (it made the role, or is a member or superuser). */
async function grantedTo(owner: Database): Promise<boolean> {
  const [row] = await owner.query<{ ok: boolean }>(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS ok FROM pg_roles WHERE rolname = $1`, [appRole]);
  return Boolean(row?.ok);
}

/** DATABASE_URL selects a PostgreSQL server; otherwise PGlite keeps its files under dataDir. */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<Database> {
  if (options.databaseUrl) return postgresDatabase(options.databaseUrl);
  const pglite = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await pglite.waitReady;
  return pgliteDatabase(pglite);
}

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies each migration file not yet applied, in name order, each in its own transaction. */
export async function migrate(db: Database): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migration (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migration')).map((r) => r.name));
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = await readFile(path.join(migrationsDir, file), 'utf8');
    await db.transaction(async (tx) => {
      await tx.exec(sql);
      await tx.query('INSERT INTO schema_migration (name) VALUES ($1)', [file]);
    });
    done.push(file);
  }
  await grantAppRole(db);
  return done;
}


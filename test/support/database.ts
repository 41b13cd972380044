import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { migrate, pgliteDatabase, postgresDatabase, type Database } from '../../src/db/database.ts';
import { appRole } from '../../src/db/roles.ts';

export type Engine = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too whenever DATABASE_URL is set. */
export const engines: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  /** The app's connection, as the app role (lantern_app): what every service and page uses. */
  db: Database;
  /** The owning role's, which migrated the database: for the demo seed's bulk load and schema checks. */
  owner: Database;
  drop(): Promise<void>;
}

async function pgliteCopy(): Promise<TestDatabase> {
  const snapshot = process.env.LANTERN_TEST_SNAPSHOT;
  let pglite: PGlite;
  if (snapshot) {
    pglite = await PGlite.create({ loadDataDir: new Blob([await readFile(snapshot)]) });
  } else {
    pglite = await PGlite.create();
  }
  const owner = pgliteDatabase(pglite, { asOwner: true });
  await migrate(owner);
  // As the app runs (openMigrated): switched to the app role, so a missing grant fails here too.
  await pglite.exec(`SET ROLE ${appRole}`);
  const db = pgliteDatabase(pglite);
  return { db, owner, drop: () => db.close() };
}

/** A new, migrated database of its own on the server, dropped afterwards, so test files never share state. */
async function postgresCopy(): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const name = `lantern_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const owner = postgresDatabase(url.toString(), 2);
  await migrate(owner);
  // The app logs in as its own role (trust authentication on the test server), as in production.
  url.username = appRole;
  url.password = '';
  const db = postgresDatabase(url.toString(), 5);
  return {
    db, owner,
    async drop() {
      await db.close();
      await owner.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function testDatabase(engine: Engine): Promise<TestDatabase> {
  return engine === 'pglite' ? pgliteCopy() : postgresCopy();
}

import { randomBytes } from 'node:crypto';
import { migrate, openDatabase, type Database } from '../src/db/database.ts';

/**
 * A migrated database of its own for one bench run: a new database on the server when DATABASE_URL
 * is set (dropped by `drop`), otherwise an in-memory PGlite.
 */
export async function benchDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) {
    const db = await openDatabase({});
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const admin = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
  const name = `lantern_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

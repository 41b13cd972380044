import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import { makePartnership, makeUser } from '../support/factories.ts';
import { migrate, openMigrated } from '../../src/db/database.ts';
import { appRole } from '../../src/db/roles.ts';

describe.each(engines)('least privilege in the database on %s', (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await testDatabase(engine);
    const p = await makePartnership(t.db);
    await makeUser(t.db, { agencyId: p.agencies.police });
    await t.db.query(`INSERT INTO audit_event (action, record_type, outcome) VALUES ('test', 'test', 'allowed')`);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('runs the app as the app role', async () => {
    const [{ role }] = await t.db.query<{ role: string }>('SELECT current_user AS role');
    expect(role).toBe(appRole);
  });

  it('lets the app add and read audit rows but never change, remove or stop them', async () => {
    expect((await t.db.query('SELECT id FROM audit_event')).length).toBeGreaterThan(0);
    await expect(t.db.query('UPDATE audit_event SET outcome = $1', ['denied'])).rejects.toThrow(/permission denied/);
    await expect(t.db.query('DELETE FROM audit_event')).rejects.toThrow(/permission denied/);
    await expect(t.db.exec('TRUNCATE audit_event')).rejects.toThrow(/permission denied/);
    await expect(t.db.exec('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update')).rejects.toThrow(/must be owner/);
    await expect(t.db.exec('ALTER TABLE app_user ADD COLUMN extra text')).rejects.toThrow(/must be owner/);
    await expect(t.db.exec('DROP TABLE family')).rejects.toThrow(/must be owner/);
    await expect(t.db.exec('CREATE TABLE smuggled (id int)')).rejects.toThrow(/permission denied/);
    await expect(t.db.exec('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
    await expect(t.db.query('INSERT INTO schema_migration (name) VALUES ($1)', ['999_fake.sql'])).rejects.toThrow(/permission denied/);
  });

  it('covers tables that later migrations create, and migrating again changes nothing', async () => {
    await t.owner.exec('CREATE TABLE later_feature (id int PRIMARY KEY, note text)');
    await t.db.query('INSERT INTO later_feature (id, note) VALUES (1, $1)', ['new']);
    await t.db.query('UPDATE later_feature SET note = $1', ['changed']);
    expect(await t.db.query('SELECT note FROM later_feature')).toEqual([{ note: 'changed' }]);
    expect(await migrate(t.owner)).toEqual([]);
    await expect(t.db.query('DELETE FROM audit_event')).rejects.toThrow(/permission denied/);
  });
});

// Only with a PostgreSQL server (DATABASE_URL); PGlite's own switch is covered above.
describe.each(engines.filter((e) => e === 'postgres'))('a single-login install on %s', () => {
  it('migrates as the login it is given and serves as the app role on every connection', async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const name = `lantern_single_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const opened = await openMigrated({ databaseUrl: url.toString() });
    try {
      expect(opened.applied.length).toBeGreaterThan(0);
      const users = await Promise.all([1, 2, 3].map(() => opened.db.query<{ user: string }>('SELECT current_user AS user')));
      expect(users.flat().map((r) => r.user)).toEqual([appRole, appRole, appRole]);
      await expect(opened.db.exec('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update')).rejects.toThrow(/must be owner/);
      expect((await opened.owner.query<{ user: string }>('SELECT current_user AS user'))[0].user).not.toBe(appRole);
    } finally {
      await opened.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

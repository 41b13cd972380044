import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '../../db/database.ts';
import { demoSignIns, generateDemo } from '../../domain/demo/generator.ts';
import { seedDemo } from './seed.ts';

const today = '2025-06-01';
const options = { families: 200, seed: 11, today, passwordHash: '$argon2id$test' };
const expected = generateDemo(options);

interface Engine {
  name: 'pglite' | 'postgres';
  open(): Promise<{ db: Database; drop(): Promise<void> }>;
}

const engines: Engine[] = [{
  name: 'pglite',
  async open() {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  },
}];

const adminUrl = process.env.DATABASE_URL;
if (adminUrl) {
  engines.push({
    name: 'postgres',
    // A database of its own, so the test never meets another test's rows.
    async open() {
      const admin = await openDatabase({ databaseUrl: adminUrl });
      const name = `lantern_seed_${randomBytes(6).toString('hex')}`;
      await admin.exec(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: url.toString() });
      return {
        db,
        async drop() {
          await db.close();
          // Closed connections linger a moment on the server; forcing them out would make their
          // clients report an error after the test, so wait for them to go.
          for (let i = 0; i < 50; i++) {
            const [{ n }] = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
            if (n === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
          await admin.close();
        },
      };
    },
  });
}

/** Every constraint and index, as the catalogue describes them: the seed sets them aside and must put them all back. */
function schema(db: Database) {
  return db.query(`
    SELECT 'constraint' AS kind, conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
    ORDER BY 1, 2, 3`);
}

describe.each(engines)('seedDemo on $name', (engine) => {
  let db: Database;
  let drop: () => Promise<void>;
  let result: Awaited<ReturnType<typeof seedDemo>>;
  let schemaBefore: unknown[];

  beforeAll(async () => {
    ({ db, drop } = await engine.open());
    await migrate(db);
    schemaBefore = await schema(db);
    result = await seedDemo(db, options);
  });
  afterAll(async () => {
    await drop?.();
  });

  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('inserts every generated row', async () => {
    expect(result).toEqual({ families: 200, people: expected.persons.length, users: expected.users.length });
    const tables: [string, unknown[]][] = [
      ['partnership', expected.partnerships], ['district', expected.districts], ['agency', expected.agencies],
      ['team', expected.teams], ['app_user', expected.users], ['team_manager', expected.teamManagers],
      ['family', expected.families], ['person', expected.persons], ['relationship', expected.relationships],
      ['legal_status', expected.legalStatuses], ['need', expected.needs], ['family_professional', expected.familyProfessionals],
    ];
    for (const [table, rows] of tables) expect(await count(table), table).toBe(rows.length);
  });

  it('stores a family and its members exactly as generated', async () => {
    const family = expected.families[3];
    const [stored] = await db.query<Record<string, unknown>>(
      `SELECT id, reference, family_name, address_line1, address_line2, town, postcode, postcode_key, district_id
         FROM family WHERE reference = $1`, [family.reference]);
    expect(stored).toEqual(family);
    const members = expected.persons.filter((p) => p.family_id === family.id);
    const storedMembers = await db.query<Record<string, unknown>>(
      `SELECT id, family_id, given_name, family_name, date_of_birth, expected_date, sex, member_type, role, search_keys
         FROM person WHERE family_id = $1`, [family.id]);
    expect(storedMembers).toEqual(expect.arrayContaining(members));
    expect(storedMembers).toHaveLength(members.length);
  });

  it('round-trips every person, need and legal status unchanged', async () => {
    const persons = await db.query(`SELECT id, family_id, given_name, family_name, date_of_birth, expected_date, sex, member_type, role, search_keys
      FROM person ORDER BY id`);
    expect(persons).toEqual([...expected.persons].sort((a, b) => (a.id < b.id ? -1 : 1)));
    const needs = await db.query(`SELECT id, person_id, need_type, code, source_agency_id, identified_on, is_current, notes, recorded_by
      FROM need ORDER BY id`);
    expect(needs).toEqual([...expected.needs].sort((a, b) => (a.id < b.id ? -1 : 1)));
    const statuses = await db.query(`SELECT id, person_id, status, start_date, end_date, recorded_by FROM legal_status ORDER BY id`);
    expect(statuses).toEqual([...expected.legalStatuses].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('keeps the references between tables whole', async () => {
    const orphans = await db.query<{ n: number }>(`
      SELECT (SELECT count(*) FROM relationship r JOIN person a ON a.id = r.person_id JOIN person b ON b.id = r.related_person_id
               WHERE a.family_id <> r.family_id OR b.family_id <> r.family_id)::int
           + (SELECT count(*) FROM need n LEFT JOIN agency a ON a.id = n.source_agency_id WHERE a.id IS NULL)::int AS n`);
    expect(orphans[0].n).toBe(0);
    const [lead] = await db.query<{ email: string; families: number }>(`
      SELECT u.email, count(*)::int AS families FROM family_professional fp JOIN app_user u ON u.id = fp.user_id
       WHERE fp.is_lead AND fp.left_on IS NULL AND u.email = $1 GROUP BY u.email`, [demoSignIns[0].email]);
    expect(lead.families).toBeGreaterThanOrEqual(5);
    const [user] = await db.query<{ password_hash: string; role: string }>('SELECT password_hash, role FROM app_user WHERE email = $1', [demoSignIns[1].email]);
    expect(user).toEqual({ password_hash: '$argon2id$test', role: 'manager' });
  });

  it('leaves the foreign keys, indexes and reference sequence in place', async () => {
    expect(await schema(db)).toEqual(schemaBefore);
    const [{ n: foreignKeys }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('need'::regclass, 'relationship'::regclass)`);
    expect(foreignKeys).toBe(6);
    const indexes = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'person'`);
    expect(indexes.map((i) => i.indexname).sort()).toEqual(['person_dob', 'person_family', 'person_pkey', 'person_search_keys']);
    const found = await db.query<{ id: string }>(`SELECT id FROM person WHERE search_keys && $1::text[]`, [expected.persons[0].search_keys]);
    expect(found.map((r) => r.id)).toContain(expected.persons[0].id);
    const [{ next }] = await db.query<{ next: number }>(`SELECT nextval('family_reference_seq')::int AS next`);
    expect(next).toBe(201);
    await expect(db.query(`INSERT INTO need (id, person_id, need_type, code, identified_on)
      VALUES ('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000001', 'cin_factor', '1B', '2025-01-01')`))
      .rejects.toThrow();
  });

  it('refuses to seed a database that already has families', async () => {
    await expect(seedDemo(db, options)).rejects.toThrow(/already has families/);
    expect(await count('family')).toBe(200);
  });
});

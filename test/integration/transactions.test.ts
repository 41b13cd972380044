import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';

describe.each(engines)('statements started together in one transaction on %s', (engine) => {
  let t: TestDatabase;
  const warnings: string[] = [];
  const listen = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

  beforeAll(async () => {
    t = await testDatabase(engine);
    process.on('warning', listen);
  });
  afterAll(async () => {
    process.off('warning', listen);
    await t?.drop();
  });

  it('run one after another on the transaction connection and each gets its own answer', async () => {
    const answers = await t.db.transaction((tx) => Promise.all(
      [1, 2, 3].map((n) => tx.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.01)', [n])),
    ));
    expect(answers.map((rows) => rows[0].n)).toEqual([1, 2, 3]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
  });

  it('roll back together when one of them fails, after the others have finished', async () => {
    const key = `transactions-test-${engine}`;
    await expect(t.db.transaction((tx) => Promise.all([
      tx.query('INSERT INTO setting (key, value) VALUES ($1, $2)', [key, { kept: false }]),
      tx.query('SELECT 1 / 0'),
      tx.query('SELECT pg_sleep(0.01)'),
    ]))).rejects.toThrow(/division by zero/);
    expect(await t.db.query('SELECT key FROM setting WHERE key = $1', [key])).toEqual([]);
    expect(await t.db.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });
});

import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate, pgliteDatabase } from '../../src/db/database.ts';

/** Migrates one PGlite database and saves it, so each test file starts from a copy instead of running initdb. */
export default async function setup() {
  const pglite = new PGlite();
  await migrate(pgliteDatabase(pglite));
  const dump = await pglite.dumpDataDir('none');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-test-'));
  const file = path.join(dir, 'migrated.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  process.env.LANTERN_TEST_SNAPSHOT = file;
  await pglite.close();
}

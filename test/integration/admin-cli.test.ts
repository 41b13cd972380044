import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/db/database.ts';
import { TEST_TODAY } from '../support/clock.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/**
 * The command line a new partnership starts from: `lantern setup` on an empty database (PGlite in
 * a folder of its own), then `user invite`, `token create` and `user disable` as an operator would
 * type them, each in its own process; the database is then read to check what they did.
 */
describe('the administration command line', () => {
  let dir: string;
  const env = () => {
    const { DATABASE_URL: _, DATABASE_OWNER_URL: __, ...rest } = process.env;
    return { ...rest, LANTERN_DATA_DIR: dir, LANTERN_PASSWORD: 'a long enough password', LANTERN_BASE_URL: 'https://lantern.northvale.example', LANTERN_TODAY: TEST_TODAY, LOG_LEVEL: 'silent' };
  };
  const lantern = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [path.join(root, 'bin/lantern.mjs'), ...args], { cwd: root, env: env(), timeout: 60_000 });
      return { code: 0, out: stdout };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lantern-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets up an empty database, invites a person, and disabling them revokes their token', async () => {
    const setup = await lantern('setup', '--partnership', 'Northvale', '--agency', 'Northvale Council', '--agency-type', 'childrens_social_care', '--email', 'ada@northvale.example', '--name', 'Ada Admin');
    expect(setup.out).toContain('Set up Northvale with Northvale Council and the administrator ada@northvale.example');
    expect(setup.code).toBe(0);
    const again = await lantern('setup', '--partnership', 'Other', '--agency', 'Other Council', '--agency-type', 'police', '--email', 'bo@other.example', '--name', 'Bo');
    expect(again.code).not.toBe(0);
    expect(again.out).toContain('This database already has a partnership');

    const invite = await lantern('user', 'invite', '--email', 'sam@northvale.example', '--name', 'Sam Lee', '--role', 'practitioner', '--agency', 'northvale council');
    expect(invite.code).toBe(0);
    expect(invite.out).toMatch(/Give this link to Sam Lee; it works once, for a week:\n {2}https:\/\/lantern\.northvale\.example\/invitations\/[0-9a-f-]{36}\n/);
    const token = await lantern('token', 'create', '--email', 'sam@northvale.example');
    expect(token.out.trim().length).toBeGreaterThan(20);
    const disable = await lantern('user', 'disable', '--email', 'sam@northvale.example');
    expect(disable.out).toContain('Disabled sam@northvale.example: their sessions are ended and their API tokens revoked.');

    const opened = await openMigrated({ dataDir: dir });
    try {
      const [sam] = await opened.db.query<{ active: boolean; revoked: boolean; role: string }>(
        `SELECT u.active, u.role, t.revoked_at IS NOT NULL AS revoked FROM app_user u JOIN api_token t ON t.user_id = u.id WHERE u.email = 'sam@northvale.example'`);
      expect(sam).toEqual({ active: false, role: 'practitioner', revoked: true });
      const [ada] = await opened.db.query<{ role: string }>(`SELECT role FROM app_user WHERE email = 'ada@northvale.example'`);
      expect(ada.role).toBe('administrator');
      const actions = (await opened.db.query<{ action: string }>('SELECT action FROM audit_event ORDER BY id')).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['invite-user', 'disable-user']));
    } finally {
      await opened.close();
    }
  }, 240_000);
});

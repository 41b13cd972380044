import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the request log of `npm start`', () => {
  it('goes to data/lantern.log unless LOG_FILE names another file, or stdout', () => {
    expect(loadConfig({}).logFile).toBe(path.resolve('data/lantern.log'));
    expect(loadConfig({ LOG_FILE: '/var/log/lantern.log' }).logFile).toBe('/var/log/lantern.log');
    expect(loadConfig({ LOG_FILE: 'stdout' }).logFile).toBe('stdout');
  });

  describe('a started server', { timeout: 120_000 }, () => {
    let dir = '';
    let child: ChildProcess | undefined;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child!.once('exit', resolve));
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('keeps the console to the sign-in banner and writes each request to the log file', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'lantern-start-'));
      const port = await freePort();
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
      for (const key of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'LOG_FILE', 'LANTERN_DATA_DIR'] as const) delete env[key];
      // As `npm start` runs it, from a fresh directory: the database and the log go under ./data.
      child = spawn(process.execPath, [path.join(root, 'bin/lantern.mjs'), 'start', '--no-demo'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      const deadline = performance.now() + 100_000;
      while (!stdout.includes('Press Ctrl+C to stop.')) {
        if (child.exitCode !== null || performance.now() > deadline) throw new Error(`lantern start did not start:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${port}/sign-in`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(stdout).toContain('Demo sign-ins');
      expect(stdout).toContain(`Request log: ${path.join(dir, 'data/lantern.log')}`);
      expect(stdout.split('\n').filter((line) => line.trim().startsWith('{'))).toEqual([]);
      const log = (await readFile(path.join(dir, 'data/lantern.log'), 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { req?: { url?: string } });
      expect(log.filter((entry) => entry.req?.url === '/sign-in')).toHaveLength(3);
    });
  });
});

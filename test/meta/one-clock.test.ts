import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One clock: only src/clock.ts asks the machine what time it is. Everything else takes the clock
 * made in the composition root, so the tests (and a demo on a fixed date) see the same day
 * everywhere. This scans TypeScript and the SQL inside it, and the migrations.
 */
const readsOfTheMachineClock: { pattern: RegExp; what: string }[] = [
  { pattern: /new Date\(\s*\)/, what: 'new Date()' },
  { pattern: /\bDate\.now\(\)/, what: 'Date.now()' },
  { pattern: /\btodayIso\(\s*\)/, what: 'todayIso()' },
  // SQL: now() but not clock.now() or performance.now(), and the standard's other names for it.
  { pattern: /(?<![.\w])now\(\)/i, what: 'SQL now()' },
  // SQL's keywords in either case, but not a camelCase identifier such as localTime.
  { pattern: /(?<![\w.])(current_date|current_timestamp|localtimestamp|localtime|CURRENT_DATE|CURRENT_TIMESTAMP|LOCALTIMESTAMP|LOCALTIME)(?![\w(])|(?<![\w.])(clock_timestamp|statement_timestamp|transaction_timestamp)\s*\(/, what: 'SQL current date or time' },
];

/** Each exception names its file, the line it allows, and why. */
const allowed: { file: string; line: RegExp; why: string }[] = [
  { file: 'src/clock.ts', line: /Date\.now\(\)/, why: 'the clock itself: the one reader of the machine clock' },
  { file: 'src/domain/clock.ts', line: /\bnow\(\)/, why: "the clock's interface and arithmetic, over the time source it is given" },
  { file: 'src/db/database.ts', line: /applied_at timestamptz NOT NULL DEFAULT now\(\)/, why: 'records when a migration was applied, a row-write time no one plans by' },
];

/** In migrations a column default records when a row was written; any other use is a finding. */
const migrationDefault = /\bDEFAULT now\(\)/i;

export function findClockReads(file: string, text: string): string[] {
  const findings: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/^\s*(\/\/|\*|\/\*).*$/, '');
    for (const { pattern, what } of readsOfTheMachineClock) {
      if (!pattern.test(code)) continue;
      if (file.endsWith('.sql') && migrationDefault.test(code) && !code.replace(migrationDefault, '').match(pattern)) continue;
      if (allowed.some((a) => a.file === file && a.line.test(code))) continue;
      findings.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
    }
  });
  return findings;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map(async (e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testdata' ? [] : sourceFiles(full);
    return /\.(ts|sql)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [full] : [];
  }));
  return nested.flat();
}

describe('one clock', () => {
  it('finds each way of reading the machine clock, in code and in SQL', () => {
    const sample = [
      'const a = new Date();', 'const b = Date.now();', 'todayIso()', "q.query('UPDATE x SET at = now()')",
      "WHERE d > current_date", 'const fine = clock.now(); const t = performance.now(); new Date(value);',
    ].join('\n');
    expect(findClockReads('src/modules/x/service.ts', sample).map((f) => f.split(': ')[1])).toEqual([
      'new Date()', 'Date.now()', 'todayIso()', 'SQL now()', 'SQL current date or time',
    ]);
    expect(findClockReads('src/db/migrations/099_x.sql', 'created_at timestamptz NOT NULL DEFAULT now(),')).toEqual([]);
    expect(findClockReads('src/db/migrations/099_x.sql', "CREATE VIEW v AS SELECT * FROM t WHERE d < now();")).toHaveLength(1);
  });

  it('is read only by the clock made in the composition root', async () => {
    const files = await sourceFiles('src');
    expect(files.length).toBeGreaterThan(50);
    const findings = (await Promise.all(files.map(async (f) => findClockReads(f.split(path.sep).join('/'), await readFile(f, 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });
});

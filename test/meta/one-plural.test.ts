import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One way to put a count in words: `count(n, singular, plural?)` (src/domain/plural.ts, also a
 * template global). Hand-made plurals drift ("2 event"), so pages, services and templates may not
 * build them: this scans every template and every TypeScript file outside the tests.
 */
const handMade: { pattern: RegExp; what: string }[] = [
  // {{ "event" if n == 1 else "events" }}
  { pattern: /"[a-z ]+"\s+if\s+[\w.]+\s*==\s*1\s+else\s+"[a-z ]+"/, what: 'a template choosing the noun by hand' },
  // {{ l.unit + ("s" if l.quantity != 1 else "") }}
  { pattern: /\("s" if /, what: 'a template adding an s by hand' },
  // {{ n }} events, {{ x.length }} cases: a bare number before a plural noun
  { pattern: /\{\{\s*[\w.]+(\.length|Count|count|total|hours|open)\s*\}\}\s+(?!(?:of|to|and|or|per|a|for)\b)[a-z]+(?: [a-z]+)?s\b/, what: 'a template putting a number before a noun without count()' },
  // "Loaded " + n + " rows": a template gluing a number to a plural noun
  { pattern: /(?:rows_\w+|[cC]ount|total|\.length|[dD]ays|[hH]ours|[wW]eeks|waiting|stats\.\w+|_per_week)\)?\s*\+\s*" [a-z]+s\b/, what: 'a template joining a number and a noun without count()' },
  // `${n} ${n === 1 ? 'item' : 'items'}`, n === 1 ? '1 minute' : `${n} minutes`
  { pattern: /===\s*1\s*\?\s*'[a-z ]+'\s*:\s*'[a-z ]+'/, what: 'code choosing the noun by hand' },
  { pattern: /===\s*1\s*\?\s*'1 [a-z ]+'\s*:\s*`/, what: 'code choosing the noun by hand' },
  { pattern: /const plural\s*=|function plural\s*\(/, what: 'a second pluralising helper' },
];

/** Each exception names its file, the line it allows, and why. */
const allowed: { file: string; line: RegExp; why: string }[] = [
  { file: 'src/domain/plural.ts', line: /./, why: 'the helper itself' },
  { file: 'src/modules/costs/schemas.ts', line: /one decimal place/, why: '"up to one decimal place" reads better than "1"; count() gives the rest' },
];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (/\.(ts|njk)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

export function findHandMadePlurals(file: string, text: string): string[] {
  const findings: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const { pattern, what } of handMade) {
      if (!pattern.test(line)) continue;
      if (allowed.some((a) => a.file === file && a.line.test(line))) continue;
      findings.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
    }
  });
  return findings;
}

describe('one pluralising helper', () => {
  it('finds the hand-made plurals it is meant to find', () => {
    expect(findHandMadePlurals('x.njk', '{{ total }} {{ "event" if total == 1 else "events" }}')).toHaveLength(1);
    expect(findHandMadePlurals('x.njk', '<p>{{ files.length }} case files sampled</p>')).toHaveLength(1);
    expect(findHandMadePlurals('x.ts', "`${n} ${n === 1 ? 'item' : 'items'} recorded`")).toHaveLength(1);
    expect(findHandMadePlurals('x.ts', "const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);")).toHaveLength(1);
    expect(findHandMadePlurals('x.njk', '"Matched " + loaded.rows_loaded + " rows"')).toHaveLength(1);
    expect(findHandMadePlurals('x.njk', '{{ count(total, "event") }}')).toEqual([]);
  });

  it('no template or source file outside plural.ts makes its own plurals', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const findings: string[] = [];
    for (const file of await filesUnder(path.join(root, 'src'))) {
      findings.push(...findHandMadePlurals(path.relative(root, file), await readFile(file, 'utf8')));
    }
    expect(findings).toEqual([]);
  });
});

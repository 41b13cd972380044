import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One way to show a person or team with their agency: `nameWithAgency` (src/domain/names.ts, also
 * a template global), which does not repeat an agency that is the name ("Northvale Homes,
 * Northvale Homes"). This finds labels that glue a name to an agency by hand.
 */
const byHand: RegExp[] = [
  /\}\},? \(?\{\{ *[\w.]*agency\w* *\}\}/i, // {{ u.name }}, {{ u.agency_name }} or {{ n.user_name }} ({{ n.agency_name }})
  /\+ "(, | \()" \+ [\w.]*agency\w*/i, // t.name + ", " + t.agency_name
  /\}(, | \()\$\{[\w.]*agency\w*\}/i, // `${p.name}, ${p.agency}` or `${t.name} (${t.agency_name})`
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

export function labelsByHand(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (byHand.some((p) => p.test(line)) ? [`${file}:${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

describe('one way to name someone with their agency', () => {
  it('finds the hand-made labels it is meant to find', () => {
    expect(labelsByHand('x.njk', '<td>{{ r.referrer_name }}, {{ r.referrer_agency }}</td>')).toHaveLength(1);
    expect(labelsByHand('x.njk', '<p>{{ n.user_name }} ({{ n.agency_name }}) used</p>')).toHaveLength(1);
    expect(labelsByHand('x.njk', 'text: t.name + ", " + t.agency_name,')).toHaveLength(1);
    expect(labelsByHand('x.ts', 'text: `${t.name} (${t.agency_name})`')).toHaveLength(1);
    expect(labelsByHand('x.njk', '{{ nameWithAgency(r.referrer_name, r.referrer_agency) }}')).toEqual([]);
  });

  it('no template or source file builds such a label by hand', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const found: string[] = [];
    for (const file of await filesUnder(path.join(root, 'src'))) found.push(...labelsByHand(path.relative(root, file), await readFile(file, 'utf8')));
    expect(found).toEqual([]);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Practitioners read the field's terms (DOMAIN.md): the practitioner who leads the work with a
 * family is their key worker, on every page, message and audit basis, never a "lead professional"
 * or "lead practitioner". Comments may explain the synonym; nothing a user reads may use it.
 */
const synonym = /lead (professional|practitioner)/i;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (/\.(ts|njk)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

const root = path.resolve(import.meta.dirname, '../..');

describe('one word for the key worker', () => {
  it('no page, message or label says "lead professional" or "lead practitioner"', async () => {
    const found: string[] = [];
    for (const file of await filesUnder(path.join(root, 'src'))) {
      (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
        const code = file.endsWith('.ts') ? line.replace(/\/\/.*$/, '').replace(/^\s*(\/\*\*?|\*).*$/, '') : line.replace(/\{#.*?#\}/g, '');
        if (synonym.test(code)) found.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the family page and My families name the role alike', async () => {
    const family = await readFile(path.join(root, 'src/modules/families/views/family.njk'), 'utf8');
    const mine = await readFile(path.join(root, 'src/modules/families/views/my-families.njk'), 'utf8');
    expect(family).toContain('govukTag({ text: "Key worker" })');
    expect(mine).toMatch(/<th scope="col" class="govuk-table__header">Key worker<\/th>/);
    expect(family + mine).not.toMatch(/>Lead</);
  });
});

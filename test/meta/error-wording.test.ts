import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrors } from '../../src/domain/errors.ts';
import { govukMessage, rawZodWording, useGovukZodMessages } from '../../src/domain/zod-messages.ts';
import { TEST_TODAY } from '../support/clock.ts';

/**
 * Issue 15 item 11: no raw zod wording ("Too big: expected string to have <=10 characters",
 * "Invalid input", "Required") ever reaches a user. Walks every schema every module exports
 * (the ones the forms and the API share) with empty, wrongly typed and over-long answers, with
 * Lantern's messages switched on as the composition root does, and reads every message.
 */
const moduleDir = new URL('../../src/modules/', import.meta.url);
const modules: Record<string, Record<string, unknown>> = Object.fromEntries(await Promise.all(readdirSync(moduleDir)
  .filter((name) => existsSync(new URL(`${name}/schemas.ts`, moduleDir)))
  .map(async (name) => [`modules/${name}/schemas.ts`, await import(new URL(`${name}/schemas.ts`, moduleDir).href)] as const)));

function schemasOf(exports: Record<string, unknown>): [string, z.ZodType][] {
  return Object.entries(exports).flatMap(([name, value]): [string, z.ZodType][] => {
    if (value instanceof z.ZodType) return [[name, value]];
    if (typeof value === 'function' && /Schema(On)?$/.test(name) && value.length <= 2) {
      try {
        const made = (value as (today: string) => unknown)(TEST_TODAY);
        return made instanceof z.ZodType ? [[`${name}(today)`, made]] : [];
      } catch {
        return [];
      }
    }
    return [];
  });
}

/** The top-level keys a schema's object (or intersection of objects) asks for. */
function keysOf(schema: z.ZodType): string[] {
  const s = schema as unknown as { shape?: Record<string, unknown>; _zod?: { def?: { left?: z.ZodType; right?: z.ZodType; in?: z.ZodType } } };
  if (s.shape) return Object.keys(s.shape);
  const def = s._zod?.def;
  return [...(def?.left ? keysOf(def.left) : []), ...(def?.right ? keysOf(def.right) : []), ...(def?.in ? keysOf(def.in) : [])];
}

const bodies = (keys: string[]) => [
  {},
  null,
  'text',
  Object.fromEntries(keys.map((k) => [k, 'x'.repeat(20_001)])),
  Object.fromEntries(keys.map((k) => [k, 12_345_678_901])),
  Object.fromEntries(keys.map((k) => [k, -5])),
  Object.fromEntries(keys.map((k) => [k, [{}, 'x', 3]])),
  Object.fromEntries(keys.map((k) => [k, { nested: true }])),
  Object.fromEntries(keys.map((k) => [k, ''])),
  Object.fromEntries(keys.map((k) => [k, true])),
];

describe('error wording', () => {
  useGovukZodMessages();
  const all = Object.entries(modules).flatMap(([file, exports]) => schemasOf(exports).map(([name, schema]) => [`${file.replace(/^.*modules\//, '')} ${name}`, schema] as const));

  it('finds the schemas of every module', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all)('%s never words a problem in zod’s own words', (_name, schema) => {
    const messages = new Set<string>();
    for (const body of bodies(keysOf(schema))) {
      const result = schema.safeParse(body);
      if (!result.success) for (const message of Object.values(fieldErrors(result.error))) messages.add(message);
    }
    const raw = [...messages].filter((m) => rawZodWording.test(m));
    expect(raw).toEqual([]);
  });

  it('gives every length or range limit in a form’s schema its own GOV.UK message', () => {
    // Lantern's fallback words these too, but a schema's own message names the field as the form does.
    const bare = Object.keys(modules).flatMap((file) => {
      const text = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
      return text.split('\n').flatMap((line, i) => (/\.(min|max|length)\(\s*[\d_]+\s*\)/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(bare).toEqual([]);
  });

  it('words a too-long answer, a missing one and a wrong date the GOV.UK way', () => {
    const schema = z.object({ postcode: z.string().max(10), referrerName: z.string(), startDate: z.iso.date(), teamId: z.uuid(), hours: z.number().max(25) });
    expect(fieldErrors(schema.safeParse({ postcode: 'x'.repeat(11), startDate: '2026-02-31', teamId: 'x', hours: 30 }).error!)).toEqual({
      postcode: 'Postcode must be 10 characters or fewer',
      referrerName: 'Enter the referrer name',
      startDate: 'Enter a real date',
      teamId: 'Select the team from the list',
      hours: 'Hours must be 25 or less',
    });
    expect(govukMessage({ code: 'invalid_value', path: ['urgency'] })).toBe('Select the urgency from the list');
  });
});

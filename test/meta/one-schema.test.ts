import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One validation per form (issue 15 item 11): the zod schema the API uses also gives the form its
 * errors, so a single submission reports every problem at once. Two ways that breaks, found here:
 *
 * - a check across fields (a date against today, one answer needing another) that zod skips
 *   while any field is wrong: every refinement of a whole object runs with `when: () => true`
 *   (and so looks at each value's type itself), or its problems only appear once the rest is put right;
 * - a check made by hand after the schema: a date compared with the clock's today and thrown as a
 *   field error in a service or route. Such a check belongs in the schema (a factory given today).
 */
const root = path.resolve(import.meta.dirname, '../..');

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))));
  return nested.flat();
}

/** The text of the call that starts at `open` (the index of its opening parenthesis). */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

/** The name of the function whose call ends at `close` (the index of its closing parenthesis). */
function calleeOf(text: string, close: number): string {
  let depth = 0;
  for (let i = close; i >= 0; i -= 1) {
    if (text[i] === ')') depth += 1;
    else if (text[i] === '(') {
      depth -= 1;
      if (depth === 0) return /(\w+)\s*$/.exec(text.slice(Math.max(0, i - 40), i))?.[1] ?? '';
    }
  }
  return '';
}

/** Refinements of a whole object (`z.object({...}).superRefine(...)`) that do not run while a field is wrong. */
export function skippedRefinements(file: string, text: string): string[] {
  const findings: string[] = [];
  for (const m of text.matchAll(/\}\)\s*\.(superRefine|refine)\(/g)) {
    if (!['object', 'strictObject', 'extend', 'intersection'].includes(calleeOf(text, m.index! + 1))) continue;
    const call = callText(text, m.index! + m[0].length - 1);
    if (!/when:\s*\(\)\s*=>\s*true/.test(call)) findings.push(`${file}:${text.slice(0, m.index).split('\n').length}: .${m[1]}( without { when: () => true }`);
  }
  return findings;
}

/** A field error about a date against the clock's today, thrown by hand after the schema. */
export function handMadeDateChecks(file: string, text: string): string[] {
  const findings: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/\bthrow new ValidationError\(\{/.test(line) && /[<>]=?\s*(clock\.)?today\(\)|today\(\)\s*[<>]/.test(line)) findings.push(`${file}:${i + 1}: ${line.trim()}`);
    if (/errors(\.\w+|\[[^\]]+\])\s*=/.test(line) && /[<>]=?\s*(clock\.)?today\(\)/.test(line)) findings.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return findings;
}

/**
 * Checks written by hand where a schema belongs: a schema file that builds its field errors itself
 * (`const errors: FieldErrors = {}`), and a route that re-keys a use case's errors by hand (keeping
 * one message, or the last), instead of `withFieldIds` in src/web/forms.ts, which keeps every problem.
 */
export function handMadeValidation(file: string, text: string): string[] {
  const findings: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (/schemas\.ts$/.test(file) && /:\s*FieldErrors\s*=\s*\{\}/.test(line)) findings.push(`${file}:${i + 1}: field errors built by hand in a schema file: ${line.trim()}`);
    if (/new ValidationError\(Object\.fromEntries\(|Object\.values\(\w+\.fieldErrors\)\[0\]/.test(line)) findings.push(`${file}:${i + 1}: errors re-keyed by hand: ${line.trim()}`);
  });
  return findings;
}

/**
 * A form reader (`src/modules/<module>/*form*.ts`: `claimRulesJsonFromForm`, `levelOfNeedRulesJsonFromForm`
 * and the like) only turns the form's flat fields into the API's input and says which field each of
 * the schema's problems belongs to: it finds no problems itself. Checks written there by hand ran
 * apart from the API's schema, so the form and the API said different things, and some problems
 * only showed once others were put right (the level of need, identification and claim rules forms did).
 */
export function formReaderChecks(file: string, text: string): string[] {
  const findings: string[] = [];
  if (!/\/[^/]*form[^/]*\.ts$/.test(file)) return findings;
  text.split('\n').forEach((line, i) => {
    if (/\bthrow new ValidationError\(/.test(line)) findings.push(`${file}:${i + 1}: a form reader refusing answers itself: ${line.trim()}`);
    if (/\b(errors|out)(\.\w+|\[[^\]]+\])\s*(\?\?)?=\s*'/.test(line)) findings.push(`${file}:${i + 1}: a form reader wording a problem itself: ${line.trim()}`);
  });
  return findings;
}

describe('one schema per form', () => {
  it('finds the checks it looks for', () => {
    expect(skippedRefinements('a.ts', "z.object({ a: z.string() }).superRefine((v, ctx) => {\n  if (v.a) ctx.addIssue({ code: 'custom', path: ['a'], message: 'x' });\n});")).toHaveLength(1);
    expect(skippedRefinements('a.ts', "z.object({ a: z.string() }).superRefine((v, ctx) => {\n  if (v.a) ctx.addIssue({ code: 'custom', path: ['a'], message: 'x' });\n}, { when: () => true });")).toEqual([]);
    expect(skippedRefinements('a.ts', "const a = z.string({ message: 'Enter a' }).refine(isIsoDate, { message: 'x' });")).toEqual([]);
    expect(handMadeDateChecks('a.ts', "        if (fields.dueOn < today()) throw new ValidationError({ dueOn: 'The due date must be today or in the future' });")).toHaveLength(1);
    expect(handMadeValidation('src/modules/x/schemas.ts', '  const errors: FieldErrors = {};')).toHaveLength(1);
    expect(handMadeValidation('src/modules/x/routes.ts', "        if (error instanceof ValidationError) throw new ValidationError({ [`reason-${id}`]: Object.values(error.fieldErrors)[0] });")).toHaveLength(1);
    expect(handMadeValidation('src/modules/x/routes.ts', '        throw new ValidationError(Object.fromEntries(Object.entries(error.fieldErrors).map(([k, m]) => [`${k}-x`, m])));')).toHaveLength(1);
    expect(handMadeValidation('src/modules/x/routes.ts', "      await withFieldIds(() => work(), () => `note-${id}`);")).toEqual([]);
    expect(formReaderChecks('src/modules/x/rule-forms.ts', "  if (Object.keys(errors).length) throw new ValidationError(errors);")).toHaveLength(1);
    expect(formReaderChecks('src/modules/x/level-rules-form.ts', "  if (!name) errors.name = 'Enter a name for these rules';")).toHaveLength(1);
    expect(formReaderChecks('src/modules/x/forms.ts', "    if (m) out.series ??= `Line ${rows[Number(m[1])]}: ${message}`;")).toEqual([]);
    expect(formReaderChecks('src/modules/x/service.ts', "  if (!name) errors.name = 'Enter a name';")).toEqual([]);
  });

  it('runs every check across a form’s fields even when a field is wrong, so every problem shows at once', async () => {
    const sources = (await files('src')).filter((f) => /schemas\.ts$|need-to-know\/service\.ts$|domain\/identification\/prioritise\.ts$/.test(f));
    expect(sources.length).toBeGreaterThan(10);
    const findings = (await Promise.all(sources.map(async (f) => skippedRefinements(f, await readFile(path.join(root, f), 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });

  it('checks no date against today by hand after the schema', async () => {
    const sources = (await files('src/modules')).filter((f) => !f.endsWith('.test.ts'));
    const findings = (await Promise.all(sources.map(async (f) => handMadeDateChecks(f, await readFile(path.join(root, f), 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });

  it('builds no field errors by hand in a schema file, and re-keys no errors by hand', async () => {
    const sources = [...await files('src/modules'), ...await files('src/web')].filter((f) => !f.endsWith('.test.ts'));
    const findings = (await Promise.all(sources.map(async (f) => handMadeValidation(f, await readFile(path.join(root, f), 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });

  it('has every form reader leave the problems to the API’s schema', async () => {
    const sources = (await files('src/modules')).filter((f) => /\/[^/]*form[^/]*\.ts$/.test(f) && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(5);
    const findings = (await Promise.all(sources.map(async (f) => formReaderChecks(f, await readFile(path.join(root, f), 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });
});

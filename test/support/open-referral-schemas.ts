import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

// ajv-formats is CommonJS: its function is the default export's default.
const addFormats = formats as unknown as typeof formats.default;

/**
 * Validators for Open Referral UK answers, from the profile's own files copied into
 * test/fixtures/open-referral-uk (CC BY-SA 4.0, see LICENCE.md there). JSON Schema 2020-12 with
 * formats checked and strict mode on: the profile's extra (table-schema) keywords are registered as
 * annotations, and the schemas' $ref URLs are mapped to the copied files.
 */
const folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/open-referral-uk');
const compiledBase = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/';
const partsBase = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/';

/** Keywords of the Open Referral UK table schemas that are not JSON Schema: descriptive only. */
export const profileKeywords = ['name', 'path', 'datapackage_metadata', 'constraints', 'example', 'core', 'datapackage_type', 'tabular_required'];

const read = (file: string) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>;

export const openApi = read('openapi.json') as {
  paths: Record<string, { get: { responses: { 200: { content: { 'application/json': { schema: Record<string, unknown> } } } } } }>;
  components: { schemas: { Page: Record<string, unknown> } };
};

function makeAjv() {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  for (const keyword of profileKeywords) ajv.addKeyword({ keyword });
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) ajv.addSchema(read(file), `${compiledBase}${file}`);
  for (const file of readdirSync(path.join(folder, 'parts')).filter((f) => f.endsWith('.json'))) ajv.addSchema(read(`parts/${file}`), `${partsBase}${file}`);
  return ajv;
}

const ajv = makeAjv();

/** The 200 answer's schema for an openapi.json path, with the document's own Page schema put in place. */
function responseSchema(apiPath: string): Record<string, unknown> {
  const schema = structuredClone(openApi.paths[apiPath].get.responses[200].content['application/json'].schema);
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.$ref === '#/components/schemas/Page') return openApi.components.schemas.Page;
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, inline(v)]));
    }
    return node;
  };
  return inline(schema) as Record<string, unknown>;
}

const validators = new Map<string, ValidateFunction>();

/** Validates an answer against the openapi.json path's 200 schema; returns Ajv's errors as text ('' when valid). */
export function validateAnswer(apiPath: string, answer: unknown): string {
  let validate = validators.get(apiPath);
  if (!validate) validators.set(apiPath, (validate = ajv.compile(responseSchema(apiPath))));
  return validate(answer) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

/** Validates against one compiled schema file ('service.json'). */
export function validateCompiled(file: string, value: unknown): string {
  const validate = ajv.getSchema(`${compiledBase}${file}`)!;
  return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

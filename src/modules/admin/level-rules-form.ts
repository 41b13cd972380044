import { createHash } from 'node:crypto';
import { cinFactorNumbers } from '../../domain/codes.ts';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { levelOfNeedRulesSchema, type LevelOfNeedRules } from '../../domain/level-of-need.ts';

/**
 * The level-of-need rules as a plain form: each parental vulnerability with the Children in Need
 * factors that count as it, the levels for how many are found, and the levels otherwise. One
 * blank vulnerability row is offered for adding; clearing a vulnerability's name removes it.
 */

/** The rules' fingerprint stands in for a version number (the rules are one stored setting). */
export function rulesVersion(rules: LevelOfNeedRules): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 16);
}

export const factorOptions = cinFactorNumbers.map((f) => ({ value: f.number, text: f.label }));

export function rulesToForm(rules: LevelOfNeedRules): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: rules.name, levelWithOtherNeeds: String(rules.levelWithOtherNeeds), levelWithNoNeeds: String(rules.levelWithNoNeeds), version: rulesVersion(rules),
  };
  [...rules.vulnerabilities, { key: '', label: '', factorNumbers: [], needTypes: [], whose: 'parents' as const }].forEach((v, i) => {
    Object.assign(values, {
      [`v${i}key`]: v.key, [`v${i}label`]: v.label, [`v${i}factors`]: v.factorNumbers, [`v${i}offending`]: v.needTypes.includes('offending') ? 'yes' : '',
      [`v${i}household`]: v.whose === 'household' ? 'yes' : '',
    });
  });
  rules.bands.forEach((b, i) => {
    Object.assign(values, { [`b${i}min`]: String(b.minimumVulnerabilities), [`b${i}level`]: String(b.level), [`b${i}explanation`]: b.explanation });
  });
  return values;
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The form back into rules, or field errors a person can act on. */
export function rulesFromForm(body: Record<string, unknown>, rows: { vulnerabilities: number; bands: number }): LevelOfNeedRules {
  const errors: FieldErrors = {};
  const name = str(body.name);
  if (!name) errors.name = 'Enter a name for these rules, like the guidance they follow';
  const vulnerabilities: LevelOfNeedRules['vulnerabilities'] = [];
  const keys = new Set<string>();
  for (let i = 0; i < rows.vulnerabilities; i++) {
    const label = str(body[`v${i}label`]);
    const factorNumbers = list(body[`v${i}factors`]).filter((n) => cinFactorNumbers.some((f) => f.number === n));
    const offending = body[`v${i}offending`] === 'yes';
    if (!label) {
      if (factorNumbers.length || offending) errors[`v${i}label`] = `Enter a name for vulnerability ${i + 1}, or untick its factors to remove it`;
      continue;
    }
    if (!factorNumbers.length && !offending) errors[`v${i}factors`] = `Tick at least one factor that counts as ${label}`;
    const key = str(body[`v${i}key`]) || label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    if (keys.has(key)) errors[`v${i}label`] = `There is already a vulnerability called ${label}`;
    keys.add(key);
    vulnerabilities.push({ key, label, factorNumbers, needTypes: offending ? ['offending'] : [], whose: body[`v${i}household`] === 'yes' ? 'household' : 'parents' });
  }
  if (!vulnerabilities.length && !errors.v0label) errors.v0label = 'Enter at least one parental vulnerability';
  const level = (field: string) => {
    const n = Number(str(body[field]));
    if (!Number.isInteger(n) || n < 1 || n > 4) errors[field] = 'Select a level from 1 to 4';
    return n;
  };
  const bands: LevelOfNeedRules['bands'] = [];
  for (let i = 0; i < rows.bands; i++) {
    const raw = str(body[`b${i}min`]);
    const minimumVulnerabilities = Number(raw);
    if (!/^\d+$/.test(raw) || minimumVulnerabilities < 1 || minimumVulnerabilities > 10) errors[`b${i}min`] = 'Enter how many vulnerabilities, a whole number from 1 to 10';
    const explanation = str(body[`b${i}explanation`]);
    if (!explanation) errors[`b${i}explanation`] = 'Enter the explanation practitioners see for this level';
    bands.push({ minimumVulnerabilities, level: level(`b${i}level`), explanation });
  }
  // Checked in order, so the band needing the most vulnerabilities comes first.
  bands.sort((a, b) => b.minimumVulnerabilities - a.minimumVulnerabilities);
  const rules = { name, vulnerabilities, bands, levelWithOtherNeeds: level('levelWithOtherNeeds'), levelWithNoNeeds: level('levelWithNoNeeds') };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return levelOfNeedRulesSchema.parse(rules);
}

/** The form's field names as the API's JSON paths, so an API caller's errors name their own fields. */
function jsonField(formField: string): string {
  const m = /^([vb])(\d+)(\w+)$/.exec(formField);
  if (!m) return formField;
  const [, kind, i, part] = m;
  if (kind === 'v') return `vulnerabilities.${i}.${{ label: 'label', factors: 'factorNumbers', key: 'key' }[part] ?? part}`;
  return `bands.${i}.${{ min: 'minimumVulnerabilities', level: 'level', explanation: 'explanation' }[part] ?? part}`;
}

/**
 * The API's JSON (the shape of `defaultLevelOfNeedRules`, with the `version` read) checked exactly
 * as the form is: turned into the form's answers and through `rulesFromForm`, with the errors
 * renamed to the JSON's fields. What the form cannot express (an unknown factor, a `whose` other
 * than parents or household) is refused here rather than dropped.
 */
export function rulesFromJson(input: unknown): LevelOfNeedRules {
  const o = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const strOf = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const arrayOf = (v: unknown, field: string): Record<string, unknown>[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) { errors[field] = `${field} must be a list`; return []; }
    return v.map((x) => (x && typeof x === 'object' ? x as Record<string, unknown> : {}));
  };
  const vulnerabilities = arrayOf(o.vulnerabilities, 'vulnerabilities');
  const bands = arrayOf(o.bands, 'bands');
  const body: Record<string, unknown> = { name: strOf(o.name), levelWithOtherNeeds: strOf(o.levelWithOtherNeeds), levelWithNoNeeds: strOf(o.levelWithNoNeeds) };
  vulnerabilities.forEach((v, i) => {
    const factors = Array.isArray(v.factorNumbers) ? v.factorNumbers.map(strOf) : [];
    const unknown = factors.find((f) => !cinFactorNumbers.some((c) => c.number === f));
    if (unknown !== undefined) errors[`vulnerabilities.${i}.factorNumbers`] = `No Children in Need factor is numbered ${unknown}`;
    if (v.whose !== undefined && v.whose !== 'parents' && v.whose !== 'household') errors[`vulnerabilities.${i}.whose`] = 'whose must be parents or household';
    const needTypes = Array.isArray(v.needTypes) ? v.needTypes : [];
    if (needTypes.some((n) => n !== 'offending')) errors[`vulnerabilities.${i}.needTypes`] = 'needTypes may only list offending';
    // A vulnerability sent with no name is an error, not a removal (the form's blank row is only for adding).
    if (!strOf(v.label).trim()) errors[`vulnerabilities.${i}.label`] = `Enter a name for vulnerability ${i + 1}`;
    Object.assign(body, { [`v${i}key`]: strOf(v.key), [`v${i}label`]: strOf(v.label), [`v${i}factors`]: factors, [`v${i}offending`]: needTypes.includes('offending') ? 'yes' : '', [`v${i}household`]: v.whose === 'household' ? 'yes' : '' });
  });
  bands.forEach((b, i) => Object.assign(body, { [`b${i}min`]: strOf(b.minimumVulnerabilities), [`b${i}level`]: strOf(b.level), [`b${i}explanation`]: strOf(b.explanation) }));
  if (!bands.length) errors.bands = 'Give at least one band: how many vulnerabilities give which level';
  try {
    const rules = rulesFromForm(body, { vulnerabilities: vulnerabilities.length, bands: bands.length });
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return rules;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const renamed: FieldErrors = { ...errors };
    for (const [field, message] of Object.entries(error.fieldErrors)) renamed[jsonField(field)] ??= message;
    throw new ValidationError(renamed);
  }
}

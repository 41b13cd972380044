import { createHash } from 'node:crypto';
import { cinFactors } from '../../domain/codes.ts';
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

export const factorOptions = cinFactors.map((f) => ({ value: f.number, text: f.label }));

export function rulesToForm(rules: LevelOfNeedRules): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: rules.name, levelWithOtherNeeds: String(rules.levelWithOtherNeeds), levelWithNoNeeds: String(rules.levelWithNoNeeds), version: rulesVersion(rules),
  };
  [...rules.vulnerabilities, { key: '', label: '', factorNumbers: [], needTypes: [] }].forEach((v, i) => {
    Object.assign(values, { [`v${i}key`]: v.key, [`v${i}label`]: v.label, [`v${i}factors`]: v.factorNumbers, [`v${i}offending`]: v.needTypes.includes('offending') ? 'yes' : '' });
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
    const factorNumbers = list(body[`v${i}factors`]).filter((n) => cinFactors.some((f) => f.number === n));
    const offending = body[`v${i}offending`] === 'yes';
    if (!label) {
      if (factorNumbers.length || offending) errors[`v${i}label`] = `Enter a name for vulnerability ${i + 1}, or untick its factors to remove it`;
      continue;
    }
    if (!factorNumbers.length && !offending) errors[`v${i}factors`] = `Tick at least one factor that counts as ${label}`;
    const key = str(body[`v${i}key`]) || label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
    if (keys.has(key)) errors[`v${i}label`] = `There is already a vulnerability called ${label}`;
    keys.add(key);
    vulnerabilities.push({ key, label, factorNumbers, needTypes: offending ? ['offending'] : [] });
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

import { createHash } from 'node:crypto';
import { cinFactorNumbers } from '../../domain/codes.ts';
import type { LevelOfNeedRules } from '../../domain/level-of-need.ts';
import type { FormField } from '../../web/forms.ts';

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

/** The most rows of each kind the form is read for. */
const maxRows = 100;

/**
 * The form's flat fields as the API's JSON (checked by `levelOfNeedRulesInputSchema`, as the API's
 * PUT is), and where each of the schema's problems shows on the form. A vulnerability row with no
 * name and nothing ticked is the blank one for adding, or one cleared to remove it: it is not sent.
 */
export function levelOfNeedRulesJsonFromForm(body: Record<string, unknown>, rows: { vulnerabilities: number; bands: number }): { input: Record<string, unknown>; field: FormField } {
  const sentRows: number[] = [];
  const vulnerabilities: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.min(rows.vulnerabilities, maxRows); i++) {
    const label = str(body[`v${i}label`]);
    const factorNumbers = list(body[`v${i}factors`]);
    const offending = body[`v${i}offending`] === 'yes';
    if (!label && !factorNumbers.length && !offending) continue;
    sentRows.push(i);
    vulnerabilities.push({ key: str(body[`v${i}key`]), label, factorNumbers, needTypes: offending ? ['offending'] : [], whose: body[`v${i}household`] === 'yes' ? 'household' : 'parents' });
  }
  const bands = [...Array(Math.min(rows.bands, maxRows)).keys()].map((i) => ({ minimumVulnerabilities: body[`b${i}min`], level: body[`b${i}level`], explanation: body[`b${i}explanation`] }));
  const input = { name: body.name, vulnerabilities, bands, levelWithOtherNeeds: body.levelWithOtherNeeds, levelWithNoNeeds: body.levelWithNoNeeds, version: body.version };
  const field: FormField = (key, message) => {
    const m = /^(vulnerabilities|bands)(?:\.(\d+)(?:\.(\w+))?)?/.exec(key);
    if (!m) return { id: key, message };
    const [, kind, index, part] = m;
    if (kind === 'vulnerabilities') {
      const row = index === undefined ? 0 : sentRows[Number(index)] ?? 0;
      return { id: `v${row}${part === 'factorNumbers' || part === 'needTypes' ? 'factors' : 'label'}`, message };
    }
    return { id: `b${index ?? 0}${({ level: 'level', explanation: 'explanation' } as Record<string, string>)[part ?? ''] ?? 'min'}`, message };
  };
  return { input, field };
}

/** The error summary's order: the page's order. */
export const levelRulesFieldOrder = (rows: { vulnerabilities: number; bands: number }) => [
  'name', ...[...Array(rows.vulnerabilities).keys()].flatMap((i) => [`v${i}label`, `v${i}factors`]),
  ...[...Array(rows.bands).keys()].flatMap((i) => [`b${i}min`, `b${i}level`, `b${i}explanation`]), 'levelWithOtherNeeds', 'levelWithNoNeeds',
];

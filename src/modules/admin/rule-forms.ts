import { createHash } from 'node:crypto';
import { outcomeAreas } from '../../domain/casework/outcome-areas.ts';
import { tfProblemLabels, tfProblems, type IdentificationRules } from '../../domain/identification/prioritise.ts';
import { measureLabel, type AreaRule, type Criterion, type CriterionKind } from '../../domain/outcomes/claims.ts';
import type { FormField } from '../../web/forms.ts';
import { numericMeasureKeys } from '../../domain/outcomes/measures.ts';

/**
 * The identification rules and the claim rules as plain forms: each rule is a field, a
 * comparison in words and a value, never rule syntax. The stored format is unchanged (the
 * identification module's `identification_rules` setting, the outcomes module's claim settings);
 * a fingerprint of what is stored stands in for a version number.
 */

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

// Identification rules

export const problemOptions = tfProblems.map((p) => ({ value: p, text: tfProblemLabels[p] }));

export function identificationRulesToForm(rules: IdentificationRules): Record<string, unknown> {
  return {
    name: rules.name, minimumProblems: String(rules.minimumProblems), problems: [...rules.problems], requireChildren: rules.requireChildren ? 'yes' : 'no',
    attendanceBelow: String(rules.attendanceBelow), windowDays: String(rules.windowDays), notCopingFrom: String(rules.notCopingFrom),
    chaoticFrom: String(rules.chaoticFrom), version: fingerprint(rules),
  };
}

export const identificationFieldOrder = ['name', 'problems', 'minimumProblems', 'requireChildren', 'attendanceBelow', 'windowDays', 'notCopingFrom', 'chaoticFrom'];

/** The form's fields as the API's JSON (checked by `identificationRulesInputSchema`, as the API's PUT is); each problem shows on the field of its name. */
export function identificationRulesJsonFromForm(body: Record<string, unknown>): { input: Record<string, unknown>; field: FormField } {
  const children = str(body.requireChildren);
  const input = {
    name: body.name, problems: list(body.problems), minimumProblems: body.minimumProblems, requireChildren: children === 'yes' ? true : children === 'no' ? false : undefined,
    attendanceBelow: body.attendanceBelow, windowDays: body.windowDays, notCopingFrom: body.notCopingFrom, chaoticFrom: body.chaoticFrom, version: body.version,
  };
  return { input, field: (key, message) => ({ id: key.split('.')[0], message }) };
}

// Claim rules: per headline outcome, tests of "measure, comparison, value", and how long they must hold.

export const comparisonOptions: { value: CriterionKind; text: string }[] = [
  { value: 'at_least', text: 'is at least' },
  { value: 'at_most', text: 'is at most' },
  { value: 'fall_by_percent', text: 'falls by at least this percentage' },
];

export const measureOptions = [...numericMeasureKeys, 'legalStatus', 'substanceTreatment', 'goalDistance']
  .map((m) => ({ value: m, text: measureLabel(m as Criterion['measure']) }));

export const sustainedOptions = [
  { value: '0', text: 'At closure only' }, { value: '6', text: '6 months after closure' }, { value: '12', text: '12 months after closure' },
];

/** One blank test under each outcome, for adding; a test whose measure is cleared is removed. */
export function claimRulesToForm(rules: AreaRule[]): Record<string, unknown> {
  const values: Record<string, unknown> = { version: fingerprint(rules) };
  for (const area of outcomeAreas) {
    const rule = rules.find((r) => r.area === area.key);
    const criteria = rule?.criteria ?? [];
    values[`sustained-${area.key}`] = String(rule?.sustainedMonths ?? 6);
    values[`rows-${area.key}`] = String(criteria.length + 1);
    [...criteria, { measure: '', kind: '', value: '' }].forEach((c, i) => {
      Object.assign(values, { [`${area.key}-${i}-measure`]: c.measure, [`${area.key}-${i}-kind`]: c.kind, [`${area.key}-${i}-value`]: String(c.value) });
    });
  }
  return values;
}

/** A typed number as a number; blank as missing; other text is left for the schema to refuse in words. */
function numberOrText(raw: string): number | string | undefined {
  if (!raw) return undefined;
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

/**
 * The form's flat fields (`education-0-measure`, `sustained-education`) as the claim rules' JSON
 * (checked by `claimRulesSchema`, as the claim settings API is), and where each of the schema's
 * problems shows on the form, worded with its outcome ("Getting a good education: enter the value
 * as a number, like 90"). A test with no measure and no value is the blank one for adding, or one
 * cleared to remove it: it is not sent.
 */
export function claimRulesJsonFromForm(body: Record<string, unknown>): { rules: Record<string, unknown>[]; field: FormField } {
  const sentRows: number[][] = [];
  const rules = outcomeAreas.map((area, a) => {
    sentRows[a] = [];
    const criteria: Record<string, unknown>[] = [];
    for (let i = 0; i < Math.min(Number(str(body[`rows-${area.key}`])) || 0, 20); i++) {
      const key = `${area.key}-${i}`;
      const measure = str(body[`${key}-measure`]);
      const raw = str(body[`${key}-value`]);
      if (!measure && !raw) continue;
      sentRows[a].push(i);
      criteria.push({ measure, kind: str(body[`${key}-kind`]), value: numberOrText(raw) });
    }
    const sustained = str(body[`sustained-${area.key}`]);
    return { area: area.key, criteria, sustainedMonths: /^\d+$/.test(sustained) ? Number(sustained) : sustained || undefined };
  });
  const field: FormField = (key, message) => {
    const m = /^rules\.(\d+)(?:\.(criteria|sustainedMonths)(?:\.(\d+)\.(\w+))?)?/.exec(key);
    const area = m ? outcomeAreas[Number(m[1])] : undefined;
    if (!m || !area) return { id: key, message };
    const worded = `${area.label}: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    if (m[2] === 'sustainedMonths') return { id: `sustained-${area.key}`, message: worded };
    const row = m[3] === undefined ? 0 : sentRows[Number(m[1])][Number(m[3])] ?? 0;
    return { id: `${area.key}-${row}-${['kind', 'value'].includes(m[4]) ? m[4] : 'measure'}`, message: worded };
  };
  return { rules, field };
}

/** The error summary's order: the page's order. */
export const claimFieldOrder = (values: Record<string, unknown>) => outcomeAreas.flatMap((area) => {
  const rows = Number(values[`rows-${area.key}`]) || 0;
  return [...[...Array(rows).keys()].flatMap((i) => ['measure', 'kind', 'value'].map((p) => `${area.key}-${i}-${p}`)), `sustained-${area.key}`];
});

/** Each outcome with its rows of tests, for the form (the saved tests and one empty row). */
export const claimAreaRows = (values: Record<string, unknown>) =>
  outcomeAreas.map((a) => ({ ...a, rows: [...Array(Math.min(Number(values[`rows-${a.key}`]) || 1, 20)).keys()] }));

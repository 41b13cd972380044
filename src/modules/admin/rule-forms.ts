import { createHash } from 'node:crypto';
import { outcomeAreas, type OutcomeAreaKey } from '../../domain/casework/outcome-areas.ts';
import { ValidationError, type FieldErrors } from '../../domain/errors.ts';
import { tfProblemLabels, tfProblems, type IdentificationRules, type TfProblem } from '../../domain/identification/prioritise.ts';
import { measureLabel, type AreaRule, type Criterion, type CriterionKind } from '../../domain/outcomes/claims.ts';
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

function wholeNumber(errors: FieldErrors, body: Record<string, unknown>, field: string, min: number, max: number, message: string): number {
  const raw = str(body[field]);
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) errors[field] = message;
  return n;
}

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

export function identificationRulesFromForm(body: Record<string, unknown>): IdentificationRules {
  const errors: FieldErrors = {};
  const name = str(body.name);
  if (!name) errors.name = 'Enter a name for these rules, like the programme they follow';
  const problems = list(body.problems).filter((p): p is TfProblem => (tfProblems as readonly string[]).includes(p));
  if (!problems.length) errors.problems = 'Select at least one problem that counts';
  const minimumProblems = wholeNumber(errors, body, 'minimumProblems', 1, 6, 'Enter how many problems make a household eligible, a whole number from 1 to 6');
  if (!errors.minimumProblems && problems.length && minimumProblems > problems.length) {
    errors.minimumProblems = `A household cannot have more than the ${problems.length} problems selected: enter ${problems.length} or fewer`;
  }
  const children = str(body.requireChildren);
  if (children !== 'yes' && children !== 'no') errors.requireChildren = 'Select whether only households with dependent children are eligible';
  const rawAttendance = str(body.attendanceBelow);
  const attendanceBelow = Number(rawAttendance);
  if (!/^\d+(\.\d+)?$/.test(rawAttendance) || attendanceBelow > 100) errors.attendanceBelow = 'Enter the attendance percentage as a number from 0 to 100, like 90';
  const windowDays = wholeNumber(errors, body, 'windowDays', 30, 1095, 'Enter how many days back an event still counts, a whole number from 30 to 1,095 (3 years)');
  const notCopingFrom = wholeNumber(errors, body, 'notCopingFrom', 1, 6, 'Enter the number of problems from which a household is not coping, from 1 to 6');
  const chaoticFrom = wholeNumber(errors, body, 'chaoticFrom', 1, 6, 'Enter the number of problems from which a household is chaotic, from 1 to 6');
  if (!errors.notCopingFrom && !errors.chaoticFrom && notCopingFrom > chaoticFrom) errors.chaoticFrom = `Chaotic must start at or above not coping (${notCopingFrom} problems)`;
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { name, minimumProblems, problems, requireChildren: children === 'yes', attendanceBelow, windowDays, notCopingFrom, chaoticFrom };
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

export function claimRulesFromForm(body: Record<string, unknown>): AreaRule[] {
  const errors: FieldErrors = {};
  const rules = outcomeAreas.map((area) => {
    const rows = Math.min(Number(str(body[`rows-${area.key}`])) || 0, 20);
    const criteria: Criterion[] = [];
    for (let i = 0; i < rows; i++) {
      const key = `${area.key}-${i}`;
      const measure = str(body[`${key}-measure`]);
      const kind = str(body[`${key}-kind`]);
      const raw = str(body[`${key}-value`]);
      if (!measure) {
        if (raw) errors[`${key}-measure`] = `${area.label}: choose what is measured, or clear the value to remove this test`;
        continue;
      }
      if (!measureOptions.some((m) => m.value === measure)) errors[`${key}-measure`] = `${area.label}: choose a measure from the list`;
      if (!comparisonOptions.some((c) => c.value === kind)) errors[`${key}-kind`] = `${area.label}: choose how the measure is compared`;
      const value = Number(raw);
      if (!/^\d+(\.\d+)?$/.test(raw)) errors[`${key}-value`] = `${area.label}: enter the value as a number, like 90`;
      else if (kind === 'fall_by_percent' && value > 100) errors[`${key}-value`] = `${area.label}: a fall cannot be more than 100%`;
      criteria.push({ measure: measure as Criterion['measure'], kind: kind as CriterionKind, value });
    }
    if (!criteria.length && !Object.keys(errors).some((k) => k.startsWith(`${area.key}-`))) errors[`${area.key}-0-measure`] = `${area.label}: give at least one test`;
    const sustained = str(body[`sustained-${area.key}`]);
    if (!sustainedOptions.some((o) => o.value === sustained)) errors[`sustained-${area.key}`] = `${area.label}: select how long the progress must last`;
    return { area: area.key as OutcomeAreaKey, criteria, sustainedMonths: Number(sustained) };
  });
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return rules;
}

/** The error summary's order: the page's order. */
export const claimFieldOrder = (values: Record<string, unknown>) => outcomeAreas.flatMap((area) => {
  const rows = Number(values[`rows-${area.key}`]) || 0;
  return [...[...Array(rows).keys()].flatMap((i) => ['measure', 'kind', 'value'].map((p) => `${area.key}-${i}-${p}`)), `sustained-${area.key}`];
});

/** Each outcome with its rows of tests, for the form (the saved tests and one empty row). */
export const claimAreaRows = (values: Record<string, unknown>) =>
  outcomeAreas.map((a) => ({ ...a, rows: [...Array(Math.min(Number(values[`rows-${a.key}`]) || 1, 20)).keys()] }));

import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../domain/errors.ts';
import { useGovukZodMessages } from '../../domain/zod-messages.ts';
import { claimRulesSchema } from '../outcomes/schemas.ts';
import { levelOfNeedRulesJsonFromForm } from './level-rules-form.ts';
import { claimRulesJsonFromForm, identificationRulesJsonFromForm } from './rule-forms.ts';
import { identificationRulesInputSchema, levelOfNeedRulesInputSchema } from './schemas.ts';

useGovukZodMessages();

/** The schema's problems as the form shows them: each on its field's id. */
function onForm(schema: { safeParse(input: unknown): { success: boolean; error?: unknown } }, form: { input: unknown; field: (key: string, message: string) => { id: string; message: string } }) {
  const result = schema.safeParse(form.input);
  if (result.success) return {};
  return Object.fromEntries(Object.entries(fieldErrors(result.error as Parameters<typeof fieldErrors>[0])).map(([key, message]) => {
    const shown = form.field(key, message);
    return [shown.id, shown.message];
  }));
}

describe('the rule forms read into the API’s input', () => {
  it('puts a claim test’s problem on the row it was typed in, when a row above was cleared to remove it', () => {
    const body: Record<string, unknown> = { version: 'v1' };
    for (const area of ['education', 'early_years', 'health', 'substance_use', 'family_relationships', 'children_safe', 'crime', 'domestic_abuse', 'housing', 'financial_stability']) {
      Object.assign(body, { [`rows-${area}`]: '1', [`${area}-0-measure`]: 'goalDistance', [`${area}-0-kind`]: 'at_least', [`${area}-0-value`]: '4', [`sustained-${area}`]: '6' });
    }
    Object.assign(body, { 'rows-education': '3', 'education-0-measure': '', 'education-0-value': '', 'education-1-measure': 'exclusions', 'education-1-kind': 'at_most', 'education-1-value': 'none', 'sustained-crime': '' });
    const form = claimRulesJsonFromForm(body);
    expect(form.rules[0]).toEqual({ area: 'education', criteria: [{ measure: 'exclusions', kind: 'at_most', value: 'none' }], sustainedMonths: 6 });
    expect(onForm(claimRulesSchema, { input: form.rules, field: (key, message) => form.field(`rules.${key}`, message) })).toEqual({
      'education-1-value': 'Getting a good education: enter the value as a number, like 90',
      'sustained-crime': 'Families diverted from crime: select how long the progress must last: 0, 6 or 12 months after closure',
    });
  });

  it('puts a vulnerability’s problem on the row it was typed in, and leaves out the blank row for adding', () => {
    const body = {
      name: 'Northvale', version: 'v1', levelWithOtherNeeds: '2', levelWithNoNeeds: '1', v0key: 'a', v0label: '', v1key: '', v1label: 'housing', v2key: '', v2label: '',
      b0min: '1', b0level: '3', b0explanation: 'One or more',
    };
    const form = levelOfNeedRulesJsonFromForm(body, { vulnerabilities: 3, bands: 1 });
    expect((form.input.vulnerabilities as unknown[]).length).toBe(1);
    expect(onForm(levelOfNeedRulesInputSchema, form)).toEqual({ v1factors: 'Tick at least one factor that counts as housing' });
  });

  it('reads the identification form’s yes and no, and puts a problem with one of the problems on the problems', () => {
    const form = identificationRulesJsonFromForm({ name: 'TF', problems: ['school', 'nonsense'], minimumProblems: '1', requireChildren: 'no', attendanceBelow: '90', windowDays: '365', notCopingFrom: '2', chaoticFrom: '4', version: 'v1' });
    expect(form.input.requireChildren).toBe(false);
    expect(onForm(identificationRulesInputSchema, form)).toEqual({ problems: 'Select the problems that count from the list' });
  });
});

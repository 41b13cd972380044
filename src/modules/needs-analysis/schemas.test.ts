import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../domain/errors.ts';
import { recordedAuditSchema } from './schemas.ts';

const audit = (over: Record<string, unknown> = {}) => ({
  name: 'Looked-after children', populationLabel: 'children looked after', population: '1,475', sampleSize: '42', source: '',
  counts: { mental_health: '12', substance_misuse: '14', alcohol_misuse: '6', domestic_abuse: '15', offending: '11' }, ...over,
});
const errorsOf = (input: unknown) => {
  const parsed = recordedAuditSchema.safeParse(input);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe('a recorded case-file audit', () => {
  it('accepts the Essex audit as typed, commas and all', () => {
    expect(recordedAuditSchema.parse(audit())).toMatchObject({ population: 1475, sampleSize: 42, counts: { domestic_abuse: 15 } });
  });

  it('refuses more files audited than there are in the population (31 of 20)', () => {
    expect(errorsOf(audit({ population: '20', sampleSize: '31', counts: { mental_health: '1', substance_misuse: '1', alcohol_misuse: '1', domestic_abuse: '1', offending: '1' } })))
      .toEqual({ sampleSize: 'The number of case files audited (31) cannot be more than the whole population (20)' });
  });

  it('refuses a blank count rather than taking it as 0', () => {
    expect(errorsOf(audit({ counts: { mental_health: '', substance_misuse: '14', alcohol_misuse: ' ', domestic_abuse: '15', offending: '11' } }))).toEqual({
      'counts.mental_health': 'Enter the number of files showing mental health problems',
      'counts.alcohol_misuse': 'Enter the number of files showing alcohol misuse',
    });
    expect(errorsOf(audit({ population: '' }))).toEqual({ population: 'Enter the whole population' });
  });
});

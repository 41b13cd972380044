import { describe, expect, it } from 'vitest';
import { extractFormats } from './formats.ts';
import { normalisePostcode, parseDate, planHeaders, problemMessage, validateRow } from './validate.ts';

const police = extractFormats['police-da'];
const header = police.columns.map((c) => c.name);
const good = ['PD-1-V', 'Jane', 'Smith', '14/03/1990', 'F', 'cm1 1aa', '1 High Street', 'PD-1', '2026-05-01', 'victim', 'Y', 'high'];

describe('extract row validation', () => {
  const { index } = planHeaders(police, header);

  it('normalises a valid row into person and event fields', () => {
    const { record, problems } = validateRow(police, good, index, 2);
    expect(problems).toEqual([]);
    expect(record).toMatchObject({
      recordId: 'PD-1-V', firstName: 'Jane', lastName: 'Smith', dateOfBirth: '1990-03-14', sex: 'F', postcode: 'CM1 1AA',
      address: '1 High Street', eventDate: '2026-05-01', groupRef: 'PD-1', fields: { incident_ref: 'PD-1', role: 'victim', children_present: true, risk_level: 'high' },
    });
  });

  it('reports the row, the field and the reason in the words the issue asks for', () => {
    const bad = [...good];
    bad[3] = '31/02/1990';
    const { record, problems } = validateRow(police, bad, index, 1204);
    expect(record).toBeNull();
    expect(problems.map(problemMessage)).toEqual(["row 1,204: date_of_birth '31/02/1990' is not a date"]);
  });

  it('reports every problem in a row, including empty required fields and values outside the list', () => {
    const bad = [...good];
    bad[1] = '';
    bad[9] = 'witness';
    bad[5] = 'NOT A POSTCODE';
    const messages = validateRow(police, bad, index, 7).problems.map(problemMessage);
    expect(messages).toEqual([
      'row 7: first_name is empty',
      "row 7: postcode 'NOT A POSTCODE' is not a UK postcode",
      "row 7: role 'witness' is not one of victim, perpetrator, child_present",
    ]);
  });

  it('refuses a date of birth after the event', () => {
    const bad = [...good];
    bad[3] = '2027-01-01';
    expect(validateRow(police, bad, index, 3).problems.map(problemMessage)).toEqual(["row 3: date_of_birth '2027-01-01' is after the incident_date"]);
  });

  it('finds columns by the saved mapping, and reports a required column missing from the header', () => {
    const theirs = header.map((h) => (h === 'last_name' ? 'Surname' : h));
    expect(planHeaders(police, theirs).problems.map(problemMessage)).toEqual([
      'row 1: last_name is missing: no column with this heading (save a column mapping if your file names it differently)',
    ]);
    const mapped = planHeaders(police, theirs, { last_name: 'surname' });
    expect(mapped.problems).toEqual([]);
    expect(mapped.index.last_name).toBe(2);
  });

  it('parses UK and ISO dates and refuses impossible ones', () => {
    expect(parseDate('1/2/2020')).toBe('2020-02-01');
    expect(parseDate('2020-02-29')).toBe('2020-02-29');
    expect(parseDate('2021-02-29')).toBeNull();
    expect(parseDate('2020-02-01T00:00:00.000Z')).toBe('2020-02-01');
    expect(parseDate('next week')).toBeNull();
  });

  it('normalises postcodes', () => {
    expect(normalisePostcode(' sw1a2aa ')).toBe('SW1A 2AA');
    expect(normalisePostcode('CM11AA')).toBe('CM1 1AA');
    expect(normalisePostcode('12345')).toBeNull();
  });
});

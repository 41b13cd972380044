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

  describe('identifier columns', () => {
    // an NHS health extract whose own headings name two of the identifiers differently
    const health = extractFormats['mental-health'];
    const theirs = ['record_id', 'first_name', 'last_name', 'date_of_birth', 'contact_date', 'NHS No', 'Client ID', 'ni_number'];
    const { index: at, problems: headerProblems } = planHeaders(health, theirs, { nhs_number: 'NHS No', agency_ref: 'Client ID' });
    const row = (nhs: string, client: string, ni = '') => ['MH-1', 'Jane', 'Smith', '1990-03-14', '2026-05-01', nhs, client, ni];

    it('are optional, come after the event columns and can be mapped from the agency’s own headings', () => {
      expect(headerProblems).toEqual([]);
      expect(health.columns.map((c) => c.name).slice(-5)).toEqual(['nhs_number', 'upn', 'ni_number', 'pnc_id', 'agency_ref']);
      expect(health.columns.filter((c) => c.type === 'identifier').every((c) => !c.required)).toBe(true);
      expect(at.nhs_number).toBe(5);
      expect(at.agency_ref).toBe(6);
    });

    it('keeps each in its canonical form by scheme, the agency’s own reference in a scheme of its kind of extract and agency', () => {
      const { record, problems } = validateRow(health, row('943 476 5919', 'cl-0042', 'ab 12 34 56 c'), at, 2, 'Northvale MH Trust');
      expect(problems).toEqual([]);
      expect(record!.identifiers).toEqual({ nhs: '9434765919', ni: 'AB123456C', 'mental-health case reference (Northvale MH Trust)': 'CL0042' });
      expect(record!.fields).toEqual({ contact_date: '2026-05-01', service: null, is_parent: null });
      expect(validateRow(health, row('', 'cl-0042'), at, 2).record!.identifiers).toEqual({ 'mental-health case reference': 'CL0042' });
      expect(validateRow(health, row('', ''), at, 2).record!.identifiers).toEqual({});
    });

    it('refuses a number that fails its scheme’s check, with the row, the field and the reason', () => {
      expect(validateRow(health, row('943 476 5918', ''), at, 3).problems.map(problemMessage)).toEqual(["row 3: nhs_number '943 476 5918' fails the NHS number check digit"]);
      expect(validateRow(health, row('943476591', '', 'GB123456A'), at, 4).problems.map(problemMessage)).toEqual([
        "row 4: nhs_number '943476591' is not 10 digits: an NHS number has 10",
        "row 4: ni_number 'GB123456A' is not a National Insurance number: 2 letters, 6 numbers and A, B, C or D, like AB 12 34 56 C",
      ]);
      const school = extractFormats.school;
      const pupil = ['S-1', 'Tyler', 'Walsh', '2014-08-09', '2026-07-20', '41', 'A820123456789'];
      const { index: schoolAt } = planHeaders(school, ['record_id', 'first_name', 'last_name', 'date_of_birth', 'period_end', 'attendance_percent', 'upn']);
      expect(validateRow(school, pupil, schoolAt, 5).problems.map(problemMessage)).toEqual(["row 5: upn 'A820123456789' fails the Unique Pupil Number check letter"]);
    });
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

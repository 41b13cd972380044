import { describe, expect, it } from 'vitest';
import { link } from '../linkage/index.ts';
import type { PersonRecord } from '../linkage/types.ts';
import { demoExtracts, demoHouseholds } from './demo-extracts.ts';
import { extractFormats, sourceKeys } from './formats.ts';
import { validateRow } from './validate.ts';

// The demo's extracts draw first names from a few gendered lists and surnames from fifteen, so
// people sharing a name are many: the model must still learn that one person keeps their birth date.
describe('matching the demo partnership’s agency extracts at scale', () => {
  it('learns from the data that a person keeps their date of birth, and does not chain households together', () => {
    const households = 20_000;
    const letters = 'ABDEFGHJLNPQRSTUWXYZ';
    const postcodes = Array.from({ length: households / 2 }, (_, i) => `NV${(i % 40) + 1} ${Math.floor(i / 40) % 10}${letters[Math.floor(i / 400) % 20]}${letters[Math.floor(i / 8000) % 20]}`);
    const today = '2026-11-25';
    const extracts = demoExtracts(demoHouseholds(households, 11, postcodes, today), 11, today);
    const records: PersonRecord[] = [];
    for (const source of sourceKeys) {
      const format = extractFormats[source];
      const index = Object.fromEntries(format.columns.map((c, i) => [c.name, i]));
      extracts[source].forEach((row, n) => {
        const { record } = validateRow(format, format.columns.map((c) => row[c.name] ?? ''), index, n + 2);
        if (record) records.push({ key: `${source}:${record.recordId}`, firstName: record.firstName, lastName: record.lastName, dateOfBirth: record.dateOfBirth, sex: record.sex, postcode: record.postcode, address: record.address, identifiers: record.identifiers });
      });
    }
    expect(records.length).toBeGreaterThan(households * 5);
    const result = link(records);
    expect(result.model.fields.dateOfBirth.exact.m).toBeGreaterThan(0.8);
    // health services' NHS numbers and schools' UPNs: an agreeing number is strong evidence of one person
    expect(records.filter((r) => r.identifiers?.nhs).length).toBeGreaterThan(households / 4);
    expect(records.filter((r) => r.identifiers?.upn).length).toBeGreaterThan(households / 4);
    const exact = result.model.fields.identifier.exact;
    expect(Math.log2(exact.m / exact.u)).toBeGreaterThan(10);
    // every household has a mother, most have more people: chained clusters would leave far fewer
    expect(new Set(result.clusterOf).size).toBeGreaterThan(households * 2);
  }, 120_000);
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cinFactorCodes, cinFactorList, factorCodesFor, isParentalFactor } from './codes.ts';

/** The DfE schema's assessmentfactorstype, copied into the repository (testdata/cin-census/README.md). */
const xsd = readFileSync(new URL('./testdata/cin-census/assessment-factors.xsd', import.meta.url), 'utf8');
const schema = new Map([...xsd.matchAll(/<xs:enumeration value="([^"]+)"><xs:annotation><xs:documentation>([^<]+)<\/xs:documentation>/g)].map((m) => [m[1], m[2]]));
const words = (text: string) => text.toLowerCase().replace(/[‘’]/g, '');

describe('Children in Need census assessment factors, against the DfE schema (CIN_schema_2024.xsd)', () => {
  it('has exactly the schema’s codes, 21 "No factors identified" included', () => {
    expect(schema.size).toBe(42);
    expect(Object.keys(cinFactorCodes).sort()).toEqual([...schema.keys()].sort());
    expect(cinFactorCodes['21']).toBe('No factors identified');
  });

  it('labels each code with the schema’s own words', () => {
    for (const { code, label } of cinFactorList) {
      const heading = label.replace(/ \(.*\)$/, '').replace(/:.*$/, '');
      expect(words(schema.get(code)!), `${code} ${label}`).toContain(words(heading));
    }
  });

  it('says who the abuse is by for 18 and 19 as the schema does: B child on child, C adult on child', () => {
    for (const code of ['18B', '19B']) {
      expect(schema.get(code)).toContain('(child on child)');
      expect(cinFactorCodes[code]).toMatch(/\(child on child\)$/);
    }
    for (const code of ['18C', '19C']) {
      expect(schema.get(code)).toContain('(adult on child)');
      expect(cinFactorCodes[code]).toMatch(/\(adult on child\)$/);
    }
  });

  it('offers each code for the person the schema says it is about', () => {
    const child = factorCodesFor('child');
    for (const code of ['18B', '18C', '19B', '19C', '21', '3A', '16A', '8B']) expect(child).toContain(code);
    for (const code of ['1B', '3C']) expect(child).not.toContain(code);
    expect(factorCodesFor('mother')).toEqual(['1B', '2B', '3B', '4B', '5B', '6B', '20']);
    expect(factorCodesFor('other_adult')).toEqual(['1C', '2C', '3C', '4C', '5C', '6C', '20']);
    for (const [code, doc] of schema) {
      if (/^[1-6]A$/.test(code)) expect(doc).toMatch(/the child/);
      if (/^[1-6]B$/.test(code)) expect(doc).toContain('parent(s)/carer(s)');
      if (/^[1-6]C$/.test(code)) expect(doc).toContain('another person');
    }
  });

  it('counts only concerns about a parent or carer as parental, not abuse of a child by a child (18B, 19B)', () => {
    expect(isParentalFactor('2B')).toBe(true);
    expect(isParentalFactor('18B')).toBe(false);
    expect(isParentalFactor('19B')).toBe(false);
    expect(isParentalFactor('8B')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { overlap } from './overlap.ts';

describe('overlap of parental vulnerabilities', () => {
  it('counts families by how many vulnerabilities they have, and which combinations', () => {
    const result = overlap([
      { parentalCodes: ['2B'], families: 5, children: 9 },
      { parentalCodes: ['3B', '4B'], families: 4, children: 6 },
      { parentalCodes: ['3B', '4B', '5B'], families: 2, children: 2 }, // 5B (learning disability) is not one of the five
      { parentalCodes: ['1B', '2B', '3B', '4B'], families: 1, children: 3 },
      { parentalCodes: ['1B', '2B', '3B', '4B', 'offending'], families: 1, children: 1 },
      { parentalCodes: ['1B', '4B', 'offending'], families: 2, children: 2 },
      { parentalCodes: [], families: 20, children: 30 },
    ]);
    expect(result.totalFamilies).toBe(35);
    expect(result.familiesWithAny).toBe(15);
    expect(result.byNumber).toEqual([
      { label: '1', families: 5, children: 9 },
      { label: '2', families: 6, children: 8 },
      { label: '3', families: 2, children: 2 },
      { label: '4 or more', families: 2, children: 4 },
    ]);
    expect(result.combinations.map((c) => [c.label, c.families])).toEqual([
      ['Domestic abuse, Mental health', 6],
      ['Drug misuse only', 5],
      ['Alcohol misuse, Mental health, Offending', 2],
      ['Alcohol misuse, Drug misuse, Domestic abuse, Mental health, Offending', 1],
      ['Alcohol misuse, Drug misuse, Domestic abuse, Mental health', 1],
    ]);
    expect(result.byVulnerability.map((v) => [v.code, v.families])).toEqual([['1B', 4], ['2B', 7], ['3B', 8], ['4B', 10], ['offending', 3]]);
  });
});

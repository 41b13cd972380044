import { describe, expect, it } from 'vitest';
import { essexPrevalenceRates, estimate, prevalenceTable, compareAgeBands, type PopulationRow } from './prevalence.ts';
import { formatCount, percentOf, roundRatio } from './numbers.ts';
import type { FamilyProfile } from './known.ts';

const essex: PopulationRow[] = [{ area: 'Essex', districtId: null, ageBand: '0-15', children: 262_000, births: 16_264, families: 160_000, people: 1_300_000 }];

describe('prevalence estimates', () => {
  it('reproduces the Essex report’s Table 1 from its inputs', () => {
    const table = prevalenceTable(essexPrevalenceRates, essex, null);
    expect(table.lines.map((l) => [l.rate.key, l.rate.rate, l.basePopulation, l.estimate])).toEqual([
      ['drug', 2.8, 262_000, 7_300],
      ['alcohol', 22.1, 262_000, 57_902],
      ['mental-health', 17.8, 262_000, 46_636],
      ['all-three', 1, 262_000, 2_620],
      ['domestic-abuse', 10, 262_000, 26_200],
      ['births', 4.5, 16_264, 732],
      ['complex', 2, 160_000, 3_200],
    ]);
    expect(table.lines.map((l) => formatCount(l.estimate))).toEqual(['7,300', '57,902', '46,636', '2,620', '26,200', '732', '3,200']);
    // Against an area that is not the partnership's, nothing is "known" and there is no gap.
    expect(table.lines.every((l) => l.known === null && l.gap === null)).toBe(true);
  });

  it('rounds only where the rate says: 2.8% of 262,000 is 7,336, which the report gives as 7,300', () => {
    expect(estimate({ rate: 2.8, roundTo: 1 }, 262_000)).toBe(7_336);
    expect(estimate({ rate: 2.8, roundTo: 100 }, 262_000)).toBe(7_300);
    expect(estimate({ rate: 2.8, roundTo: 1000 }, 262_000)).toBe(7_000);
    expect(estimate({ rate: 4.5, roundTo: 1 }, 16_264)).toBe(732); // 731.88
  });

  it('rounds half up in exact arithmetic', () => {
    expect(roundRatio(5, 10)).toBe(1); // 0.5 → 1
    expect(roundRatio(4, 10)).toBe(0);
    expect(roundRatio(7_350, 1, 100)).toBe(7_400);
    expect(roundRatio(7_349, 1, 100)).toBe(7_300);
    expect(percentOf(0.5, 100)).toBe(1); // 0.5 exactly, no floating-point 0.49999
    expect(percentOf(1.005, 200)).toBe(2); // 2.01
    expect(() => roundRatio(1, 0)).toThrow(RangeError);
  });

  it('sets known beside each estimate, by district, with the gap', () => {
    const population: PopulationRow[] = [
      { area: 'Ashby Vale', districtId: 'd1', ageBand: '0-4', children: 5_000, births: 1_000, families: 0, people: 0 },
      { area: 'Ashby Vale', districtId: 'd1', ageBand: '5-15', children: 10_000, births: 0, families: 0, people: 0 },
      { area: 'Ashby Vale', districtId: 'd1', ageBand: 'All ages', children: 0, births: 0, families: 12_000, people: 100_000 },
      { area: 'Brackenford', districtId: 'd2', ageBand: '0-4', children: 7_000, births: 1_200, families: 9_000, people: 80_000 },
    ];
    const profiles: FamilyProfile[] = [
      { districtId: 'd1', parentalCodes: ['2B'], motherCodes: ['2B'], needs: 1, families: 3, children: 5, unborn: 1 },
      { districtId: 'd1', parentalCodes: ['1B', '2B', '4B', '3B'], motherCodes: ['4B'], needs: 4, families: 1, children: 2, unborn: 0 },
      { districtId: 'd2', parentalCodes: ['3B'], motherCodes: ['3B'], needs: 1, families: 2, children: 4, unborn: 1 },
      { districtId: null, parentalCodes: ['2B'], motherCodes: [], needs: 1, families: 1, children: 1, unborn: 0 },
      { districtId: 'd2', parentalCodes: [], motherCodes: [], needs: 0, families: 10, children: 20, unborn: 2 },
    ];
    const table = prevalenceTable(essexPrevalenceRates, population, profiles);
    const line = (key: string) => table.lines.find((l) => l.rate.key === key)!;
    expect(table.totals).toEqual({ children: 22_000, births: 2_200, families: 21_000, people: 180_000 });
    // 2.8% of 22,000 = 616 → 600 (nearest 100); known: 5 + 2 + 1 (no district) = 8.
    expect(line('drug')).toMatchObject({ estimate: 600, known: 8, gap: 592 });
    expect(line('all-three')).toMatchObject({ estimate: 220, known: 2 });
    expect(line('domestic-abuse')).toMatchObject({ known: 6 });
    // Births: unborn babies whose mother has 1B or 2B.
    expect(line('births')).toMatchObject({ estimate: 99, known: 1 });
    // Complex: families with 4 or more distinct needs.
    expect(line('complex')).toMatchObject({ estimate: 420, known: 1, gap: 419 });
    expect(table.byArea.drug).toEqual([
      { area: 'Ashby Vale', districtId: 'd1', basePopulation: 15_000, estimate: 400, known: 7, gap: 393 },
      { area: 'Brackenford', districtId: 'd2', basePopulation: 7_000, estimate: 200, known: 0, gap: 200 },
    ]);
    expect(table.byAgeBand.map((b) => [b.ageBand, b.children, b.estimates['alcohol']])).toEqual([
      ['0-4', 12_000, 2_652],
      ['5-15', 10_000, 2_210],
    ]);
  });

  it('leaves known empty for a rate with no rule', () => {
    const rates = [{ ...essexPrevalenceRates[0], knownRule: '' }];
    const table = prevalenceTable(rates, essex, []);
    expect(table.lines[0]).toMatchObject({ known: null, gap: null, estimate: 7_300 });
  });

  it('orders age bands by their first number', () => {
    expect(['10-15', 'All ages', '0-4', '5-9'].sort(compareAgeBands)).toEqual(['0-4', '5-9', '10-15', 'All ages']);
  });
});

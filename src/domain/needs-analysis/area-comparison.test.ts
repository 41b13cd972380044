import { describe, expect, it } from 'vitest';
import { compareAreas } from './area-comparison.ts';
import { formatDecimal, formatPercent } from './numbers.ts';

describe('area comparison', () => {
  // The report gives rates only (Harlow 1.75, Basildon 1.56, Tendring 1.3, Colchester 1.26) and
  // the Chelmsford and Harlow three-month averages (132 and 139): these populations are
  // illustrative, chosen to give the report's rates.
  const areas = [
    { area: 'Chelmsford', count: 132, people: 168_300 },
    { area: 'Colchester', count: 220, people: 174_600 },
    { area: 'Harlow', count: 139, people: 79_400 },
    { area: 'Tendring', count: 180, people: 138_400 },
    { area: 'Basildon', count: 276, people: 176_900 },
  ];

  it('ranks areas by rate per 1,000 people, highest first', () => {
    const result = compareAreas(areas);
    expect(result.lines.map((l) => [l.rank, l.area, formatDecimal(l.ratePer1000!)])).toEqual([
      [1, 'Harlow', '1.75'], [2, 'Basildon', '1.56'], [3, 'Tendring', '1.30'], [4, 'Colchester', '1.26'], [5, 'Chelmsford', '0.78'],
    ]);
  });

  it('sets each area’s share of the count against its share of the population', () => {
    const result = compareAreas(areas);
    expect(result.totalCount).toBe(947);
    expect(result.totalPeople).toBe(737_600);
    const harlow = result.lines.find((l) => l.area === 'Harlow')!;
    const chelmsford = result.lines.find((l) => l.area === 'Chelmsford')!;
    expect([formatPercent(harlow.countShare), formatPercent(harlow.populationShare!)]).toEqual(['14.7%', '10.8%']);
    expect(harlow.ratio!).toBeGreaterThan(1);
    expect([formatPercent(chelmsford.countShare), formatPercent(chelmsford.populationShare!)]).toEqual(['13.9%', '22.8%']);
    expect(chelmsford.ratio!).toBeLessThan(1);
    expect(formatDecimal(result.overallRatePer1000!)).toBe('1.28');
  });

  it('shares a rank between equal rates and puts areas with no population last, unranked', () => {
    const result = compareAreas([
      { area: 'B', count: 10, people: 1000 },
      { area: 'A', count: 20, people: 2000 },
      { area: 'C', count: 5, people: 0 },
      { area: 'D', count: 1, people: 1000 },
    ]);
    expect(result.lines.map((l) => [l.area, l.rank])).toEqual([['A', 1], ['B', 1], ['D', 3], ['C', null]]);
    expect(result.lines[3]).toMatchObject({ ratePer1000: null, populationShare: null, ratio: null });
  });

  it('shows rates per 1,000 rounded half up from the exact fraction (issue 15, item 22)', () => {
    const result = compareAreas([{ area: 'A', count: 69, people: 40_000 }, { area: 'B', count: 35, people: 200_000 }]);
    expect(result.lines.map((l) => [l.area, formatDecimal(l.ratePer1000!)])).toEqual([['A', '1.73'], ['B', '0.18']]);
    expect(formatDecimal(result.overallRatePer1000!)).toBe('0.43');
  });
});

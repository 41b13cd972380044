import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, toCsv } from './csv.ts';
import { parseAreaCountCsv, parsePopulationCsv, parseWholeNumber } from './population.ts';

const districts = [{ id: 'd1', name: 'Ashby Vale' }, { id: 'd2', name: 'Brackenford' }];

describe('CSV', () => {
  it('defuses formulas and quotes what needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('Ashby Vale, north')).toBe('"Ashby Vale, north"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(-12)).toBe('-12'); // a number is data, not a formula
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [['x', 1], ['=1', null]])).toBe("a,b\r\nx,1\r\n'=1,\r\n");
  });

  it('reads quoted fields, doubled quotes, CRLF and a byte order mark, numbering rows as a spreadsheet does', () => {
    const records = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",2\n');
    expect(records).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 2, fields: ['x, y', 'say "hi"'] },
      { row: 4, fields: ['multi\nline', '2'] },
    ]);
  });

  it('reads whole numbers with or without thousands commas', () => {
    expect(parseWholeNumber('262,000')).toBe(262_000);
    expect(parseWholeNumber(' 16264 ')).toBe(16_264);
    for (const bad of ['abc', '-5', '1.5', '26,20', '']) expect(parseWholeNumber(bad)).toBeNull();
  });
});

describe('population import', () => {
  it('reads districts and age bands', () => {
    const parsed = parsePopulationCsv('district,age_band,children,births,families,people\nashby vale,0-4,"5,000",1000,,\nBrackenford,0-15,7000,1200,9000,80000\n', { districts });
    expect(parsed).toEqual({ rows: [
      { area: 'Ashby Vale', districtId: 'd1', ageBand: '0-4', children: 5000, births: 1000, families: 0, people: 0 },
      { area: 'Brackenford', districtId: 'd2', ageBand: '0-15', children: 7000, births: 1200, families: 9000, people: 80000 },
    ] });
  });

  it('reports every problem with its row and field', () => {
    const parsed = parsePopulationCsv([
      'district,age_band,children,births,families,people',
      'Ashby Vale,0-4,5000,1000,0,0',
      'Ashby Vale,5-9,abc,0,0,0',
      'Nowhere,0-4,1,1,1,1',
      'Brackenford,,1,1,1,1',
      'Ashby Vale,0-4,1,1,1,1',
      'Brackenford,0-4,1,1',
      'Brackenford,5-9,1,1,1,200000000',
    ].join('\n'), { districts });
    expect('problems' in parsed && parsed.problems.map((p) => p.message)).toEqual([
      "row 3: children 'abc' is not a whole number",
      "row 4: district 'Nowhere' is not one of the partnership’s districts (Ashby Vale, Brackenford)",
      'row 5: enter the age band, for example 0-15',
      'row 6: Ashby Vale, 0-4 is already on row 2',
      'row 7: expected 6 values, found 4',
      'row 8: people 200000000 is more than 100,000,000',
    ]);
  });

  it('insists on the header', () => {
    expect(parsePopulationCsv('area,children\nx,1', { districts })).toEqual({ problems: [
      { row: 1, field: 'csv', message: 'row 1: the first row must be the column names district,age_band,children,births,families,people' },
    ] });
    expect(parsePopulationCsv('district,age_band,children,births,families,people\n', { districts })).toMatchObject({ problems: [{ message: 'The file has a header row but no rows of figures' }] });
    expect(parsePopulationCsv('', { districts })).toMatchObject({ problems: [{ row: 0 }] });
  });

  it('takes any area name for an example population', () => {
    expect(parsePopulationCsv('district,age_band,children,births,families,people\nEssex,0-15,262000,16264,160000,1300000', { anyArea: true }))
      .toEqual({ rows: [{ area: 'Essex', districtId: null, ageBand: '0-15', children: 262000, births: 16264, families: 160000, people: 1300000 }] });
  });

  it('reads counts by district', () => {
    expect(parseAreaCountCsv('district,count\nAshby Vale,139\nBrackenford,"1,320"', districts)).toEqual({ rows: [
      { area: 'Ashby Vale', districtId: 'd1', count: 139 }, { area: 'Brackenford', districtId: 'd2', count: 1320 },
    ] });
    expect(parseAreaCountCsv('district,count\nAshby Vale,x\nAshby Vale,3', districts)).toMatchObject({ problems: [
      { row: 2, field: 'count', message: "row 2: count 'x' is not a whole number" },
      { row: 3, field: 'district', message: 'row 3: Ashby Vale is already on row 2' },
    ] });
  });
});

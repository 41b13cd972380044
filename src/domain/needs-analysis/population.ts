/**
 * Population figures, typed on the page or imported from CSV
 * (district,age_band,children,births,families,people). An import is all or nothing: every
 * problem is reported with its row number and field, and nothing is saved until there are none.
 */
import { parseCsv } from './csv.ts';
import type { PopulationRow } from './prevalence.ts';

export const populationColumns = ['district', 'age_band', 'children', 'births', 'families', 'people'] as const;
export const countColumns = ['children', 'births', 'families', 'people'] as const;
export type CountColumn = (typeof countColumns)[number];

/** The most any one figure may be: more than the population of the UK is a typing slip. */
export const maxFigure = 100_000_000;

export interface RowProblem {
  /** Spreadsheet row (the header is row 1), or the form's row number. */
  row: number;
  field: string;
  message: string;
}

export interface District {
  id: string;
  name: string;
}

/** Where figures must belong: a partnership's districts, or any named area (an example such as Essex). */
export type AreaRule = { districts: readonly District[] } | { anyArea: true };

/** A whole number 0 or more, with or without thousands commas ('262,000'); null if it is not one. */
export function parseWholeNumber(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+|\d{1,3}(,\d{3})+)$/.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : null;
}

export interface RawPopulationRow {
  row: number;
  district: string;
  ageBand: string;
  children: string;
  births: string;
  families: string;
  people: string;
}

/** Checks rows (from a CSV file or the page's table) and turns them into population rows, or lists every problem. */
export function validatePopulation(raw: readonly RawPopulationRow[], areas: AreaRule): { rows: PopulationRow[] } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const rows: PopulationRow[] = [];
  const seen = new Map<string, number>();
  for (const r of raw) {
    const name = r.district.trim();
    let area = name;
    let districtId: string | null = null;
    if (!name) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: enter the district` });
    else if ('districts' in areas) {
      const match = areas.districts.find((d) => d.name.toLowerCase() === name.toLowerCase());
      if (!match) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: district '${name}' is not one of the partnership’s districts (${areas.districts.map((d) => d.name).join(', ')})` });
      else {
        area = match.name;
        districtId = match.id;
      }
    } else if (name.length > 100) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: the area name must be 100 characters or fewer` });
    const ageBand = r.ageBand.trim();
    if (!ageBand) problems.push({ row: r.row, field: 'age_band', message: `row ${r.row}: enter the age band, for example 0-15` });
    else if (ageBand.length > 20) problems.push({ row: r.row, field: 'age_band', message: `row ${r.row}: age band '${ageBand.slice(0, 20)}…' must be 20 characters or fewer` });
    const figures = {} as Record<CountColumn, number>;
    for (const column of countColumns) {
      const text = r[column].trim();
      if (text === '') {
        figures[column] = 0;
        continue;
      }
      const n = parseWholeNumber(text);
      if (n === null) problems.push({ row: r.row, field: column, message: `row ${r.row}: ${column} '${text}' is not a whole number` });
      else if (n > maxFigure) problems.push({ row: r.row, field: column, message: `row ${r.row}: ${column} ${text} is more than ${maxFigure.toLocaleString('en-GB')}` });
      else figures[column] = n;
    }
    if (name && ageBand) {
      const key = `${area.toLowerCase()}\u0000${ageBand.toLowerCase()}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push({ row: r.row, field: 'age_band', message: `row ${r.row}: ${area}, ${ageBand} is already on row ${first}` });
      else seen.set(key, r.row);
    }
    rows.push({ area, districtId, ageBand, ...figures });
  }
  if (!raw.length) problems.push({ row: 0, field: 'csv', message: 'There are no rows of figures: add at least one row' });
  return problems.length ? { problems } : { rows };
}

/** Reads population CSV text: checks the header, the number of values in each row, then every value. */
export function parsePopulationCsv(text: string, areas: AreaRule): { rows: PopulationRow[] } | { problems: RowProblem[] } {
  const records = parseCsv(text);
  if (!records.length) return { problems: [{ row: 0, field: 'csv', message: 'The file is empty: it needs a header row and at least one row of figures' }] };
  const [header, ...data] = records;
  const names = header.fields.map((f) => f.trim().toLowerCase());
  if (names.join(',') !== populationColumns.join(',')) {
    return { problems: [{ row: header.row, field: 'csv', message: `row ${header.row}: the first row must be the column names ${populationColumns.join(',')}` }] };
  }
  const problems: RowProblem[] = [];
  const raw: RawPopulationRow[] = [];
  for (const record of data) {
    if (record.fields.length !== populationColumns.length) {
      problems.push({ row: record.row, field: 'csv', message: `row ${record.row}: expected ${populationColumns.length} values, found ${record.fields.length}` });
      continue;
    }
    const [district, ageBand, children, births, families, people] = record.fields;
    raw.push({ row: record.row, district, ageBand, children, births, families, people });
  }
  if (!data.length) return { problems: [{ row: 0, field: 'csv', message: 'The file has a header row but no rows of figures' }] };
  const checked = validatePopulation(raw, areas);
  if ('problems' in checked) problems.push(...checked.problems);
  problems.sort((a, b) => a.row - b.row);
  return problems.length ? { problems } : checked;
}

export interface AreaCountRow {
  area: string;
  districtId: string;
  count: number;
}

/** Reads counts by district (district,count), all or nothing like populations. */
export function parseAreaCountCsv(text: string, districts: readonly District[]): { rows: AreaCountRow[] } | { problems: RowProblem[] } {
  const records = parseCsv(text);
  if (!records.length) return { problems: [{ row: 0, field: 'csv', message: 'The file is empty: it needs a header row district,count and a row for each district' }] };
  const [header, ...data] = records;
  if (header.fields.map((f) => f.trim().toLowerCase()).join(',') !== 'district,count') {
    return { problems: [{ row: header.row, field: 'csv', message: `row ${header.row}: the first row must be the column names district,count` }] };
  }
  return validateAreaCounts(data.map((r) => ({ row: r.row, district: r.fields[0] ?? '', count: r.fields[1] ?? '', width: r.fields.length })), districts);
}

export function validateAreaCounts(raw: readonly { row: number; district: string; count: string; width?: number }[], districts: readonly District[]): { rows: AreaCountRow[] } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const rows: AreaCountRow[] = [];
  const seen = new Map<string, number>();
  for (const r of raw) {
    if (r.width !== undefined && r.width !== 2) {
      problems.push({ row: r.row, field: 'csv', message: `row ${r.row}: expected 2 values, found ${r.width}` });
      continue;
    }
    const name = r.district.trim();
    const match = districts.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!name) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: enter the district` });
    else if (!match) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: district '${name}' is not one of the partnership’s districts (${districts.map((d) => d.name).join(', ')})` });
    else if (seen.has(match.id)) problems.push({ row: r.row, field: 'district', message: `row ${r.row}: ${match.name} is already on row ${seen.get(match.id)}` });
    else seen.set(match.id, r.row);
    const text = r.count.trim();
    const n = text === '' ? null : parseWholeNumber(text);
    if (text === '') problems.push({ row: r.row, field: 'count', message: `row ${r.row}: enter the count` });
    else if (n === null) problems.push({ row: r.row, field: 'count', message: `row ${r.row}: count '${text}' is not a whole number` });
    else if (n > maxFigure) problems.push({ row: r.row, field: 'count', message: `row ${r.row}: count ${text} is more than ${maxFigure.toLocaleString('en-GB')}` });
    if (match && n !== null && n <= maxFigure) rows.push({ area: match.name, districtId: match.id, count: n });
  }
  if (!raw.length) problems.push({ row: 0, field: 'csv', message: 'There are no counts: add a count for at least one district' });
  return problems.length ? { problems } : { rows };
}

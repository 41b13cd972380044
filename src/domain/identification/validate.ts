import { unsafeTextReason } from '../input.ts';
import { isIsoDate } from '../dates.ts';
import { agencyRefScheme, extractFormats, identifierColumns, personColumns, type Column, type ExtractFormat, type SourceKey } from './formats.ts';
import { identifierProblem, normaliseIdentifier } from './identifiers.ts';

/** One problem in an extract: the spreadsheet row (the header is row 1), the column and why. */
/** The longest a cell of an extract may be. */
const maxCellLength = 1_000;

export interface RowProblem {
  row: number;
  field: string;
  value: string;
  reason: string;
}

export type FieldValue = string | number | boolean | null;

/** One valid row, normalised: the person fields linkage needs and the format's event fields. */
export interface SourceRow {
  row: number;
  recordId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string | null;
  sex: 'F' | 'M' | null;
  postcode: string | null;
  address: string | null;
  eventDate: string;
  groupRef: string | null;
  fields: Record<string, FieldValue>;
  /** Identifiers by scheme, each in its canonical form (src/domain/identification/identifiers.ts). */
  identifiers: Record<string, string>;
}

/** Saved for an agency whose headers differ: the format's column name -> the header in their file. */
export type ColumnMapping = Record<string, string>;

const thousands = new Intl.NumberFormat('en-GB');

/** "row 1,204: date_of_birth '31/02/1990' is not a date" */
export function problemMessage(p: RowProblem): string {
  const value = p.value === '' ? '' : ` '${p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value}'`;
  return `row ${thousands.format(p.row)}: ${p.field}${value} ${p.reason}`;
}

/** 'YYYY-MM-DD' or 'DD/MM/YYYY' (also D/M/YYYY and DD-MM-YYYY) to ISO, or null if it is not a real date. */
export function parseDate(value: string): string | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return isIsoDate(v) ? v : null;
  // Spreadsheets often export date cells with a midnight time.
  const withTime = /^(\d{4}-\d{2}-\d{2})[T ]00:00(:00(\.000)?)?Z?$/.exec(v);
  if (withTime) return isIsoDate(withTime[1]) ? withTime[1] : null;
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (!uk) return null;
  const iso = `${uk[3]}-${uk[2].padStart(2, '0')}-${uk[1].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$/;

/** 'cm11aa' -> 'CM1 1AA', or null if it is not the shape of a UK postcode. */
export function normalisePostcode(value: string): string | null {
  const m = POSTCODE.exec(value.trim().toUpperCase().replace(/\s+/g, ' '));
  return m ? `${m[1]} ${m[2]}` : null;
}

const yes = new Set(['y', 'yes', 'true', '1']);
const no = new Set(['n', 'no', 'false', '0']);

function parseValue(column: Column, raw: string): { value: FieldValue } | { reason: string } {
  const v = raw.trim();
  switch (column.type) {
    case 'text':
      return v.length > 200 ? { reason: 'is longer than 200 characters' } : { value: v };
    case 'date': {
      const d = parseDate(v);
      return d ? { value: d } : { reason: 'is not a date' };
    }
    case 'integer':
      return /^\d{1,6}$/.test(v) ? { value: Number(v) } : { reason: 'is not a whole number' };
    case 'number': {
      const n = Number(v.replace(/^£/, '').replace(/,/g, ''));
      return v !== '' && Number.isFinite(n) ? { value: n } : { reason: 'is not a number' };
    }
    case 'percent': {
      const n = Number(v.replace(/%$/, ''));
      return v !== '' && Number.isFinite(n) && n >= 0 && n <= 100 ? { value: n } : { reason: 'is not a percentage from 0 to 100' };
    }
    case 'boolean': {
      const l = v.toLowerCase();
      if (yes.has(l)) return { value: true };
      if (no.has(l)) return { value: false };
      return { reason: 'is not Y or N' };
    }
    case 'enum': {
      const found = column.values!.find((x) => x.toLowerCase() === v.toLowerCase());
      return found ? { value: found } : { reason: `is not one of ${column.values!.join(', ')}` };
    }
    case 'sex': {
      const l = v.toLowerCase();
      if (l === 'f' || l === 'female') return { value: 'F' };
      if (l === 'm' || l === 'male') return { value: 'M' };
      if (l === 'u' || l === 'not known' || l === 'unknown') return { value: null };
      return { reason: 'is not F, M or U' };
    }
    case 'postcode': {
      const p = normalisePostcode(v);
      return p ? { value: p } : { reason: 'is not a UK postcode' };
    }
    case 'identifier': {
      const reason = identifierProblem(column.scheme!, v);
      return reason ? { reason } : { value: normaliseIdentifier(column.scheme!, v) };
    }
  }
}

export interface HeaderPlan {
  /** Column name -> index in the file's rows. */
  index: Record<string, number>;
  problems: RowProblem[];
}

/** Where each of the format's columns is in the file, using the saved mapping where the headers differ. */
export function planHeaders(format: ExtractFormat, headers: readonly string[], mapping: ColumnMapping = {}): HeaderPlan {
  const find = (name: string) => headers.findIndex((h) => h.trim().toLowerCase() === name.trim().toLowerCase());
  const index: Record<string, number> = {};
  const problems: RowProblem[] = [];
  for (const column of format.columns) {
    const header = mapping[column.name] || column.name;
    const at = find(header);
    if (at >= 0) index[column.name] = at;
    else if (mapping[column.name] && find(column.name) >= 0) index[column.name] = find(column.name);
    else if (column.required) {
      problems.push({ row: 1, field: column.name, value: '', reason: mapping[column.name] ? `is missing: no column headed '${header}'` : 'is missing: no column with this heading (save a column mapping if your file names it differently)' });
    }
  }
  return { index, problems };
}

const notEvent = new Set([...personColumns, ...identifierColumns].map((c) => c.name));

/** Checks and normalises one data row; a row with any problem gives no record. `agencyName`: whose own references `agency_ref` holds. */
export function validateRow(format: ExtractFormat, cells: readonly string[], index: Record<string, number>, row: number, agencyName = ''): { record: SourceRow | null; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const values: Record<string, FieldValue> = {};
  for (const column of format.columns) {
    const at = index[column.name];
    const raw = at === undefined ? '' : String(cells[at] ?? '').trim();
    const unsafe = unsafeTextReason(raw, maxCellLength);
    if (unsafe) {
      // The value is left out of the problem: it is what cannot be shown or stored.
      problems.push({ row, field: column.name, value: '', reason: unsafe });
      continue;
    }
    if (raw === '') {
      if (column.required) problems.push({ row, field: column.name, value: '', reason: 'is empty' });
      values[column.name] = null;
      continue;
    }
    const parsed = parseValue(column, raw);
    if ('reason' in parsed) problems.push({ row, field: column.name, value: raw, reason: parsed.reason });
    else values[column.name] = parsed.value;
  }
  const dob = values.date_of_birth as string | null;
  const eventDate = values[format.eventDate] as string | null;
  if (dob && eventDate && dob > eventDate) problems.push({ row, field: 'date_of_birth', value: dob, reason: `is after the ${format.eventDate}` });
  if (problems.length) return { record: null, problems };
  const fields: Record<string, FieldValue> = {};
  const identifiers: Record<string, string> = {};
  for (const column of format.columns) {
    const value = values[column.name];
    if (column.scheme) {
      if (typeof value === 'string') identifiers[column.scheme === 'agency' ? agencyRefScheme(format.key, agencyName) : column.scheme] = value;
    } else if (!notEvent.has(column.name)) fields[column.name] = value;
  }
  return {
    record: {
      row,
      recordId: values.record_id as string,
      firstName: values.first_name as string,
      lastName: values.last_name as string,
      dateOfBirth: dob,
      sex: values.sex as 'F' | 'M' | null,
      postcode: values.postcode as string | null,
      address: values.address_line as string | null,
      eventDate: eventDate!,
      groupRef: format.groupColumn ? (values[format.groupColumn] as string | null) : null,
      fields,
      identifiers,
    },
    problems: [],
  };
}

export function formatFor(source: SourceKey): ExtractFormat {
  return extractFormats[source];
}

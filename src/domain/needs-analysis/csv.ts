/**
 * CSV in and out. Reading follows RFC 4180 (quoted fields, doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF). Writing quotes where needed and defuses spreadsheet
 * formulas: a text cell starting with = + - @ (or a tab or carriage return) gets a leading
 * single quote, so opening the file in a spreadsheet can never run it (CSV injection).
 */

export interface CsvRecord {
  /** The record's row number as a spreadsheet shows it: the header is row 1. */
  row: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const source = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let row = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ row, fields });
    fields = [];
    field = '';
    row += 1;
  };
  while (i < source.length) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' && source[i + 1] === '\n') {
      endRecord();
      i += 1;
    } else if (ch === '\n' || ch === '\r') endRecord();
    else field += ch;
    i += 1;
  }
  if (field !== '' || fields.length || quoted) endRecord();
  // Blank lines are skipped, but keep their numbers so messages match the spreadsheet.
  return records.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
}

export type CsvCell = string | number | null | undefined;

const formulaStart = /^[=+\-@\t\r]/;

/** One cell, quoted when it holds a comma, quote or line break; text that a spreadsheet would run as a formula is prefixed with '. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A table as CSV text, CRLF line endings as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

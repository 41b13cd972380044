import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type FileKind = 'csv' | 'xlsx';

export function fileKindOf(filename: string): FileKind | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return null;
}

/** SHA-256 of the file, read as a stream. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Date cells: exceljs gives a Date at UTC midnight for a date typed into a spreadsheet.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    return '';
  }
  return String(value);
}

/**
 * The file's rows as arrays of cell text, header row first, one at a time: a file of any size is
 * read in constant memory (csv-parse streaming; exceljs's streaming WorkbookReader, first sheet).
 */
export async function* readRows(path: string, kind: FileKind): AsyncGenerator<string[]> {
  let row = 0;
  try {
    if (kind === 'csv') {
      const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
      for await (const record of parser) {
        row += 1;
        yield record as string[];
      }
      return;
    }
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { entries: 'emit', sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore' });
    for await (const sheet of reader) {
      for await (const sheetRow of sheet) {
        const values = (sheetRow as unknown as { values: unknown[] }).values;
        // exceljs rows are 1-based: values[0] is always empty.
        const cells = values.slice(1).map(cellText);
        row += 1;
        if (cells.some((c) => c.trim() !== '')) yield cells;
      }
      return;
    }
  } catch (error) {
    if (error instanceof FileFormatError) throw error;
    throw fileFormatError(error, row + 1, kind);
  }
}

/** The file itself cannot be read as CSV or XLSX (a stray quote, a broken spreadsheet): where and why, as a row problem. */
export class FileFormatError extends Error {
  constructor(readonly row: number, readonly reason: string) {
    super(`row ${row}: file: ${reason}`);
  }
}

function fileFormatError(error: unknown, row: number, kind: FileKind): FileFormatError {
  if (error instanceof CsvError) {
    // 'Invalid Opening Quote: a quote is found on field 1 at line 2, value is "ab"': keep the reason, not the value.
    const reason = error.message.split(':')[0].toLowerCase();
    const hint = ['INVALID_OPENING_QUOTE', 'INVALID_CLOSING_QUOTE', 'QUOTE_NOT_CLOSED'].includes(error.code)
      ? ': a cell has a stray double quote; put the whole cell in double quotes and double the quote inside ("ab""c")' : '';
    // The line csv-parse reached is the spreadsheet row (records already read may not have been handed on yet).
    const at = (error as CsvError & { lines?: number }).lines;
    return new FileFormatError(typeof at === 'number' && at > 0 ? at : row, `cannot be read as CSV (${reason})${hint}`);
  }
  return new FileFormatError(row, kind === 'csv' ? 'cannot be read as CSV' : 'cannot be read as an XLSX spreadsheet: save it again from the spreadsheet program as .xlsx');
}

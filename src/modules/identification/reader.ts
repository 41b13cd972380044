import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
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
  if (kind === 'csv') {
    const parser = createReadStream(path).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
    for await (const record of parser) yield record as string[];
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { entries: 'emit', sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore' });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row as unknown as { values: unknown[] }).values;
      // exceljs rows are 1-based: values[0] is always empty.
      const cells = values.slice(1).map(cellText);
      if (cells.some((c) => c.trim() !== '')) yield cells;
    }
    return;
  }
}

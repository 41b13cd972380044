import type { FastifyReply } from 'fastify';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import { cellValue, type DataTable } from './present.ts';

/** One small CSV per form or call (a population table or a count per district). */
export const maxCsvBytes = 5 * 1024 ** 2;
/** The input gate's limits for a CSV sent whole: the file's text (or the API's csv field) may be as long as the file allows. */
export const csvInputLimits = { text: maxCsvBytes, csv: maxCsvBytes, body: maxCsvBytes };

/** A table as CSV text: numbers as plain values (no thousands commas), text made safe from spreadsheet formulas. */
export function tableCsv(table: DataTable): string {
  return toCsv(table.columns.map((c) => c.text), table.rows.map((r) => r.map(cellValue)));
}

/** Sends a table as a CSV download. The byte order mark makes spreadsheets read it as UTF-8. */
export function sendCsv(reply: FastifyReply, table: DataTable) {
  const name = table.csvName.replace(/[^a-z0-9.-]/gi, '-');
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${name}"`)
    .send(`\uFEFF${tableCsv(table)}`);
}

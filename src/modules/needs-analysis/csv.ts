import type { FastifyReply } from 'fastify';
import { toCsv } from '../../domain/needs-analysis/csv.ts';
import { cellValue, type DataTable } from './present.ts';

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

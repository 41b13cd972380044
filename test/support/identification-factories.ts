import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { extractFormats, type SourceKey } from '../../src/domain/identification/formats.ts';

/** Test extracts: rows as objects keyed by the format's column names, written as CSV or XLSX. */

export type ExtractRowInput = Record<string, string>;

const personDefaults = (n: number): ExtractRowInput => ({
  record_id: `R-${n}`, first_name: 'Kerry', last_name: 'Walsh', date_of_birth: '17/05/1990', sex: 'F', postcode: 'NV1 4AB', address_line: '12 Mill Lane',
});

const eventDefaults: Record<SourceKey, ExtractRowInput> = {
  'police-da': { incident_ref: 'INC-1', incident_date: '2026-06-01', role: 'victim', children_present: 'Y', risk_level: 'medium' },
  school: { school_name: 'Riverside Primary', period_end: '2026-07-20', attendance_percent: '41', suspensions: '2', permanent_exclusion: 'N' },
  'drug-alcohol': { substance: 'alcohol', treatment_start: '2026-02-01', treatment_end: '', parental_status: 'lives_with_children', number_of_children: '2' },
  'mental-health': { contact_date: '2026-03-01', service: 'Community mental health team', is_parent: 'Y' },
  'youth-offending': { offence_date: '2026-04-01', kind: 'proven_offence', outcome: 'Referral order' },
  'social-care': { status: 'CIN', start_date: '2026-01-10', end_date: '' },
  housing: { as_at: '2026-09-30', arrears_amount: '1450', eviction_notice_date: '2026-09-01' },
  worklessness: { claim_start: '2025-01-01', benefit: 'Universal Credit' },
};

export function anExtractRow(source: SourceKey, n: number, over: ExtractRowInput = {}): ExtractRowInput {
  return { ...personDefaults(n), ...eventDefaults[source], ...over };
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function extractCsv(source: SourceKey, rows: ExtractRowInput[], headers: string[] = extractFormats[source].columns.map((c) => c.name), rename: Record<string, string> = {}): string {
  const lines = [headers.map((h) => rename[h] ?? h).join(',')];
  for (const r of rows) lines.push(headers.map((h) => csvCell(r[h] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

export async function writeExtract(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-extract-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

export async function extractXlsx(source: SourceKey, rows: ExtractRowInput[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Extract');
  const headers = extractFormats[source].columns.map((c) => c.name);
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(headers.map((h) => r[h] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const anAgreement = (over: Record<string, unknown> = {}) => ({
  name: `Safeguarding data sharing ${randomUUID().slice(0, 6)}`, parties: 'Testshire Council; Testshire Police', lawfulBasis: 'public_task',
  article9Condition: 'DPA 2018 Sch 1 para 18', reviewDate: '2027-03-31', ...over,
});

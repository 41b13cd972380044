/**
 * Reading the ONS Postcode Directory (ONSPD) CSV: only the columns the directory needs. Terminated
 * postcodes (a `doterm` date) and those with no grid reference (`osgrdind` 9, or the 99.999999
 * latitude ONSPD gives them) are skipped, not refused.
 */
import { normalisePostcode, postcodeKey } from './geo.ts';

export const onspdRequiredColumns = ['pcds', 'doterm', 'lat', 'long'] as const;

export interface OnspdColumns { pcds: number; doterm: number; lat: number; long: number; osgrdind: number }

export type OnspdRow =
  | { kind: 'postcode'; postcode: string; key: string; latitude: number; longitude: number }
  | { kind: 'terminated' }
  | { kind: 'no_grid_reference' }
  | { kind: 'problem'; message: string };

/** The positions of the needed columns, or the message naming those missing. */
export function onspdColumns(header: readonly string[]): OnspdColumns | { problem: string } {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = onspdRequiredColumns.filter((c) => !names.includes(c));
  if (missing.length) return { problem: `row 1: header: expected the ONSPD columns ${missing.join(', ')}` };
  return { pcds: names.indexOf('pcds'), doterm: names.indexOf('doterm'), lat: names.indexOf('lat'), long: names.indexOf('long'), osgrdind: names.indexOf('osgrdind') };
}

export function onspdRow(columns: OnspdColumns, record: readonly string[], rowNumber: number): OnspdRow {
  if ((record[columns.doterm] ?? '').trim() !== '') return { kind: 'terminated' };
  if (columns.osgrdind >= 0 && (record[columns.osgrdind] ?? '').trim() === '9') return { kind: 'no_grid_reference' };
  const latitude = Number(record[columns.lat]);
  const longitude = Number(record[columns.long]);
  if (latitude === 99.999999) return { kind: 'no_grid_reference' };
  const postcode = normalisePostcode(record[columns.pcds] ?? '');
  if (!postcode) return { kind: 'problem', message: `row ${rowNumber}: pcds: expected a postcode such as NV1 5SE` };
  if (!(record[columns.lat] ?? '').trim() || !Number.isFinite(latitude) || latitude < 49 || latitude > 61) {
    return { kind: 'problem', message: `row ${rowNumber}: lat: expected a UK latitude from 49 to 61` };
  }
  if (!(record[columns.long] ?? '').trim() || !Number.isFinite(longitude) || longitude < -9 || longitude > 3) {
    return { kind: 'problem', message: `row ${rowNumber}: long: expected a UK longitude from -9 to 3` };
  }
  return { kind: 'postcode', postcode, key: postcodeKey(postcode), latitude, longitude };
}

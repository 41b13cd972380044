/** A table for people and for machines: one definition serves the page, the CSV download and the PDF. */
export interface Column {
  text: string;
  numeric?: boolean;
}

/** A number keeps its value for CSV and its formatted text for people. */
export type Cell = string | { value: number; text: string } | null;

export interface DataTable {
  id: string;
  caption: string;
  columns: Column[];
  rows: Cell[][];
  /** File name for the CSV download. */
  csvName: string;
}

export function cellText(cell: Cell): string {
  if (cell === null) return '–';
  return typeof cell === 'string' ? cell : cell.text;
}

export function cellValue(cell: Cell): string | number | null {
  if (cell === null) return null;
  return typeof cell === 'string' ? cell : cell.value;
}

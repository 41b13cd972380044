/**
 * Reports as PDFs: the pages' tables and SVG charts placed with PDFKit (charts through
 * svg-to-pdfkit, so a chart in the PDF is the chart on the page).
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { cellText, type DataTable } from './data-table.ts';

export const margin = 42;
export const black = '#0b0c0c';
export const grey = '#505a5f';

export type Doc = PDFKit.PDFDocument;

/** A new A4 report and the promise of its bytes. `compress: false` leaves the page contents readable, for tests. */
export function pdfReport(info: { title: string; author: string; subject?: string }, options: { compress?: boolean } = {}) {
  const doc = new PDFDocument({
    size: 'A4', margin, lang: 'en-GB', displayTitle: true, compress: options.compress ?? true,
    info: { Title: info.title, Author: info.author, ...(info.subject ? { Subject: info.subject } : {}), Creator: 'Lantern' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

export function ensureRoom(doc: Doc, height: number) {
  if (doc.y + height > doc.page.height - margin) doc.addPage();
}

export function heading(doc: Doc, text: string) {
  ensureRoom(doc, 80);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(15).fillColor(black).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.3);
}

export function paragraph(doc: Doc, text: string, size = 10, colour = black) {
  doc.font('Helvetica').fontSize(size).fillColor(colour).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.4);
}

/** Draws an SVG chart scaled to the text width, starting a new page if it would not fit. */
export function chart(doc: Doc, svg: string) {
  const size = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  const [w, h] = size ? [Number(size[1]), Number(size[2])] : [640, 300];
  const width = doc.page.width - 2 * margin;
  const height = (h * width) / w;
  ensureRoom(doc, height + 10);
  // preserveAspectRatio makes svg-to-pdfkit fit the chart to the box: without it the SVG's own
  // width and height win, and a 640-wide chart runs off the page and over what follows.
  SVGtoPDF(doc, svg, margin, doc.y, { width, height, assumePt: true, preserveAspectRatio: 'xMinYMin meet' });
  doc.y += height + 8;
}

/** A table: column widths from their content, text wrapped, the header repeated on each new page. */
export function table(doc: Doc, t: DataTable, maxRows = Infinity) {
  const width = doc.page.width - 2 * margin;
  const rows = t.rows.slice(0, maxRows).map((r) => r.map(cellText));
  const weights = t.columns.map((c, i) => Math.min(40, Math.max(8, c.text.length * 0.6, ...rows.map((r) => (r[i] ?? '').length))));
  const total = weights.reduce((s, w) => s + w, 0);
  const pad = 3;
  const widths = fitWordsIn(weights.map((w) => (w / total) * width), columnMinimums(doc, t.columns.map((c) => c.text), rows, pad));
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    const rowHeight = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 2 * pad }))) + 2 * pad;
    if (doc.y + rowHeight > doc.page.height - margin) {
      doc.addPage();
      if (!bold) drawRow(t.columns.map((c) => c.text), true);
    }
    const y = doc.y;
    let x = margin;
    cells.forEach((c, i) => {
      doc.fillColor(black).text(c, x + pad, y + pad, { width: widths[i] - 2 * pad, align: t.columns[i]?.numeric ? 'right' : 'left' });
      x += widths[i];
    });
    doc.moveTo(margin, y + rowHeight).lineTo(margin + width, y + rowHeight).lineWidth(bold ? 1 : 0.5).strokeColor('#b1b4b6').stroke();
    doc.y = y + rowHeight;
    doc.x = margin;
  };
  ensureRoom(doc, 60);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(black).text(t.caption, margin, doc.y, { width });
  doc.moveDown(0.2);
  drawRow(t.columns.map((c) => c.text), true);
  for (const r of rows) drawRow(r, false);
  if (t.rows.length > maxRows) paragraph(doc, `The first ${maxRows} of ${t.rows.length} rows: download the CSV for all of them.`, 8, grey);
  doc.moveDown(0.6);
}

/** The width each column needs so its longest word (bold in the header) fits without breaking. */
function columnMinimums(doc: Doc, headers: string[], rows: string[][], pad: number): number[] {
  const widest = (texts: string[]) => Math.max(0, ...texts.flatMap((t) => t.split(/\s+/)).map((w) => doc.widthOfString(w)));
  doc.fontSize(8.5);
  return headers.map((header, i) => {
    doc.font('Helvetica-Bold');
    const head = widest([header]);
    doc.font('Helvetica');
    return Math.max(head, widest(rows.map((r) => r[i] ?? ''))) + 2 * pad + 1;
  });
}

/**
 * Widens any column narrower than its longest word, taking the room from the columns that have
 * some to spare: PDFKit breaks a word in the middle ("Numb er") only when it is wider than its column.
 */
export function fitWordsIn(widths: number[], minimums: number[]): number[] {
  const deficit = widths.reduce((s, w, i) => s + Math.max(0, minimums[i] - w), 0);
  const spare = widths.reduce((s, w, i) => s + Math.max(0, w - minimums[i]), 0);
  if (deficit === 0 || spare < deficit) return widths;
  return widths.map((w, i) => (w <= minimums[i] ? minimums[i] : w - ((w - minimums[i]) / spare) * deficit));
}

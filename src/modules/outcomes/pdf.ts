/**
 * The programme evaluation as a PDF: the page's tables and SVG charts placed with PDFKit. The
 * layout helpers follow the needs-analysis report's (kept here so each report can change alone).
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { formatDate } from '../../domain/dates.ts';
import { cellText, type DataTable } from '../needs-analysis/present.ts';
import type { Evaluation } from '../../domain/outcomes/evaluation.ts';
import { beforeAfterChart, beforeAfterTable, figuresChart, figuresTable, statusChart, statusTable, transitionsTable } from './present.ts';

const margin = 42;
const black = '#0b0c0c';
const grey = '#505a5f';
type Doc = PDFKit.PDFDocument;

const ensureRoom = (doc: Doc, height: number) => { if (doc.y + height > doc.page.height - margin) doc.addPage(); };

function heading(doc: Doc, text: string) {
  ensureRoom(doc, 80);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(15).fillColor(black).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.3);
}

function paragraph(doc: Doc, text: string, size = 10, colour = black) {
  doc.font('Helvetica').fontSize(size).fillColor(colour).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.4);
}

function chart(doc: Doc, svg: string) {
  const size = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  const [w, h] = size ? [Number(size[1]), Number(size[2])] : [640, 300];
  const width = doc.page.width - 2 * margin;
  const height = (h * width) / w;
  ensureRoom(doc, height + 10);
  SVGtoPDF(doc, svg, margin, doc.y, { width, height, assumePt: true });
  doc.y += height + 8;
}

function table(doc: Doc, t: DataTable) {
  const width = doc.page.width - 2 * margin;
  const rows = t.rows.map((r) => r.map(cellText));
  const weights = t.columns.map((c, i) => Math.min(40, Math.max(8, c.text.length * 0.6, ...rows.map((r) => (r[i] ?? '').length))));
  const total = weights.reduce((s, w) => s + w, 0);
  const widths = weights.map((w) => (w / total) * width);
  const pad = 3;
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
  doc.moveDown(0.6);
}

export function evaluationPdf(report: { programmeName: string; query: { from: string; to: string }; evaluation: Evaluation },
  meta: { generatedOn: string; generatedBy: string }, options: { compress?: boolean } = {}): Promise<Buffer> {
  const title = `Programme evaluation: ${report.programmeName}`;
  const doc = new PDFDocument({ size: 'A4', margin, lang: 'en-GB', displayTitle: true, compress: options.compress ?? true, info: { Title: title, Author: meta.generatedBy, Creator: 'Lantern' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const e = report.evaluation;
  doc.font('Helvetica-Bold').fontSize(20).fillColor(black).text(title, margin, margin);
  doc.moveDown(0.3);
  paragraph(doc, `Cases opened from ${formatDate(report.query.from)} to ${formatDate(report.query.to)}: ${e.cases} cases, ${e.casesWithClosure} with measures at closure. Produced by Lantern on ${formatDate(meta.generatedOn)} for ${meta.generatedBy}. Aggregate figures only: no names.`, 10, grey);
  heading(doc, 'Outcomes at closure');
  chart(doc, figuresChart(e));
  table(doc, figuresTable(e));
  heading(doc, 'Children’s statuses');
  chart(doc, statusChart(e));
  table(doc, statusTable(e));
  table(doc, transitionsTable(e));
  heading(doc, 'Before and after');
  chart(doc, beforeAfterChart(e));
  table(doc, beforeAfterTable(e));
  paragraph(doc, 'How the figures are worked out: offending compares proven offences in the 6 months before closure with half the count for the 12 months before referral (a fall of at least a third); anti-social behaviour compares the family’s incidents the same way (a fall of at least 60%); steps towards work count families where someone holds a step at closure they did not hold at referral.', 8, grey);
  doc.end();
  return done;
}

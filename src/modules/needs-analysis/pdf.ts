/**
 * The needs-analysis report as a PDF: the same tables and the same SVG charts as the pages,
 * placed with PDFKit (charts through svg-to-pdfkit, so a chart in the PDF is the chart on the page).
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { formatDate } from '../../domain/dates.ts';
import { formatCount } from '../../domain/needs-analysis/numbers.ts';
import {
  areaRateChart, areaTable, auditChart, auditTable, cellText, familiesText, overlapCombinationChart, overlapCombinationTable, overlapNumberChart,
  overlapNumberTable, prevalenceChart, prevalenceEstimatesTable, type DataTable,
} from './present.ts';
import type { ReportView } from './service.ts';

const margin = 42;
const black = '#0b0c0c';
const grey = '#505a5f';

type Doc = PDFKit.PDFDocument;

function bottom(doc: Doc) {
  return doc.page.height - margin;
}

function ensureRoom(doc: Doc, height: number) {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function heading(doc: Doc, text: string) {
  ensureRoom(doc, 80);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(15).fillColor(black).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.3);
}

function paragraph(doc: Doc, text: string, size = 10, colour = black) {
  doc.font('Helvetica').fontSize(size).fillColor(colour).text(text, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.4);
}

/** Draws an SVG chart scaled to the text width, starting a new page if it would not fit. */
function chart(doc: Doc, svg: string) {
  const size = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  const [w, h] = size ? [Number(size[1]), Number(size[2])] : [640, 300];
  const width = doc.page.width - 2 * margin;
  const height = (h * width) / w;
  ensureRoom(doc, height + 10);
  SVGtoPDF(doc, svg, margin, doc.y, { width, height, assumePt: true });
  doc.y += height + 8;
}

/** A table: column widths from their content, text wrapped, the header repeated on each new page. */
function table(doc: Doc, t: DataTable, maxRows = 40) {
  const width = doc.page.width - 2 * margin;
  const rows = t.rows.slice(0, maxRows).map((r) => r.map(cellText));
  const weights = t.columns.map((c, i) => Math.min(40, Math.max(8, c.text.length * 0.6, ...rows.map((r) => (r[i] ?? '').length))));
  const total = weights.reduce((s, w) => s + w, 0);
  const widths = weights.map((w) => (w / total) * width);
  const pad = 3;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 2 * pad }));
    const rowHeight = Math.max(...heights) + 2 * pad;
    if (doc.y + rowHeight > bottom(doc)) {
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

/** The report as PDF bytes. `compress: false` leaves the page contents readable, for tests. */
export function reportPdf(report: ReportView, meta: { generatedOn: string; generatedBy: string }, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', margin, lang: 'en-GB', displayTitle: true, compress: options.compress ?? true,
    info: { Title: 'Needs analysis: hidden harm', Author: meta.generatedBy, Subject: 'Prevalence estimates, overlap of vulnerabilities, area comparison and case-file audit', Creator: 'Lantern' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(22).fillColor(black).text('Needs analysis: hidden harm', margin, margin);
  doc.moveDown(0.3);
  paragraph(doc, `Produced by Lantern on ${formatDate(meta.generatedOn)} for ${meta.generatedBy}. Every figure is an aggregate count: this report holds no personal data.`, 10, grey);

  const { prevalence } = report;
  heading(doc, 'Prevalence estimates and the numbers known to services');
  if (prevalence.set && prevalence.table) {
    const view = { ...prevalence, table: prevalence.table };
    paragraph(doc, `National prevalence rates applied to ${prevalence.set.name}: ${formatCount(prevalence.table.totals.children)} children, ${formatCount(prevalence.table.totals.births)} births and ${formatCount(prevalence.table.totals.families)} families. The gap between the estimate and the number known to services is the hidden harm.`);
    chart(doc, prevalenceChart(view));
    table(doc, prevalenceEstimatesTable(view));
    paragraph(doc, 'Sources of the rates', 9);
    for (const line of prevalence.table.lines) paragraph(doc, `${line.rate.label}: ${line.rate.source}.`, 8, grey);
  } else {
    paragraph(doc, 'No population figures have been entered yet.');
  }

  const { overlap } = report;
  heading(doc, 'Overlap of parental vulnerabilities among known families');
  paragraph(doc, `${formatCount(overlap.familiesWithAny)} of the ${familiesText(overlap.totalFamilies)} in Lantern ${overlap.familiesWithAny === 1 ? 'has' : 'have'} at least one current parental vulnerability (alcohol misuse, drug misuse, domestic abuse, mental health, offending). Complex families, with four or more different current needs across their members: ${formatCount(overlap.complexFamilies)}.`);
  chart(doc, overlapNumberChart(overlap));
  table(doc, overlapNumberTable(overlap));
  chart(doc, overlapCombinationChart(overlap));
  table(doc, overlapCombinationTable(overlap), 15);

  const { areas } = report;
  heading(doc, 'Where need concentrates: area comparison');
  paragraph(doc, `${areas.measure.label}${areas.measure.source ? ` (${areas.measure.source})` : ''}, against the population of each district${areas.set ? ` (${areas.set.name})` : ''}.`);
  chart(doc, areaRateChart(areas));
  table(doc, areaTable(areas));

  heading(doc, 'Case-file audit');
  if (report.audit) {
    const { audit, result } = report.audit;
    paragraph(doc, `${audit.name}. ${audit.source}`);
    chart(doc, auditChart(audit.name, result));
    table(doc, auditTable(audit.name, result, audit.population_label));
    paragraph(doc, 'Percentages carry a Wilson score 95% confidence interval. The indicated number is the share of files applied to the whole population.', 8, grey);
  } else {
    paragraph(doc, 'No case-file audit has been recorded yet.');
  }

  doc.end();
  return done;
}

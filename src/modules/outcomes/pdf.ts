/**
 * The programme evaluation as a PDF: the page's tables and SVG charts.
 */
import { formatDate } from '../../domain/dates.ts';
import { black, chart, grey, heading, margin, paragraph, pdfReport, table } from '../../web/pdf-report.ts';
import type { Evaluation } from '../../domain/outcomes/evaluation.ts';
import { beforeAfterChart, beforeAfterTable, figuresChart, figuresTable, methodNotes, statusChart, statusTable, transitionsTable } from './present.ts';

export function evaluationPdf(report: { programmeName: string; query: { from: string; to: string }; evaluation: Evaluation },
  meta: { generatedOn: string; generatedBy: string }, options: { compress?: boolean } = {}): Promise<Buffer> {
  const title = `Programme evaluation: ${report.programmeName}`;
  const { doc, done } = pdfReport({ title, author: meta.generatedBy }, options);
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
  heading(doc, 'How the figures are worked out');
  for (const note of methodNotes) paragraph(doc, note, 8, grey);
  doc.end();
  return done;
}

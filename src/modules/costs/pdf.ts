/**
 * A cost-benefit analysis as a PDF: the same lines, steps and sums as the page (from present.ts),
 * so a commissioner's printed copy shows how every figure was reached.
 */
import PDFDocument from 'pdfkit';
import { formatDate } from '../../domain/dates.ts';
import { adjustmentsText, headline, lineRows, stepRows } from './present.ts';
import type { AnalysisView } from './service.ts';
import { fixedFraction } from '../../domain/rounding.ts';

const margin = 42;
const black = '#0b0c0c';
const grey = '#505a5f';

type Doc = PDFKit.PDFDocument;

function text(doc: Doc, value: string, options: { size?: number; bold?: boolean; colour?: string; gap?: number } = {}) {
  if (doc.y > doc.page.height - margin - 40) doc.addPage();
  doc.font(options.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(options.size ?? 10).fillColor(options.colour ?? black)
    .text(value, margin, doc.y, { width: doc.page.width - 2 * margin });
  doc.moveDown(options.gap ?? 0.3);
}

/** The analysis as PDF bytes. `compress: false` leaves the page contents readable, for tests. */
export function analysisPdf(view: AnalysisView, meta: { generatedOn: string; generatedBy: string }, options: { compress?: boolean } = {}): Promise<Buffer> {
  const a = view.analysis;
  const doc = new PDFDocument({
    size: 'A4', margin, lang: 'en-GB', displayTitle: true, compress: options.compress ?? true,
    info: { Title: `Cost-benefit analysis: ${a.name}`, Author: meta.generatedBy, Subject: 'Cost avoided, delivery cost, net saving and return per £1, with the sums behind them', Creator: 'Lantern' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(20).fillColor(black).text(`Cost-benefit analysis: ${a.name}`, margin, margin, { width: doc.page.width - 2 * margin });
  doc.moveDown(0.3);
  text(doc, `Produced by Lantern on ${formatDate(meta.generatedOn)} for ${meta.generatedBy}. Aggregate figures: no personal data. All money in ${view.shownPriceYear} prices.`, { size: 9, colour: grey, gap: 0.6 });
  if (a.cohort) text(doc, `Cohort: ${a.cohort}`);
  if (a.period) text(doc, `Period: ${a.period}`);
  text(doc, `Families: ${a.families}${a.children === null ? '' : `; children: ${a.children}`}. Adjustments: ${adjustmentsText(view)}.`);
  const line = headline(view);
  if (line) text(doc, line, { bold: true, size: 11, gap: 0.6 });
  if (view.problem) text(doc, view.problem, { bold: true });

  text(doc, 'What would have happened without the service', { bold: true, size: 14, gap: 0.4 });
  for (const l of lineRows(view)) {
    text(doc, `${l.position}. ${l.description}`, { bold: true, gap: 0.1 });
    if (l.deflationSum) text(doc, `Unit cost brought to ${view.shownPriceYear} prices: ${l.deflationSum}`, { size: 9, gap: 0.1 });
    text(doc, l.sum, { gap: 0.1 });
    text(doc, `Source: ${l.source}`, { size: 8, colour: grey, gap: 0.5 });
  }

  text(doc, 'The result, step by step', { bold: true, size: 14, gap: 0.4 });
  for (const s of stepRows(view)) {
    text(doc, `${s.label}: ${s.value}`, { bold: s.total, gap: 0.1 });
    text(doc, s.sum, { size: 9, colour: grey, gap: 0.4 });
  }
  if (a.deliveryCostNote) text(doc, `Delivery cost: ${a.deliveryCostNote}`, { size: 9, colour: grey });
  if (view.deflatorUsed.length) {
    text(doc, 'Deflator used', { bold: true, size: 12, gap: 0.2 });
    for (const y of view.deflatorUsed) text(doc, `${y.financialYear}: ${fixedFraction(y.indexThousandths, 1000, 3)} (${y.source})`, { size: 9 });
  }
  if (a.notes) {
    text(doc, 'Notes', { bold: true, size: 12, gap: 0.2 });
    text(doc, a.notes, { size: 9 });
  }
  if (view.changedCosts.length) {
    text(doc, `${view.changedCosts.length} of the unit costs used have changed in the unit-cost table since this analysis was saved; these figures use the costs as they were when it was saved.`, { size: 9, colour: grey });
  }
  doc.end();
  return done;
}

/**
 * The needs-analysis report as a PDF: the same tables and the same SVG charts as the pages,
 * placed with PDFKit (charts through svg-to-pdfkit, so a chart in the PDF is the chart on the page).
 */
import { formatDate } from '../../domain/dates.ts';
import { black, chart, grey, heading, margin, paragraph, pdfReport, table as pdfTable, type Doc } from '../../web/pdf-report.ts';
import { formatCount } from '../../domain/needs-analysis/numbers.ts';
import {
  areaRateChart, areaTable, auditChart, auditTable, cellText, familiesText, overlapCombinationChart, overlapCombinationTable, overlapNumberChart,
  overlapNumberTable, prevalenceChart, prevalenceEstimatesTable, type DataTable,
} from './present.ts';
import type { ReportView } from './service.ts';
import { noun } from '../../domain/plural.ts';

// Long tables stop at 40 rows here: the CSV has them all.
const table = (doc: Doc, t: DataTable, maxRows = 40) => pdfTable(doc, t, maxRows);

/** The report as PDF bytes. `compress: false` leaves the page contents readable, for tests. */
export function reportPdf(report: ReportView, meta: { generatedOn: string; generatedBy: string }, options: { compress?: boolean } = {}): Promise<Buffer> {
  const { doc, done } = pdfReport({
    title: 'Needs analysis: hidden harm', author: meta.generatedBy, subject: 'Prevalence estimates, overlap of vulnerabilities, area comparison and case-file audit',
  }, options);

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
  paragraph(doc, `${formatCount(overlap.familiesWithAny)} of the ${familiesText(overlap.totalFamilies)} in Lantern ${noun(overlap.familiesWithAny, 'has', 'have')} at least one current parental vulnerability (alcohol misuse, drug misuse, domestic abuse, mental health, offending). Complex families, with four or more different current needs across their members: ${formatCount(overlap.complexFamilies)}.`);
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

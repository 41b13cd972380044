/**
 * The evaluation and the claims as people read them: one table definition each for the page, the
 * CSV and the PDF, and the SVG charts that sit beside them.
 */
import { barChart, groupedBarChart } from '../../domain/charts/svg.ts';
import { outcomeAreaLabels } from '../../domain/casework/outcome-areas.ts';
import { legalStatusLabels, legalStatuses } from '../../domain/codes.ts';
import type { ClaimResult, ClaimTotals } from '../../domain/outcomes/claims.ts';
import { describeFigure, statusOrder, transitionLabel, wholePercent, type Evaluation, type Figure } from '../../domain/outcomes/evaluation.ts';
import { timePointLabels } from '../../domain/outcomes/measures.ts';
import type { Cell, DataTable } from '../../web/data-table.ts';

const count = (n: number): Cell => ({ value: n, text: n.toLocaleString('en-GB') });
const pounds = (n: number): Cell => ({ value: n, text: `£${n.toLocaleString('en-GB')}` });

/** The headline figures in the order the report shows them. */
export function headlineFigures(e: Evaluation): Figure[] {
  return [e.noLongerCp, e.noLongerCin, e.atRiskStillAtHome, e.offending, e.asb, e.work];
}

export function figuresTable(e: Evaluation): DataTable {
  const rows: Cell[][] = headlineFigures(e).map((f) => [
    f.label, f.cohort, describeFigure(f), count(f.numerator), count(f.denominator),
    f.denominator ? { value: wholePercent(f)!, text: `${wholePercent(f)}%` } : null,
  ]);
  const median = e.attendance.medianChange;
  rows.push([
    'Median change in school attendance (percentage points)', 'children under 85% attendance at referral, with attendance at closure',
    median === null ? 'None in the cohort' : `${median > 0 ? '+' : ''}${median} points (${e.attendance.children} ${e.attendance.children === 1 ? 'child' : 'children'})`,
    median === null ? null : { value: median, text: String(median) }, count(e.attendance.children), null,
  ]);
  return {
    id: 'figures', caption: 'Outcomes at closure against referral', csvName: 'outcome-figures.csv',
    columns: [{ text: 'Measure' }, { text: 'Cohort' }, { text: 'Result' }, { text: 'Number', numeric: true }, { text: 'Of', numeric: true }, { text: 'Percentage', numeric: true }],
    rows,
  };
}

export function statusTable(e: Evaluation): DataTable {
  return {
    id: 'statuses', caption: 'Children’s statuses at referral, closure and 6 and 12 months after', csvName: 'statuses.csv',
    columns: [{ text: 'Status' }, ...e.statusCounts.map((s) => ({ text: timePointLabels[s.timePoint], numeric: true }))],
    rows: [
      ...statusOrder.map((s) => [legalStatusLabels[s], ...e.statusCounts.map((c) => count(c.counts[s]))]),
      ['Children with a status recorded', ...e.statusCounts.map((c) => count(c.children))],
    ],
  };
}

const directionLabels = { down: 'Stepped down', up: 'Stepped up', same: 'No change' };

export function transitionsTable(e: Evaluation): DataTable {
  return {
    id: 'transitions', caption: 'Movements between statuses, referral to closure', csvName: 'status-transitions.csv',
    columns: [{ text: 'From (at referral)' }, { text: 'To (at closure)' }, { text: 'Movement' }, { text: 'Children', numeric: true }, { text: 'Cases', numeric: true }],
    rows: e.transitions.map((t) => [legalStatusLabels[t.from], t.to === 'none' ? 'No statutory involvement' : legalStatusLabels[t.to], directionLabels[t.direction], count(t.count), count(t.caseIds.length)]),
  };
}

export function beforeAfterTable(e: Evaluation): DataTable {
  return {
    id: 'before-after', caption: 'Before and after: the 6 months before referral against the 6 months before closure', csvName: 'before-after.csv',
    columns: [{ text: 'Measure' }, { text: 'Cases with both', numeric: true }, { text: 'Before', numeric: true }, { text: 'After', numeric: true }, { text: 'Change', numeric: true }],
    rows: e.beforeAfter.map((b) => [b.label, count(b.cases), count(b.before), count(b.after),
      b.change === null ? null : { value: Math.round(b.change * 100), text: `${b.change > 0 ? '+' : ''}${Math.round(b.change * 100)}%` }]),
  };
}

export function figuresChart(e: Evaluation): string {
  const figures = headlineFigures(e).filter((f) => f.denominator > 0);
  return barChart({
    id: 'chart-figures', title: 'Outcomes at closure', max: 100,
    description: figures.length ? figures.map((f) => `${f.label}: ${describeFigure(f)}`).join('. ') : 'No cases in the cohort have measures at referral and closure.',
    bars: figures.map((f) => ({ label: f.label, value: wholePercent(f) ?? 0, valueText: describeFigure(f) })),
  });
}

export function statusChart(e: Evaluation): string {
  const [referral, closure] = e.statusCounts;
  return groupedBarChart({
    id: 'chart-statuses', title: 'Children’s statuses at referral and at closure',
    description: `At referral: ${legalStatuses.map((s) => `${legalStatusLabels[s]} ${referral.counts[s]}`).join(', ')}. At closure: ${legalStatuses.map((s) => `${legalStatusLabels[s]} ${closure.counts[s]}`).join(', ')}.`,
    series: [{ name: 'At referral' }, { name: 'At closure' }],
    groups: statusOrder.map((s) => ({ label: legalStatusLabels[s], values: [referral.counts[s], closure.counts[s]] })),
  });
}

export function beforeAfterChart(e: Evaluation): string {
  return groupedBarChart({
    id: 'chart-before-after', title: 'Before and after the work',
    description: e.beforeAfter.map((b) => `${b.label}: ${b.before} before, ${b.after} after (${b.cases} cases)`).join('. '),
    series: [{ name: 'Before (6 months before referral)' }, { name: 'After (6 months before closure)' }],
    groups: e.beforeAfter.map((b) => ({ label: b.label, values: [b.before, b.after] })),
  });
}

const claimStatusLabels = { eligible: 'Eligible to claim', close: 'Close', not_eligible: 'Not eligible' };

export function claimsTable(results: (ClaimResult & { reference: string; problems: string[] })[], links: Record<string, { familyName: string }>): DataTable {
  return {
    id: 'claims', caption: 'Families and their claims', csvName: 'supporting-families-claims.csv',
    columns: [{ text: 'Case' }, { text: 'Family' }, { text: 'Status' }, { text: 'Problems at attachment' }, { text: 'What is missing' }, { text: 'Payment', numeric: true }],
    rows: results.map((r) => [
      r.reference, links[r.caseId] ? `${links[r.caseId].familyName} family` : 'Not shown', claimStatusLabels[r.status],
      r.problems.map((a) => outcomeAreaLabels[a as keyof typeof outcomeAreaLabels]).join('; '), r.missing.join('; '), pounds(r.payment),
    ]),
  };
}

export function claimTotalsTable(t: ClaimTotals, settings: { attachmentFee: number; resultsPayment: number }): DataTable {
  return {
    id: 'claim-totals', caption: 'Payment', csvName: 'claim-totals.csv',
    columns: [{ text: 'Payment' }, { text: 'Families', numeric: true }, { text: 'Each', numeric: true }, { text: 'Total', numeric: true }],
    rows: [
      ['Attachment fee', count(t.attached), pounds(settings.attachmentFee), pounds(t.attachmentFees)],
      ['Results payment', count(t.eligible), pounds(settings.resultsPayment), pounds(t.resultsPayments)],
      ['Total', count(t.families), null, pounds(t.total)],
    ],
  };
}

export { claimStatusLabels };

/**
 * The evaluation and the claims as people read them: one table definition each for the page, the
 * CSV and the PDF, and the SVG charts that sit beside them.
 */
import { barChart, groupedBarChart } from '../../domain/charts/svg.ts';
import { outcomeAreaLabels } from '../../domain/casework/outcome-areas.ts';
import { legalStatusLabels, legalStatuses, type LegalStatus } from '../../domain/codes.ts';
import { paymentModels, type ClaimResult, type ClaimSettings, type ClaimTotals } from '../../domain/outcomes/claims.ts';
import { describeFigure, statusOrder, transitionLabel, wholePercent, type Evaluation, type Figure } from '../../domain/outcomes/evaluation.ts';
import { fixed, roundFraction } from '../../domain/rounding.ts';
import { timePointLabels } from '../../domain/outcomes/measures.ts';
import type { Cell, DataTable } from '../../web/data-table.ts';
import { count as countWords } from '../../domain/plural.ts';

const count = (n: number): Cell => ({ value: n, text: n.toLocaleString('en-GB') });
const pounds = (n: number): Cell => ({ value: n, text: `£${n.toLocaleString('en-GB')}` });

/** The headline figures in the order the report shows them. */
export function headlineFigures(e: Evaluation): Figure[] {
  return [e.noLongerCp, e.noLongerCin, e.atRiskStillAtHome, e.offending, e.asb, e.work];
}

const statusWords = (s: LegalStatus) => (s === 'none' ? 'no statutory involvement' : legalStatusLabels[s]);

/** "9 of 14 (64%): 1 to Looked After, 8 to Child in Need": where the children went, beside the figure. */
export function figureResult(f: Figure): string {
  const moves = (f.movements ?? []).map((m) => `${m.count} to ${statusWords(m.to)}`);
  return moves.length ? `${describeFigure(f)}: ${moves.join(', ')}` : describeFigure(f);
}

const signedText = (n: number, unit: string) => `${n > 0 ? '+' : ''}${fixed(n, 1).replace(/\.0$/, '')}${unit}`;

/** The two attendance figures, labelled: the source's relative rise ("increased by 19%") and the rise in points. */
export function attendanceRows(e: Evaluation): Cell[][] {
  const { children, medianChange, medianRelativeChange } = e.attendance;
  const cohort = 'children referred for education with attendance under 85% at referral and recorded at closure';
  const who = countWords(children, 'child', 'children');
  return [
    ['Median change in school attendance (relative, %)', cohort,
      medianRelativeChange === null ? 'None in the cohort' : `${signedText(medianRelativeChange, '%')} (${who})`,
      medianRelativeChange === null ? null : { value: medianRelativeChange, text: signedText(medianRelativeChange, '%') }, count(children), null],
    ['Median change in school attendance (percentage points)', cohort,
      medianChange === null ? 'None in the cohort' : `${signedText(medianChange, ' points')} (${who})`,
      medianChange === null ? null : { value: medianChange, text: signedText(medianChange, '') }, count(children), null],
  ];
}

export function figuresTable(e: Evaluation): DataTable {
  const rows: Cell[][] = headlineFigures(e).map((f) => [
    f.label, f.cohort, figureResult(f), count(f.numerator), count(f.denominator),
    f.denominator ? { value: wholePercent(f)!, text: `${wholePercent(f)}%` } : null,
  ]);
  rows.push(...attendanceRows(e));
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

function changeCell(b: Evaluation['beforeAfter'][number]): Cell {
  if (!b.before) return null;
  const percent = roundFraction((b.after - b.before) * 100, b.before);
  return { value: percent, text: `${percent > 0 ? '+' : ''}${percent}%` };
}

/** How each figure is worked out, in the same words on the page and in the PDF. */
export const methodNotes: readonly string[] = [
  'No longer on a Child Protection Plan: children on a plan at referral who are not on one at closure, wherever they went (Looked After included, as Family Action counts it); the movements are shown beside the figure.',
  'No longer Child in Need: children who were Child in Need at referral and are not at closure, counted the same way.',
  'Still at home: children at risk of removal (or removed) at referral who are not looked after at closure.',
  'Offending reduced by at least 33%: children’s proven offences in the 6 months before closure against half the count for the 12 months before referral, compared exactly (200 a year to 67 counts). The claims use the same rule.',
  'Anti-social behaviour reduced by at least 60%: the family’s incidents compared the same way.',
  'Steps towards work: someone in the family volunteering, on a course, going to interviews or in work at closure who was not at referral.',
  'School attendance: children of families referred for education (a plan goal under “Getting a good education”) with attendance under 85% at referral and recorded at closure; the median relative change (70% to 89% is +27.1%, the source’s “increased by 19%”) and the median change in percentage points (+19 points).',
];

export function beforeAfterTable(e: Evaluation): DataTable {
  return {
    id: 'before-after', caption: 'Before and after: the 6 months before referral against the 6 months before closure', csvName: 'before-after.csv',
    columns: [{ text: 'Measure' }, { text: 'Cases with both', numeric: true }, { text: 'Before', numeric: true }, { text: 'After', numeric: true }, { text: 'Change', numeric: true }],
    rows: e.beforeAfter.map((b) => [b.label, count(b.cases), count(b.before), count(b.after),
      changeCell(b)]),
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

export function claimTotalsTable(t: ClaimTotals, settings: Pick<ClaimSettings, 'paymentModel' | 'attachmentFee' | 'resultsPayment'>): DataTable {
  const phase2 = settings.paymentModel === 'troubled_families_phase_2';
  return {
    id: 'claim-totals', caption: `Payment: ${paymentModels[settings.paymentModel].label}`, csvName: 'claim-totals.csv',
    columns: [{ text: 'Payment' }, { text: 'Families', numeric: true }, { text: 'Each', numeric: true }, { text: 'Total', numeric: true }],
    rows: [
      phase2 ? ['Attachment fee', count(t.attached), pounds(settings.attachmentFee), pounds(t.attachmentFees)] : ['Upfront funding (the council’s grant)', null, null, pounds(t.upfrontFunding)],
      ['Results payment', count(t.eligible), pounds(settings.resultsPayment), pounds(t.resultsPayments)],
      ['Total', count(t.families), null, pounds(t.total)],
    ],
  };
}

export { claimStatusLabels };

import type { Explanation } from '../../domain/linkage/types.ts';
import { levelNames } from '../../domain/level-of-need.ts';
import { segmentLabels, tfProblemLabels, type Segment, type TfProblem } from '../../domain/identification/prioritise.ts';
import type { HouseholdRow } from './repository.ts';
import { fixed, roundFraction } from '../../domain/rounding.ts';
import type { FieldErrors } from '../../domain/errors.ts';
import { problemMessage, type RowProblem } from '../../domain/identification/validate.ts';

/**
 * A refused extract as field errors: the file's own message, then each bad row's (row and field as
 * the key), and how many more — the same on the page's error summary and in the API's answer.
 */
export function refusalErrors(result: { filename: string; message: string; problems: readonly RowProblem[]; problemCount: number }): FieldErrors {
  const errors: FieldErrors = { file: `${result.filename}: ${result.message}` };
  for (const p of result.problems.slice(0, 50)) errors[`row${p.row}.${p.field}`] ??= problemMessage(p);
  const more = result.problemCount - Object.keys(errors).length + 1;
  if (more > 0) errors.form = `and ${more.toLocaleString('en-GB')} more problems`;
  return errors;
}

/** One step of the waterfall: the weight a field added or took away, and the running total after it. */
export interface WaterfallStep {
  label: string;
  level: string;
  weight: string;
  total: string;
  direction: 'for' | 'against' | 'prior';
  /** The bar as an SVG (server-rendered; decorative, the numbers are in the table). */
  svg: string;
}

const signed = (n: number) => `${n >= 0 ? '+' : '−'}${fixed(Math.abs(n), 2)}`;

/** The prior, then each field, as a waterfall: bars run from the running total before to the total after. */
export function waterfall(e: Explanation, width = 240): WaterfallStep[] {
  const steps = [{ label: 'Prior: how likely any two records are to match, before comparing fields', level: 'prior', weight: e.prior }, ...e.fields.map((f) => ({ label: f.label, level: f.level, weight: f.weight }))];
  let total = 0;
  const spans = steps.map((s) => {
    const from = total;
    total += s.weight;
    return { ...s, from, to: total };
  });
  const lo = Math.min(0, ...spans.map((s) => Math.min(s.from, s.to)));
  const hi = Math.max(0, ...spans.map((s) => Math.max(s.from, s.to)));
  const scale = (v: number) => ((v - lo) / (hi - lo || 1)) * (width - 2) + 1;
  return spans.map((s, i) => {
    const x = scale(Math.min(s.from, s.to));
    const w = Math.max(1, Math.abs(scale(s.to) - scale(s.from)));
    const direction = i === 0 ? 'prior' : s.weight >= 0 ? 'for' : 'against';
    const fill = direction === 'prior' ? '#505a5f' : direction === 'for' ? '#00703c' : '#d4351c';
    const zero = scale(0);
    const svg = `<svg width="${width}" height="18" viewBox="0 0 ${width} 18" aria-hidden="true" focusable="false"><line x1="${zero.toFixed(1)}" y1="0" x2="${zero.toFixed(1)}" y2="18" stroke="#0b0c0c" stroke-width="1"/><rect x="${x.toFixed(1)}" y="3" width="${w.toFixed(1)}" height="12" fill="${fill}"/></svg>`;
    return { label: s.label, level: s.level, weight: signed(s.weight), total: signed(s.to), direction, svg };
  });
}

export function money(pence: number): string {
  return `£${roundFraction(pence, 100).toLocaleString('en-GB')}`;
}

/** A list row as the page and the CSV show it. */
export function householdLine(h: HouseholdRow, rank: number) {
  return {
    rank, id: h.id, address: [h.address, h.postcode].filter(Boolean).join(', '), district: h.district_name ?? 'Not known', members: h.members,
    problems: h.problem_count, eligible: h.eligible ? 'Yes' : 'No', level: levelNames[h.level] ?? String(h.level), levelNumber: h.level,
    segment: segmentLabels[h.segment as Segment] ?? h.segment, cost: money(Number(h.cost_pence)), reasons: h.reasons,
    openTo: h.family_reference ? `Known to Lantern: family ${h.family_reference}` : '', familyId: h.family_id,
  };
}

export function problemLabel(p: string): string {
  return tfProblemLabels[p as TfProblem] ?? p;
}

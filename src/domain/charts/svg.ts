/**
 * A tiny SVG chart builder: horizontal bar charts and grouped bar charts, pure strings, used
 * the same in pages and in the PDF report. Each chart is role="img", named by its <title> (aria-labelledby)
 * and described by its <desc> (aria-describedby), and every bar carries its value as text, so the
 * chart reads without colour. The data always sits in a table beside the chart as well.
 * No CSS: colours and fonts are attributes, so the chart looks the same under the page's
 * Content-Security-Policy and in a PDF.
 */

/** GOV.UK Design System colours. */
export const govukColours = {
  blue: '#1d70b8',
  darkBlue: '#003078',
  orange: '#f47738',
  green: '#00703c',
  purple: '#4c2c92',
  text: '#0b0c0c',
  secondaryText: '#505a5f',
  midGrey: '#b1b4b6',
  lightGrey: '#f3f2f1',
} as const;

/** Series colours in order: blue and orange keep their contrast for most colour vision. */
export const seriesColours = [govukColours.blue, govukColours.orange, govukColours.green, govukColours.purple];

const font = 'Arial, Helvetica, sans-serif';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Splits a label into lines of at most `max` characters, at spaces where it can. */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

export interface ChartText {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  description: string;
}

export interface Bar {
  label: string;
  value: number;
  /** How the value is written beside the bar, e.g. '7,300' or '28.6%'. Defaults to the value. */
  valueText?: string;
}

export interface BarChartOptions extends ChartText {
  bars: readonly Bar[];
  colour?: string;
  /** Total width in px (and pt in the PDF). */
  width?: number;
  /** Largest value the axis shows; defaults to the largest bar. */
  max?: number;
}

export interface GroupedBarChartOptions extends ChartText {
  series: readonly { name: string; colour?: string }[];
  groups: readonly { label: string; values: readonly number[]; valueTexts?: readonly string[] }[];
  width?: number;
  max?: number;
}

interface Layout {
  width: number;
  labelWidth: number;
  valueWidth: number;
  labelChars: number;
}

function layout(width: number): Layout {
  const labelWidth = Math.round(width * 0.36);
  const valueWidth = 150;
  return { width, labelWidth, valueWidth, labelChars: Math.floor((labelWidth - 12) / 6.6) };
}

function open(o: ChartText, width: number, height: number): string {
  const id = escapeXml(o.id);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="lantern-chart" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" `
    + `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}">`
    + `<title id="${id}-title">${escapeXml(o.title)}</title><desc id="${id}-desc">${escapeXml(o.description)}</desc>`
    + `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`;
}

function barLength(value: number, max: number, room: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.max(1, Math.round((value / max) * room * 10) / 10);
}

function labelLines(text: string, x: number, yCentre: number, chars: number): string {
  const lines = wrap(text, chars).slice(0, 3);
  const lineHeight = 15;
  const top = yCentre - ((lines.length - 1) * lineHeight) / 2;
  return lines.map((line, i) =>
    `<text x="${x}" y="${top + i * lineHeight}" dominant-baseline="middle" font-size="13" fill="${govukColours.text}">${escapeXml(line)}</text>`).join('');
}

/** A horizontal bar chart: one bar per label, its value written at the end of the bar. */
export function barChart(o: BarChartOptions): string {
  const { width, labelWidth, valueWidth, labelChars } = layout(o.width ?? 640);
  const rowHeight = 36;
  const top = 8;
  const height = top + Math.max(1, o.bars.length) * rowHeight + 8;
  const room = width - labelWidth - valueWidth;
  const max = o.max ?? Math.max(0, ...o.bars.map((b) => b.value));
  const colour = o.colour ?? govukColours.blue;
  const parts = [open(o, width, height)];
  parts.push(`<line x1="${labelWidth}" y1="${top}" x2="${labelWidth}" y2="${height - 8}" stroke="${govukColours.text}" stroke-width="1"/>`);
  o.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const centre = y + rowHeight / 2;
    const length = barLength(bar.value, max, room);
    parts.push(`<g class="lantern-chart__bar">`);
    parts.push(labelLines(bar.label, 0, centre, labelChars));
    parts.push(`<rect x="${labelWidth}" y="${y + 7}" width="${length}" height="${rowHeight - 14}" fill="${colour}"/>`);
    parts.push(`<text x="${labelWidth + length + 6}" y="${centre}" dominant-baseline="middle" font-size="13" font-weight="bold" fill="${govukColours.text}">${escapeXml(bar.valueText ?? String(bar.value))}</text>`);
    parts.push('</g>');
  });
  if (!o.bars.length) parts.push(`<text x="${labelWidth + 6}" y="${top + rowHeight / 2}" dominant-baseline="middle" font-size="13" fill="${govukColours.secondaryText}">No figures to show</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Grouped horizontal bars: for each label, one bar per series (e.g. estimated and known), each
 * written as "series: value" so the series can be told apart without colour. A key sits above.
 */
export function groupedBarChart(o: GroupedBarChartOptions): string {
  const { width, labelWidth, valueWidth, labelChars } = layout(o.width ?? 640);
  const barHeight = 16;
  const gap = 4;
  const groupGap = 16;
  const keyHeight = 28;
  const groupHeight = o.series.length * barHeight + (o.series.length - 1) * gap + groupGap;
  const height = keyHeight + Math.max(1, o.groups.length) * groupHeight + 8;
  const room = width - labelWidth - valueWidth;
  const max = o.max ?? Math.max(0, ...o.groups.flatMap((g) => g.values));
  const colours = o.series.map((s, i) => s.colour ?? seriesColours[i % seriesColours.length]);
  const parts = [open(o, width, height)];
  let keyX = labelWidth;
  o.series.forEach((s, i) => {
    parts.push(`<rect x="${keyX}" y="6" width="14" height="14" fill="${colours[i]}"/>`);
    parts.push(`<text x="${keyX + 20}" y="13" dominant-baseline="middle" font-size="13" fill="${govukColours.text}">${escapeXml(s.name)}</text>`);
    keyX += 34 + s.name.length * 7;
  });
  parts.push(`<line x1="${labelWidth}" y1="${keyHeight}" x2="${labelWidth}" y2="${height - 8}" stroke="${govukColours.text}" stroke-width="1"/>`);
  o.groups.forEach((group, g) => {
    const y = keyHeight + g * groupHeight + groupGap / 2;
    const barsHeight = groupHeight - groupGap;
    parts.push(`<g class="lantern-chart__group">`);
    parts.push(labelLines(group.label, 0, y + barsHeight / 2, labelChars));
    o.series.forEach((s, i) => {
      const value = group.values[i] ?? 0;
      const by = y + i * (barHeight + gap);
      const length = barLength(value, max, room);
      const text = `${s.name}: ${group.valueTexts?.[i] ?? String(value)}`;
      parts.push(`<rect x="${labelWidth}" y="${by}" width="${length}" height="${barHeight}" fill="${colours[i]}"/>`);
      parts.push(`<text x="${labelWidth + length + 6}" y="${by + barHeight / 2}" dominant-baseline="middle" font-size="12" fill="${govukColours.text}">${escapeXml(text)}</text>`);
    });
    parts.push('</g>');
  });
  if (!o.groups.length) parts.push(`<text x="${labelWidth + 6}" y="${keyHeight + 16}" dominant-baseline="middle" font-size="13" fill="${govukColours.secondaryText}">No figures to show</text>`);
  parts.push('</svg>');
  return parts.join('');
}

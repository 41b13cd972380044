import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, groupedBarChart, wrap } from './svg.ts';

describe('SVG charts', () => {
  it('draws an accessible horizontal bar chart with values as text', () => {
    const svg = barChart({ id: 'overlap', title: 'Families by number of vulnerabilities', description: 'Most families have one.', bars: [
      { label: '1', value: 50, valueText: '50 families' }, { label: '2', value: 25, valueText: '25 families' }, { label: '4 or more', value: 0, valueText: '0 families' },
    ] });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img" aria-labelledby="overlap-title" aria-describedby="overlap-desc"/);
    expect(svg).toContain('<title id="overlap-title">Families by number of vulnerabilities</title>');
    expect(svg).toContain('<desc id="overlap-desc">Most families have one.</desc>');
    expect(svg).toContain('>50 families</text>');
    expect(svg).toContain('>0 families</text>');
    const widths = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)" height="22" fill="#1d70b8"\/>/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(3);
    expect(widths[0]).toBeCloseTo(widths[1] * 2, 0); // bars are to scale
    expect(widths[2]).toBe(0);
  });

  it('draws grouped bars with a key, each bar naming its series', () => {
    const svg = groupedBarChart({
      id: 'prevalence', title: 'Estimated and known', description: 'Gap', series: [{ name: 'Estimated' }, { name: 'Known to services' }],
      groups: [{ label: 'Children of dependent drug misusing parents', values: [7300, 15], valueTexts: ['7,300', '15'] }],
    });
    expect(svg).toContain('>Estimated: 7,300</text>');
    expect(svg).toContain('>Known to services: 15</text>');
    expect(svg).toContain('fill="#1d70b8"');
    expect(svg).toContain('fill="#f47738"');
  });

  it('escapes text', () => {
    expect(escapeXml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = barChart({ id: 'x', title: '<script>', description: 'd', bars: [{ label: 'A & B', value: 1 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('A &amp; B');
  });

  it('wraps long labels at spaces', () => {
    expect(wrap('Children of parents with mental health problems', 20)).toEqual(['Children of parents', 'with mental health', 'problems']);
  });

  it('says when there is nothing to draw', () => {
    expect(barChart({ id: 'e', title: 't', description: 'd', bars: [] })).toContain('No figures to show');
  });
});

import { describe, expect, it } from 'vitest';
import { comparePartition, decodePartition, encodePartition, link, linkPartitions } from './link.ts';
import { generateRecords } from './synthetic.ts';

const { records } = generateRecords({ records: 1000, seed: 11 });
const sortedPairs = (pairs: { left: number; right: number; weight: number; decision: string }[]) =>
  pairs.map((p) => `${p.left}-${p.right}:${p.weight}:${p.decision}`).sort();

describe('a run split into partitions', () => {
  const whole = link(records);

  it.each([2, 5])('gives exactly the pairs, weights, model and people of one run, in %i partitions', (count) => {
    const parts = Array.from({ length: count }, (_, index) => comparePartition(records, { index, count }));
    // Every partition compares some pairs, and no pair twice.
    expect(parts.every((p) => p.left.length > 0)).toBe(true);
    expect(parts.reduce((n, p) => n + p.left.length, 0)).toBe(whole.stats.comparisons);
    // The merge takes the partitions in any order (workers finish when they finish).
    const merged = linkPartitions(records, [...parts].reverse());
    expect(merged.model).toEqual(whole.model);
    expect(Array.from(merged.clusterOf)).toEqual(Array.from(whole.clusterOf));
    expect(sortedPairs(merged.pairs)).toEqual(sortedPairs(whole.pairs));
    expect({ ...merged.stats, seconds: 0 }).toEqual({ ...whole.stats, seconds: 0 });
  });

  it('keeps clerical decisions the same way', () => {
    const [a, b] = whole.pairs.filter((p) => p.decision === 'review');
    if (!a || !b) throw new Error('The generated data gave fewer than two review pairs');
    const decisions = [{ left: records[a.left].key, right: records[a.right].key, match: true }, { left: records[b.left].key, right: records[b.right].key, match: false }];
    const one = link(records, { decisions });
    const parts = [0, 1].map((index) => comparePartition(records, { index, count: 2 }));
    // As bytes between machines and back.
    const merged = linkPartitions(records, parts.map((p) => decodePartition(Buffer.concat([Buffer.from('x'), Buffer.from(encodePartition(p))]).subarray(1))), { decisions });
    expect(Array.from(merged.clusterOf)).toEqual(Array.from(one.clusterOf));
    expect(sortedPairs(merged.pairs)).toEqual(sortedPairs(one.pairs));
  });
});

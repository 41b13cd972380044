import { describe, expect, it } from 'vitest';
import { link } from '../../domain/linkage/link.ts';
import { generateRecords } from '../../domain/linkage/synthetic.ts';
import { linkOffThread } from './link-thread.ts';

describe('matching in a worker thread of its own', () => {
  it('gives exactly what link() gives in this thread: the model, the pairs in order and the clusters', async () => {
    const { records } = generateRecords({ records: 600, seed: 7 });
    const decisions = [{ left: records[0].key, right: records[1].key, match: true }];
    const here = link(records, { decisions });
    // Small chunks, so the records go over, and the pairs come back, in several messages.
    const away = await linkOffThread(records, { decisions }, 1, { from: 0, chunk: 70 });
    expect(here.pairs.length).toBeGreaterThan(3 * 70);
    expect(away.model).toStrictEqual(here.model);
    expect(away.pairs).toStrictEqual(here.pairs);
    expect(away.clusterOf).toStrictEqual(here.clusterOf);
    expect(away.stats.comparisons).toBe(here.stats.comparisons);
  });
});

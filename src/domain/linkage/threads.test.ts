import { describe, expect, it } from 'vitest';
import { link } from './link.ts';
import { linkThreaded } from './threads.ts';
import { generateRecords } from './synthetic.ts';

const { records } = generateRecords({ records: 3000, seed: 16 });

describe('linkage split across worker threads', () => {
  const whole = link(records);

  it('gives exactly the model, pairs (in order, with their weights), clusters and counts of one thread', async () => {
    const threaded = await linkThreaded(records, {}, 2);
    // The generated data give links, reviews and pairs from several rules, so the merge order is tested.
    expect(whole.stats.links).toBeGreaterThan(100);
    expect(whole.stats.reviews).toBeGreaterThan(0);
    expect(threaded.model).toStrictEqual(whole.model);
    expect(threaded.pairs).toStrictEqual(whole.pairs);
    expect(threaded.clusterOf).toStrictEqual(whole.clusterOf);
    expect({ ...threaded.stats, seconds: 0 }).toStrictEqual({ ...whole.stats, seconds: 0 });
  }, 30_000);

  it('keeps clerical decisions, and with a stored model skips training, the same way', async () => {
    const [a, b] = whole.pairs.filter((p) => p.decision === 'review');
    if (!a || !b) throw new Error('The generated data gave fewer than two review pairs');
    const decisions = [{ left: records[a.left].key, right: records[a.right].key, match: true }, { left: records[b.left].key, right: records[b.right].key, match: false }];
    const options = { decisions, model: whole.model };
    const one = link(records, options);
    const threaded = await linkThreaded(records, options, 3);
    expect(one.pairs.find((p) => p.left === b.left && p.right === b.right)?.decision).toBe('apart');
    expect(threaded.pairs).toStrictEqual(one.pairs);
    expect(threaded.clusterOf).toStrictEqual(one.clusterOf);
  }, 30_000);

  it('runs on this thread alone when asked for one thread', async () => {
    const single = await linkThreaded(records, {}, 1);
    expect(single.pairs).toStrictEqual(whole.pairs);
  });
});

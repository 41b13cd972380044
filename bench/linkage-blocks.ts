/**
 * Where blocking's comparisons come from, rule by rule, on generated records: how big each rule's
 * blocks are before and after the cap, how many pairs each rule compares (a pair is compared by
 * the first rule that blocks it), how many records fall in a sliding window, and how many true
 * pairs each rule is the only one to find. Comparisons per record that grow with the data show
 * here as a rule whose blocks grow with the data.
 *
 *   npx tsx bench/linkage-blocks.ts --sizes 100000,1000000 [--seed 42] [--max-block 400]
 */
import { parseArgs } from 'node:util';
import { buildFeatures } from '../src/domain/linkage/features.ts';
import { blockAndCompare, capBlocks, capOf, MAX_BLOCK, rulesFor } from '../src/domain/linkage/blocking.ts';
import { generateRecords } from '../src/domain/linkage/synthetic.ts';
import { recordsByPerson } from './linkage-data.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
    'max-block': { type: 'string', default: String(MAX_BLOCK) },
    // compare the pairs as link() does (slower) rather than only count them; the counts are the same
    compare: { type: 'boolean', default: false },
  },
});

function sizesOf(keys: Int32Array): number[] {
  const counts = new Map<number, number>();
  for (const k of keys) if (k >= 0) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => a - b);
}

/** The block size the record at this quantile of records (not of blocks) sits in. */
function recordQuantile(sizes: number[], q: number): number {
  const total = sizes.reduce((s, x) => s + x, 0);
  let seen = 0;
  for (const s of sizes) {
    seen += s;
    if (seen >= q * total) return s;
  }
  return 0;
}

/** The pairs each rule compares (the first rule that blocks a pair), as blockAndCompare finds them, without comparing. */
function countPairs(keys: readonly Int32Array[], caps: readonly number[], into: Float64Array): void {
  const n = keys[0]?.length ?? 0;
  const order = new Int32Array(n);
  keys.forEach((k, r) => {
    const sizes = new Int32Array(n + 1);
    for (const x of k) if (x >= 0) sizes[x + 1]++;
    for (let b = 0; b < n; b++) sizes[b + 1] += sizes[b];
    const fill = sizes.slice();
    for (let i = 0; i < n; i++) if (k[i] >= 0) order[fill[k[i]]++] = i;
    for (let b = 0; b < n; b++) {
      const lo = sizes[b];
      const hi = sizes[b + 1];
      if (hi - lo > caps[r]) throw new Error('a windowed block: run with --compare');
      for (let x = lo; x < hi; x++)
        for (let y = x + 1; y < hi; y++) {
          const i = order[x];
          const j = order[y];
          let earlier = false;
          for (let e = 0; e < r && !earlier; e++) earlier = keys[e][i] >= 0 && keys[e][i] === keys[e][j];
          if (!earlier) into[r]++;
        }
    }
  });
}

for (const size of values.sizes.split(',').filter(Boolean).map(Number)) {
  const maxBlock = Number(values['max-block']);
  const { records, personOf } = generateRecords({ records: size, seed: Number(values.seed) });
  const f = buildFeatures(records);
  const rules = rulesFor(f);
  const raw = rules.map((r) => r.keys(f));
  const caps = rules.map((rule) => capOf(rule, maxBlock));
  const capped = raw.map((k, r) => capBlocks(f, k, caps[r]));
  const compared = new Float64Array(rules.length);
  if (values.compare) {
    const store = blockAndCompare(f, { maxBlock });
    for (let k = 0; k < store.length; k++) compared[store.rule[k]]++;
  } else countPairs(capped, caps, compared);
  const comparisons = compared.reduce((s, x) => s + x, 0);

  // true pairs: which rules find each (in a block compared all against all)
  const cappedSizes = capped.map((k) => {
    const s = new Int32Array(f.n);
    for (const x of k) if (x >= 0) s[x]++;
    return s;
  });
  const only = new Float64Array(rules.length);
  const found = new Float64Array(rules.length);
  let truePairs = 0;
  let missed = 0;
  for (const members of recordsByPerson(personOf))
    for (let x = 0; x < members.length; x++)
      for (let y = x + 1; y < members.length; y++) {
        truePairs++;
        const i = members[x];
        const j = members[y];
        const by = rules.map((_, r) => capped[r][i] >= 0 && capped[r][i] === capped[r][j] && cappedSizes[r][capped[r][i]] <= caps[r]);
        const count = by.filter(Boolean).length;
        by.forEach((b, r) => { if (b) found[r]++; });
        if (count === 1) only[by.indexOf(true)]++;
        if (count === 0) missed++;
      }

  console.log(`\n${size} records, max block ${maxBlock}: ${comparisons} comparisons (${(comparisons / size).toFixed(2)} per record), blocking recall ${((truePairs - missed) / truePairs).toFixed(4)}`);
  console.log('rule | compared per record | raw blocks: largest, median record\'s, 99th pct record\'s block | capped: largest, records in windowed blocks | true pairs found, only by this rule');
  rules.forEach((rule, r) => {
    const before = sizesOf(raw[r]);
    const after = sizesOf(capped[r]);
    const windowed = after.filter((s) => s > caps[r]).reduce((s, x) => s + x, 0);
    console.log(
      [
        rule.name.padEnd(72),
        (compared[r] / size).toFixed(2).padStart(6),
        `${before.at(-1) ?? 0}, ${recordQuantile(before, 0.5)}, ${recordQuantile(before, 0.99)}`.padStart(18),
        `${after.at(-1) ?? 0}, ${windowed}`.padStart(12),
        `${found[r]}, ${only[r]}`.padStart(16),
      ].join(' | '),
    );
  });
}

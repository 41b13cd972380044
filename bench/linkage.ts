/**
 * Measures the record-linkage engine: speed, peak memory and accuracy against the truth.
 *
 *   npm run bench:linkage                       # 10,000, 100,000 and 1,000,000 synthetic records
 *   npm run bench:linkage -- --sizes 10000,100000 [--seed 42] [--no-public]
 *
 * Each synthetic size runs in a fresh child process so that its peak memory (maxRSS) is its own.
 * Timing covers link() only (features, blocking, training, scoring, clustering), not generating
 * the records. Accuracy is pairwise: pairs of records placed in one cluster against pairs of
 * records of one true person. Blocking recall is the share of true pairs that share a blocking
 * key (in a block small enough to be compared all against all). The public labelled data sets
 * in /work/shared/data/linkage (FEBRL 1-3, Splink's fake_1000) are scored the same way.
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { link } from '../src/domain/linkage/index.ts';
import type { PersonRecord } from '../src/domain/linkage/types.ts';
import { generateRecords } from '../src/domain/linkage/synthetic.ts';
import { buildFeatures } from '../src/domain/linkage/features.ts';
import { rulesFor } from '../src/domain/linkage/blocking.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    seed: { type: 'string', default: '42' },
    single: { type: 'string' },
    'no-public': { type: 'boolean', default: false },
    data: { type: 'string', default: fileURLToPath(new URL('./data/linkage', import.meta.url)) },
  },
});

interface Accuracy {
  truePairs: number;
  predictedPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const choose2 = (k: number) => (k * (k - 1)) / 2;

/** Pairwise precision, recall and F1 of predicted clusters against true clusters. */
export function pairwise(clusterOf: ArrayLike<number>, truth: ArrayLike<number>): Accuracy {
  const n = clusterOf.length;
  const predicted = new Map<number, number>();
  const actual = new Map<number, number>();
  const both = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i];
    const t = truth[i];
    predicted.set(c, (predicted.get(c) ?? 0) + 1);
    actual.set(t, (actual.get(t) ?? 0) + 1);
    const key = c * 4_294_967_296 + t;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  let tp = 0;
  let pp = 0;
  let ap = 0;
  for (const k of both.values()) tp += choose2(k);
  for (const k of predicted.values()) pp += choose2(k);
  for (const k of actual.values()) ap += choose2(k);
  const precision = pp ? tp / pp : 1;
  const recall = ap ? tp / ap : 1;
  return { truePairs: ap, predictedPairs: pp, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Share of true pairs that at least one blocking rule puts in one (all-against-all) block. */
function blockingRecall(records: PersonRecord[], truth: ArrayLike<number>, maxBlock = 400): number {
  const f = buildFeatures(records);
  const keys = rulesFor(f).map((r) => r.keys(f));
  const sizes = keys.map((k) => {
    const counts = new Map<number, number>();
    for (const v of k) if (v >= 0) counts.set(v, (counts.get(v) ?? 0) + 1);
    return counts;
  });
  const byPerson = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const list = byPerson.get(truth[i]);
    if (list) list.push(i);
    else byPerson.set(truth[i], [i]);
  }
  let pairs = 0;
  let kept = 0;
  for (const members of byPerson.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        pairs++;
        const i = members[x];
        const j = members[y];
        if (keys.some((k, r) => k[i] >= 0 && k[i] === k[j] && (sizes[r].get(k[i]) ?? 0) <= maxBlock)) kept++;
      }
    }
  }
  return pairs ? kept / pairs : 1;
}

const fmt = (x: number, d = 4) => x.toFixed(d);

function runSynthetic(size: number, seed: number): void {
  const generated = generateRecords({ records: size, seed });
  const before = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const result = link(generated.records);
  const cpuSeconds = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6;
  const seconds = result.stats.seconds;
  const accuracy = pairwise(result.clusterOf, generated.personOf);
  const recallOfBlocking = blockingRecall(generated.records, generated.personOf);
  const peak = process.resourceUsage().maxRSS * 1024;
  // twins are two people: count twin pairs any of whose records landed in one cluster
  const clustersOf = new Map<number, Set<number>>();
  for (let i = 0; i < size; i++) {
    const set = clustersOf.get(generated.personOf[i]) ?? new Set<number>();
    set.add(result.clusterOf[i]);
    clustersOf.set(generated.personOf[i], set);
  }
  let twinsMerged = 0;
  for (const [a, b] of generated.twins) {
    const ca = clustersOf.get(a);
    const cb = clustersOf.get(b);
    if (ca && cb && [...ca].some((c) => cb.has(c))) twinsMerged++;
  }
  console.log(
    JSON.stringify({
      records: size,
      people: generated.people,
      seconds: Number(fmt(seconds, 2)),
      cpuSeconds: Number(fmt(cpuSeconds, 2)),
      recordsPerSecond: Math.round(size / seconds),
      peakMemoryMiB: Math.round(peak / 1048576),
      rssBeforeLinkMiB: Math.round(before / 1048576),
      comparisons: result.stats.comparisons,
      comparisonsPerRecord: Number((result.stats.comparisons / size).toFixed(2)),
      links: result.stats.links,
      reviews: result.stats.reviews,
      blockingRecall: Number(fmt(recallOfBlocking)),
      truePairs: accuracy.truePairs,
      precision: Number(fmt(accuracy.precision)),
      recall: Number(fmt(accuracy.recall)),
      f1: Number(fmt(accuracy.f1)),
      twinPairs: generated.twins.length,
      twinsMerged,
      // the machine is shared: a load average above the 2 cores means the wall time is inflated
      loadAverage: Number(loadavg()[0].toFixed(1)),
    }),
  );
}

function febrl(file: string, withId = false): { records: PersonRecord[]; truth: Int32Array } {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const records: PersonRecord[] = [];
  const ids = new Map<string, number>();
  const truth = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const c = line.split(',').map((s) => s.trim());
    const d = c[9];
    records.push({
      key: c[0],
      firstName: c[1] || null,
      lastName: c[2] || null,
      dateOfBirth: d && d.length === 8 ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null,
      postcode: c[7] || null,
      address: [c[3], c[4]].filter(Boolean).join(' ') || null,
      ...(withId && c[10] ? { identifiers: { soc_sec_id: c[10] } } : {}),
    });
    const person = c[0].split('-')[1];
    if (!ids.has(person)) ids.set(person, ids.size);
    truth[i] = ids.get(person)!;
  });
  return { records, truth };
}

/** Splink's fake_1000: no postcode or address, so the city stands in as the address line; the email is compared as itself. */
function fake1000(file: string): { records: PersonRecord[]; truth: Int32Array } {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const records: PersonRecord[] = [];
  const truth = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const c = line.split(',');
    records.push({ key: c[0], firstName: c[1] || null, lastName: c[2] || null, dateOfBirth: c[3] || null, postcode: null, address: c[4] || null, email: c[5] || null });
    truth[i] = Number(c[6]);
  });
  return { records, truth };
}

function runPublic(dir: string): void {
  const sets: [string, () => { records: PersonRecord[]; truth: Int32Array }][] = [
    ['FEBRL dataset1', () => febrl(`${dir}/dataset1.csv`)],
    ['FEBRL dataset2', () => febrl(`${dir}/dataset2.csv`)],
    ['FEBRL dataset3', () => febrl(`${dir}/dataset3.csv`)],
    ['FEBRL dataset1 + soc_sec_id', () => febrl(`${dir}/dataset1.csv`, true)],
    ['FEBRL dataset2 + soc_sec_id', () => febrl(`${dir}/dataset2.csv`, true)],
    ['FEBRL dataset3 + soc_sec_id', () => febrl(`${dir}/dataset3.csv`, true)],
    ['Splink fake_1000', () => fake1000(`${dir}/fake_1000.csv`)],
  ];
  for (const [name, load] of sets) {
    const { records, truth } = load();
    const result = link(records);
    const a = pairwise(result.clusterOf, truth);
    console.log(
      JSON.stringify({
        data: name,
        records: records.length,
        seconds: Number(fmt(result.stats.seconds, 2)),
        comparisons: result.stats.comparisons,
        comparisonsPerRecord: Number((result.stats.comparisons / records.length).toFixed(2)),
        blockingRecall: Number(fmt(blockingRecall(records, truth))),
        truePairs: a.truePairs,
        precision: Number(fmt(a.precision)),
        recall: Number(fmt(a.recall)),
        f1: Number(fmt(a.f1)),
      }),
    );
  }
}

if (values.single) {
  runSynthetic(Number(values.single), Number(values.seed));
} else {
  const script = fileURLToPath(import.meta.url);
  for (const size of values.sizes.split(',').filter(Boolean).map(Number)) {
    const child = spawnSync(process.execPath, [...process.execArgv, script, '--single', String(size), '--seed', values.seed], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
  if (!values['no-public'] && existsSync(`${values.data}/dataset1.csv`)) runPublic(values.data);
}

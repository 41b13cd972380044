/**
 * Measures the record-linkage engine: speed, peak memory and accuracy against the truth.
 *
 *   npm run bench:linkage                       # 10,000, 100,000 and 1,000,000 synthetic records
 *   npm run bench:linkage -- --sizes 10000,100000 [--seed 42] [--no-public] [--threads N] [--identifiers]
 *
 * --identifiers: the synthetic records carry NHS numbers, UPNs and NI numbers with realistic errors
 * (generateRecords' `identifiers`); every other field is as without it, so the two runs compare.
 *
 * --threads: threads sharing the comparisons of each synthetic run (linkThreaded; default all
 * cores; 1 is link() itself). The result is the same whatever the number; only the time differs.
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
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { link, linkThreaded } from '../src/domain/linkage/index.ts';
import { generateRecords } from '../src/domain/linkage/synthetic.ts';
import { blockingRecall, pairwise, publicSets } from './linkage-data.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    seed: { type: 'string', default: '42' },
    single: { type: 'string' },
    'no-public': { type: 'boolean', default: false },
    threads: { type: 'string', default: String(availableParallelism()) },
    identifiers: { type: 'boolean', default: false },
    data: { type: 'string', default: fileURLToPath(new URL('./data/linkage', import.meta.url)) },
  },
});

const fmt = (x: number, d = 4) => x.toFixed(d);

async function runSynthetic(size: number, seed: number, threads: number, identifiers: boolean): Promise<void> {
  const generated = generateRecords({ records: size, seed, identifiers });
  const before = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const result = await linkThreaded(generated.records, {}, threads);
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
      threads,
      identifiers,
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
      ...(identifiers ? { identifierErrors: Object.fromEntries(['typo', 'shared in error', "mother's number"].map((e) => [e, generated.identifierErrors!.filter((x) => x === e).length])) } : {}),
      // the machine is shared: a load average above the 2 cores means the wall time is inflated
      loadAverage: Number(loadavg()[0].toFixed(1)),
    }),
  );
}

function runPublic(dir: string): void {
  const sets = publicSets(dir);
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
  await runSynthetic(Number(values.single), Number(values.seed), Number(values.threads), values.identifiers);
} else {
  const script = fileURLToPath(import.meta.url);
  for (const size of values.sizes.split(',').filter(Boolean).map(Number)) {
    const child = spawnSync(process.execPath, [...process.execArgv, script, '--single', String(size), '--seed', values.seed, '--threads', values.threads, ...(values.identifiers ? ['--identifiers'] : [])], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = 1;
  }
  if (!values['no-public'] && existsSync(`${values.data}/dataset1.csv`)) runPublic(values.data);
}

/**
 * link() with its comparisons shared between threads (node:worker_threads), giving exactly what
 * link() gives: the same model, pairs in the same order with the same weights, and the same
 * clusters.
 *
 * The blocks are split into partitions as BlockingOptions.partition splits them (block b of rule r
 * goes to partition (r * 7919 + b) mod count). This thread compares partition 0; each worker
 * thread compares one other partition. A pair is compared in one block only, so the partitions'
 * pairs together are exactly link()'s, and their training counts (whole numbers) add up to
 * link()'s exactly, in any order. Each partition also reports its runs of pairs block by block
 * (rule, block, where the run ends): link() emits pairs rule by rule and block by block, so
 * merging the runs in (rule, block) order puts every pair where link() puts it. Training, scoring
 * and clustering then run once, on the merged pairs, exactly as link() runs them. Every thread
 * blocks on every rule's keys (a pair is compared under the first rule that blocks it), so the
 * threads first share out computing them (each every count-th rule's) and then exchange them.
 *
 * One thread (or blocking rules of the caller's own, which cannot be sent to a worker) takes
 * link() itself: no worker is started.
 */
import { Worker, parentPort } from 'node:worker_threads';
import type { LinkageResult, PersonRecord } from './types.ts';
import { addCounts, blockAndCompare, cappedKey, ruleFieldsOf, rulesFor, type BlockingOptions, type CappedKeys, type PairStore } from './blocking.ts';
import { buildFeatures, type Features } from './features.ts';
import { link, linkStore, type LinkOptions } from './link.ts';
import { coincidences, uFor, type TrainOptions } from './model.ts';

/** Blocking options that travel to a worker: plain numbers only (no rules, no partition). */
type PlainBlocking = Omit<BlockingOptions, 'rules' | 'partition' | 'keys'>;

/** One partition's compared pairs, with its runs of pairs block by block, in the order compared. */
interface ComparedPart extends Pick<PairStore, 'length' | 'left' | 'right' | 'code' | 'rule' | 'counts'> {
  runs: number;
  runRule: Int32Array;
  runBlock: Int32Array;
  /** Where each run ends (exclusive). */
  runEnd: Int32Array;
  /** u, when this partition's thread was asked to estimate it too. */
  u?: Float64Array[];
}

interface Job {
  f: Features;
  blocking: PlainBlocking;
  partition: { index: number; count: number };
  /** Also estimate u for training, with these options' samples and seed. */
  u?: TrainOptions;
}

/** The rules whose capped keys thread `index` of `count` computes: every count-th, from the index. */
function keyShare(f: Features, blocking: PlainBlocking, { index, count }: { index: number; count: number }): KeyShare {
  const rules = rulesFor(f, blocking);
  const share: KeyShare = { rules: [], keys: [], splitFrom: [] };
  for (let r = index; r < rules.length; r += count) {
    const capped = cappedKey(f, rules[r], blocking.maxBlock);
    share.rules.push(r);
    share.keys.push(capped.keys);
    share.splitFrom.push(capped.splitFrom);
  }
  return share;
}

/** Some rules' capped keys (cappedKey), by rule index. */
interface KeyShare {
  rules: number[];
  keys: Int32Array[];
  splitFrom: number[];
}

/** Every thread's share of the capped keys as the whole run's. */
function joinShares(shares: readonly KeyShare[]): CappedKeys {
  const capped: CappedKeys = { keys: [], splitFrom: [] };
  for (const share of shares)
    share.rules.forEach((r, x) => {
      capped.keys[r] = share.keys[x];
      capped.splitFrom[r] = share.splitFrom[x];
    });
  return capped;
}

/** Compares one partition's blocks (on the rules' capped keys) and finds its runs of pairs block by block. */
function comparePart({ f, blocking, partition }: Job, capped: CappedKeys, u?: Float64Array[]): ComparedPart {
  // a pair's block is its records' capped key under its rule
  const keys = capped.keys;
  const store = blockAndCompare(f, { ...blocking, partition, capped });
  const n = store.length;
  const runRule = new Int32Array(n);
  const runBlock = new Int32Array(n);
  const runEnd = new Int32Array(n);
  let runs = 0;
  for (let k = 0; k < n; k++) {
    const r = store.rule[k];
    const b = keys[r][store.left[k]];
    if (runs === 0 || runRule[runs - 1] !== r || runBlock[runs - 1] !== b) {
      runRule[runs] = r;
      runBlock[runs] = b;
      runs++;
    }
    runEnd[runs - 1] = k + 1;
  }
  return { length: n, left: store.left, right: store.right, code: store.code, rule: store.rule, counts: store.counts, runs, runRule, runBlock, runEnd, u };
}

/**
 * The partitions' pairs as one store in link()'s order: the runs of all partitions merged by
 * (rule, block), each (rule, block) belonging to one partition; the training counts added.
 */
function mergeParts(f: Features, blocking: PlainBlocking, parts: readonly ComparedPart[]): PairStore {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const left = new Int32Array(length);
  const right = new Int32Array(length);
  const code = new Uint32Array(length);
  const rule = new Uint8Array(length);
  const at = parts.map(() => 0);
  let out = 0;
  for (;;) {
    let best = -1;
    for (let p = 0; p < parts.length; p++) {
      const x = at[p];
      if (x >= parts[p].runs) continue;
      if (best < 0) best = p;
      else {
        const q = parts[best];
        const y = at[best];
        const r = parts[p].runRule[x];
        if (r < q.runRule[y] || (r === q.runRule[y] && parts[p].runBlock[x] < q.runBlock[y])) best = p;
      }
    }
    if (best < 0) break;
    const part = parts[best];
    const run = at[best]++;
    const end = part.runEnd[run];
    for (let k = run === 0 ? 0 : part.runEnd[run - 1]; k < end; k++, out++) {
      left[out] = part.left[k];
      right[out] = part.right[k];
      code[out] = part.code[k];
      rule[out] = part.rule[k];
    }
  }
  const counts = parts[0].counts;
  for (let p = 1; p < parts.length; p++) addCounts(counts, parts[p].counts);
  const rules = rulesFor(f, blocking);
  return { length, left, right, code, rule, counts, rules, ruleFields: ruleFieldsOf(rules) };
}

/** A worker's messages in the order sent; a worker that fails or stops rejects what is still awaited. */
function inbox(worker: Worker): () => Promise<unknown> {
  const received: unknown[] = [];
  const waiting: { resolve: (m: unknown) => void; reject: (e: Error) => void }[] = [];
  let failed: Error | undefined;
  const fail = (e: Error) => {
    failed ??= e;
    for (const w of waiting.splice(0)) w.reject(failed);
  };
  worker.on('message', (m: unknown) => {
    const w = waiting.shift();
    if (w) w.resolve(m);
    else received.push(m);
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`A record-linkage worker thread stopped (exit code ${code}) before it finished`)));
  return () =>
    received.length ? Promise.resolve(received.shift()) : failed ? Promise.reject(failed) : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

/**
 * link() on `threads` threads: this one and threads - 1 workers. The same result as link(records,
 * options), whatever the number of threads; one thread is link() itself.
 */
export async function linkThreaded(records: readonly PersonRecord[], options: LinkOptions = {}, threads = 1): Promise<LinkageResult> {
  const count = Math.floor(threads);
  const { rules, partition, capped, ...blocking } = options.blocking ?? {};
  if (!(count > 1) || rules || partition || capped) return link(records, options);
  const started = performance.now();
  // Started first, so that the workers load while this thread builds the features.
  const workers = Array.from({ length: count - 1 }, () => new Worker(new URL('./thread-worker.mjs', import.meta.url)));
  try {
    const next = workers.map(inbox);
    const f = buildFeatures(records);
    // Training's estimates from the records alone, in parallel with the comparisons: the first
    // worker estimates u (random pairs), this thread the chance rates (exact group counts).
    const training = !options.model;
    const trainOptions: TrainOptions = { uSamples: options.uSamples, seed: options.seed };
    workers.forEach((w, x) => w.postMessage({ f, blocking, partition: { index: x + 1, count }, u: training && x === 0 ? trainOptions : undefined } satisfies Job));
    // Each thread computes some rules' capped keys, and every thread compares on all of them.
    const own: Job = { f, blocking, partition: { index: 0, count } };
    const shares = [keyShare(f, blocking, own.partition), ...((await Promise.all(next.map((n) => n()))) as KeyShare[])];
    const capped = joinShares(shares);
    for (const w of workers) w.postMessage(capped);
    const mine = comparePart(own, capped);
    const rates = training ? coincidences(f) : undefined;
    const parts = [mine, ...((await Promise.all(next.map((n) => n()))) as ComparedPart[])];
    return linkStore(records, f, mergeParts(f, blocking, parts), options, started, { u: parts[1].u, rates });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The worker thread's side (thread-worker.mjs): one job, its pairs sent back without copying. */
export function serveWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker runs only in a worker thread');
  port.once('message', (job: Job) => {
    // copied, not transferred: a rule's keys may be an array of the features themselves (the email's)
    port.postMessage(keyShare(job.f, job.blocking, job.partition));
    // u while the other threads key their rules (the capped keys arrive once all have)
    const u = job.u && uFor(job.f, job.u);
    port.once('message', (capped: CappedKeys) => {
      const part = comparePart(job, capped, u);
      const arrays = [part.left, part.right, part.code, part.rule, part.runRule, part.runBlock, part.runEnd, ...part.counts, ...(part.u ?? [])];
      port.postMessage(part, arrays.map((a) => a.buffer as ArrayBuffer));
    });
  });
}

import { Worker, parentPort, workerData } from 'node:worker_threads';
import { linkThreaded, type LinkOptions } from '../../domain/linkage/index.ts';
import type { LinkageResult, PersonRecord } from '../../domain/linkage/types.ts';

interface LinkJob {
  options: LinkOptions;
  threads: number;
  chunk: number;
}

type ToWorker = { records: PersonRecord[] } | { go: true } | { more: true };
type FromWorker = { pairs: LinkageResult['pairs'] } | { done: Omit<LinkageResult, 'pairs'> } | { failed: string };

const breathe = () => new Promise((resolve) => setImmediate(resolve));

/**
 * linkThreaded() in a worker thread of its own. Comparing a million records keeps a thread busy
 * for tens of seconds without a pause; in the thread that answers pages, every page asked for
 * meanwhile would wait it out. The result is the same: the same function on a copy of the same
 * records. Options must be plain data (clerical decisions, a model), as they are copied too.
 * Fewer than `from` records stay in this thread: they take less time than starting a worker.
 * Records and pairs cross `chunk` at a time, and pairs only when asked for, one chunk a turn of the
 * event loop: copying a million in one message would hold the page thread for seconds again.
 */
export async function linkOffThread(records: readonly PersonRecord[], options: LinkOptions, threads: number, { from = 5_000, chunk = 20_000 } = {}): Promise<LinkageResult> {
  if (records.length < from) return linkThreaded(records, options, threads);
  const job: LinkJob = { options, threads, chunk };
  const worker = new Worker(new URL('./link-thread.mjs', import.meta.url), { workerData: job });
  const pairs: LinkageResult['pairs'] = [];
  const result = new Promise<LinkageResult>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      if ('pairs' in message) {
        for (const p of message.pairs) pairs.push(p);
        setImmediate(() => worker.postMessage({ more: true } satisfies ToWorker));
        return;
      }
      void worker.terminate();
      if ('failed' in message) reject(new Error(message.failed));
      else resolve({ ...message.done, pairs });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The record-linkage thread stopped (exit code ${code}) before it finished`)));
  });
  for (let i = 0; i < records.length; i += chunk) {
    worker.postMessage({ records: records.slice(i, i + chunk) } satisfies ToWorker);
    await breathe();
  }
  worker.postMessage({ go: true } satisfies ToWorker);
  return result;
}

/** The worker's side: gather the records, link, send the pairs back a chunk each time they are asked for, then the clusters (moved, not copied). */
export function serveLinkThread(): void {
  const { options, threads, chunk } = workerData as LinkJob;
  const records: PersonRecord[] = [];
  let result: LinkageResult | null = null;
  let sent = 0;
  const next = () => {
    const { pairs, ...rest } = result!;
    if (sent < pairs.length) {
      parentPort!.postMessage({ pairs: pairs.slice(sent, (sent += chunk)) } satisfies FromWorker);
      return;
    }
    parentPort!.postMessage({ done: rest } satisfies FromWorker, [rest.clusterOf.buffer as ArrayBuffer]);
  };
  parentPort!.on('message', (message: ToWorker) => {
    if ('records' in message) {
      for (const r of message.records) records.push(r);
    } else if ('more' in message) {
      next();
    } else {
      void linkThreaded(records, options, threads).then((linked) => {
        result = linked;
        next();
      }, (error: unknown) => parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies FromWorker));
    }
  });
}

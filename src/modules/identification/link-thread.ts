import { Worker, parentPort, workerData } from 'node:worker_threads';
import { linkThreaded, type LinkOptions } from '../../domain/linkage/index.ts';
import type { LinkageResult, PersonRecord } from '../../domain/linkage/types.ts';

interface LinkJob {
  records: readonly PersonRecord[];
  options: LinkOptions;
  threads: number;
}

/**
 * linkThreaded() in a worker thread of its own. Comparing a million records keeps a thread busy
 * for tens of seconds without a pause; in the thread that answers pages, every page asked for
 * meanwhile would wait it out. The result is the same: the same function on a copy of the same
 * records. Options must be plain data (clerical decisions, a model), as they are copied too.
 * Fewer than `from` records stay in this thread: they take less time than starting a worker.
 */
export async function linkOffThread(records: readonly PersonRecord[], options: LinkOptions, threads: number, { from = 20_000 } = {}): Promise<LinkageResult> {
  if (records.length < from) return linkThreaded(records, options, threads);
  const job: LinkJob = { records, options, threads };
  const worker = new Worker(new URL('./link-thread.mjs', import.meta.url), { workerData: job });
  return new Promise<LinkageResult>((resolve, reject) => {
    worker.once('message', (result: LinkageResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The record-linkage thread stopped (exit code ${code}) before it finished`)));
  });
}

/** The worker's side: link, send the result back (the cluster array moved, not copied). */
export function serveLinkThread(): void {
  const { records, options, threads } = workerData as LinkJob;
  void linkThreaded(records, options, threads).then((result) => parentPort!.postMessage(result, [result.clusterOf.buffer as ArrayBuffer]));
}

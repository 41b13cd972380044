import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { jobsRepository as repo, type JobRow } from './repository.ts';

/** Thrown at a checkpoint when someone asked to cancel: the job stops there and is marked cancelled. */
export class JobCancelled extends Error {
  constructor() {
    super('The job was cancelled');
  }
}

/** Thrown at a checkpoint when another worker took the job over (this one was thought dead): stop without writing. */
export class JobLost extends Error {
  constructor() {
    super('Another worker took this job over');
  }
}

export interface JobContext {
  job: JobRow;
  worker: string;
  /**
   * A checkpoint: records the stage and records done (and that the worker is alive), at most every
   * quarter second within a stage; throws JobCancelled if cancelling was asked for.
   */
  progress(stage: string, done: number, total: number | null, options?: { force?: boolean }): Promise<void>;
}

/** A kind of job: its work, returning what to keep as the job's result. */
export type JobHandler = (context: JobContext) => Promise<unknown>;

export interface JobsOptions {
  clock: Clock;
  /**
   * 'in-process' (the default): this process runs jobs as well as serving pages (one machine,
   * PGlite). 'separate' (LANTERN_WORKER=separate): only `lantern worker` processes run them.
   */
  mode?: 'in-process' | 'separate';
  /** A running job whose worker has not reported for this long is taken over by another worker. */
  staleSeconds?: number;
}

const reportEveryMs = 250;

/**
 * Lantern's job queue, on its own table (migration 032) on both engines: the same code claims,
 * reports and finishes jobs on PGlite (in this process) and on PostgreSQL (any number of worker
 * processes). Claiming, each report and finishing are each one short statement, so pages go on
 * answering while a job runs.
 */
export function jobsService(db: Database, options: JobsOptions) {
  const { clock } = options;
  const mode = options.mode ?? 'in-process';
  const staleMs = (options.staleSeconds ?? 600) * 1000;
  const handlers = new Map<string, JobHandler>();
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let running: Promise<void> = Promise.resolve();
  let draining = false;
  let kickedAgain = false;
  let stopped = false;
  let loop: { timer: NodeJS.Timeout | null; wake: (() => void) | null } | null = null;

  function context(job: JobRow, worker: string): JobContext {
    let stage = job.stage;
    let lastWrite = 0;
    return {
      job, worker,
      async progress(next, done, total, { force = false } = {}) {
        const now = clock.now();
        const newStage = next !== stage;
        if (!newStage && !force && now.getTime() - lastWrite < reportEveryMs) return;
        stage = next;
        lastWrite = now.getTime();
        const r = await repo.report(db, job.id, worker, { stage: next, done, total, newStage }, now);
        if (!r.held) throw new JobLost();
        if (r.cancel) throw new JobCancelled();
      },
    };
  }

  async function runOne(job: JobRow, worker: string): Promise<void> {
    const handler = handlers.get(job.kind);
    const at = () => clock.now();
    if (!handler) {
      await repo.finish(db, job.id, worker, 'failed', at(), null, `No worker knows how to run a ${job.kind} job`);
      return;
    }
    try {
      const result = await handler(context(job, worker));
      await repo.finish(db, job.id, worker, 'done', at(), result ?? null, null);
    } catch (error) {
      if (error instanceof JobLost) return;
      if (error instanceof JobCancelled) {
        await repo.finish(db, job.id, worker, 'cancelled', at(), null, null);
        return;
      }
      await repo.finish(db, job.id, worker, 'failed', at(), null, error instanceof Error ? error.message : String(error));
    }
  }

  const service = {
    mode,
    workerId,

    /** Adds a kind of job this process can run. */
    register(kind: string, handler: JobHandler) {
      handlers.set(kind, handler);
    },

    /** Queues a job, in the caller's transaction (so it exists only if what asked for it was saved). Call `kick()` after commit. */
    async enqueue(q: Queryable, job: { kind: string; payload: unknown; createdBy: string | null; parentId?: string | null }): Promise<string> {
      const id = randomUUID();
      await repo.insert(q, { id, ...job, at: clock.now() });
      return id;
    },

    get: (id: string) => repo.get(db, id),
    children: (parentId: string) => repo.children(db, parentId),
    active: (kinds: readonly string[]) => repo.active(db, kinds),
    requestCancel: (q: Queryable, id: string) => repo.requestCancel(q, id, clock.now()),

    /** Claims and runs one job; false when there was none to take. */
    async runNext(worker = workerId, kinds: readonly string[] = [...handlers.keys()]): Promise<boolean> {
      const now = clock.now();
      const job = await repo.claim(db, worker, kinds, now, new Date(now.getTime() - staleMs));
      if (!job) return false;
      await runOne(job, worker);
      return true;
    },

    /** Runs jobs until none is waiting. */
    async drain(worker = workerId): Promise<number> {
      let n = 0;
      while (!stopped && (await service.runNext(worker))) n += 1;
      return n;
    },

    /**
     * After queuing: in-process, start working through the queue without making the caller wait;
     * a separate worker process finds the job on its next poll.
     */
    kick() {
      if (mode !== 'in-process' || stopped) return;
      loop?.wake?.();
      if (loop) return;
      // The runner may be past its last look at the queue: have it look again, or this job waits for the next kick.
      kickedAgain = true;
      if (draining) return;
      draining = true;
      running = (async () => {
        // Let the request that queued the job answer first.
        await new Promise((resolve) => setImmediate(resolve));
        try {
          while (kickedAgain && !stopped) {
            kickedAgain = false;
            await service.drain();
          }
        } catch (error) {
          process.emitWarning(`Background job runner: ${(error as Error).message}`);
        } finally {
          draining = false;
        }
      })();
    },

    /** Resolves when the jobs this process is running in the background are done (tests, shutdown). */
    async idle(): Promise<void> {
      for (let previous: Promise<void> | null = null; previous !== running;) {
        previous = running;
        await previous;
      }
    },

    /** A polling worker (`lantern worker`, or `lantern start` without LANTERN_WORKER=separate): runs jobs until stop(). */
    start({ pollMs = 1000 }: { pollMs?: number } = {}) {
      if (loop) return;
      const state: { timer: NodeJS.Timeout | null; wake: (() => void) | null } = { timer: null, wake: null };
      loop = state;
      running = (async () => {
        while (!stopped) {
          try {
            await service.drain();
          } catch (error) {
            process.emitWarning(`Background job worker: ${(error as Error).message}`);
          }
          if (stopped) break;
          await new Promise<void>((resolve) => {
            state.wake = resolve;
            state.timer = setTimeout(resolve, pollMs);
          });
          state.wake = null;
        }
      })();
    },

    /** Stops taking jobs and waits for the one in hand to reach its end. */
    async stop(): Promise<void> {
      stopped = true;
      if (loop?.timer) clearTimeout(loop.timer);
      loop?.wake?.();
      await service.idle();
    },
  };
  return service;
}

export type JobsService = ReturnType<typeof jobsService>;

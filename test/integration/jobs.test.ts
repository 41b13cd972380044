import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, testDatabase, type TestDatabase } from '../support/database.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { JobCancelled, jobsService, type JobsService } from '../../src/modules/jobs/service.ts';
import { jobsRepository } from '../../src/modules/jobs/repository.ts';

/** A clock the test moves by hand, so heartbeats and "stale" are exact. */
function handClock(start = '2026-11-25T12:00:00Z') {
  let at = new Date(start).getTime();
  const clock: Clock & { advance(seconds: number): void } = {
    today: () => new Date(at).toISOString().slice(0, 10),
    now: () => new Date(at),
    real: () => new Date(at),
    advance: (seconds: number) => { at += seconds * 1000; },
  };
  return clock;
}

/** The queue's contract, the same on PGlite (in this process) and on PostgreSQL (any number of workers). */
describe.each(engines)('the background job queue on %s', (engine) => {
  let t: TestDatabase;
  let clock: ReturnType<typeof handClock>;
  let jobs: JobsService;
  const ran: string[] = [];

  beforeAll(async () => {
    t = await testDatabase(engine);
    clock = handClock();
    jobs = jobsService(t.db, { clock, mode: 'separate', staleSeconds: 60 });
    jobs.register('echo', async ({ job, progress }) => {
      ran.push(String(job.payload.name));
      await progress('counting', 1, 2);
      await progress('counting', 2, 2, { force: true });
      return { echoed: job.payload.name };
    });
    jobs.register('broken', async () => { throw new Error('The extract could not be read'); });
  });
  afterAll(async () => t.drop());

  it('runs the oldest job first, keeps its result and its last progress, with every time from the app clock', async () => {
    const first = await jobs.enqueue(t.db, { kind: 'echo', payload: { name: 'first' }, createdBy: null });
    clock.advance(1);
    const second = await jobs.enqueue(t.db, { kind: 'echo', payload: { name: 'second' }, createdBy: null });
    clock.advance(1);
    expect(await jobs.runNext('worker-a')).toBe(true);
    expect(ran).toEqual(['first']);
    const done = (await jobs.get(first))!;
    expect(done).toMatchObject({ status: 'done', stage: 'counting', done: 2, total: 2, result: { echoed: 'first' }, worker: 'worker-a', attempts: 1, error: null });
    expect(done.created_at.toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(done.finished_at!.toISOString()).toBe('2026-11-25T12:00:02.000Z');
    expect(await jobs.drain('worker-a')).toBe(1);
    expect((await jobs.get(second))!.status).toBe('done');
    expect(await jobs.runNext('worker-a')).toBe(false);
  });

  it('gives a job to one worker only when two claim at once (FOR UPDATE SKIP LOCKED)', async () => {
    const id = await jobs.enqueue(t.db, { kind: 'echo', payload: { name: 'once' }, createdBy: null });
    const now = clock.now();
    const claims = await Promise.all(['worker-a', 'worker-b', 'worker-c'].map((w) => jobsRepository.claim(t.db, w, ['echo'], now, new Date(now.getTime() - 60_000))));
    expect(claims.filter(Boolean).map((c) => c!.id)).toEqual([id]);
    await jobsRepository.finish(t.db, id, claims.find(Boolean)!.worker!, 'done', now, null, null);
  });

  it('cancels a waiting job at once, so it never runs', async () => {
    const id = await jobs.enqueue(t.db, { kind: 'echo', payload: { name: 'never' }, createdBy: null });
    expect(await jobs.requestCancel(t.db, id)).toBe('cancelled');
    expect(await jobs.runNext('worker-a')).toBe(false);
    expect(ran).not.toContain('never');
  });

  it('stops a running job at its next checkpoint when cancelled', async () => {
    const cancelling = jobsService(t.db, { clock, mode: 'separate' });
    let reached = 0;
    cancelling.register('long', async ({ job, progress }) => {
      await progress('working', 1, 10);
      await cancelling.requestCancel(t.db, job.id);
      reached = 1;
      await progress('working', 2, 10, { force: true });
      reached = 2;
    });
    const id = await cancelling.enqueue(t.db, { kind: 'long', payload: {}, createdBy: null });
    await cancelling.runNext('worker-a');
    expect(reached).toBe(1);
    expect((await cancelling.get(id))!).toMatchObject({ status: 'cancelled', cancel_requested: true, done: 2, error: null });
  });

  it('marks a job that throws as failed, with the reason', async () => {
    const id = await jobs.enqueue(t.db, { kind: 'broken', payload: {}, createdBy: null });
    await jobs.runNext('worker-a');
    expect((await jobs.get(id))!).toMatchObject({ status: 'failed', error: 'The extract could not be read' });
  });

  it('lets another worker take over a job whose worker stopped reporting; the first may no longer write to it', async () => {
    const id = await jobs.enqueue(t.db, { kind: 'echo', payload: { name: 'orphan' }, createdBy: null });
    const now = clock.now();
    const claimed = await jobsRepository.claim(t.db, 'worker-dead', ['echo'], now, new Date(now.getTime() - 60_000));
    expect(claimed!.id).toBe(id);
    // Within a minute of its last report it is still held...
    clock.advance(30);
    expect(await jobs.runNext('worker-b')).toBe(false);
    // ...after that, it is stale and worker-b takes it.
    clock.advance(31);
    expect(await jobs.runNext('worker-b')).toBe(true);
    expect((await jobs.get(id))!).toMatchObject({ status: 'done', worker: 'worker-b', attempts: 2 });
    expect(await jobsRepository.report(t.db, id, 'worker-dead', { stage: 'x', done: 0, total: null, newStage: false }, clock.now())).toEqual({ held: false, cancel: false });
  });

  it('runs nothing itself in separate mode; in-process it works through the queue after the caller has its answer', async () => {
    const separate = jobsService(t.db, { clock, mode: 'separate' });
    const seen: string[] = [];
    separate.register('note', async ({ job }) => { seen.push(String(job.payload.n)); });
    await separate.enqueue(t.db, { kind: 'note', payload: { n: 1 }, createdBy: null });
    clock.advance(1);
    separate.kick();
    await separate.idle();
    expect(seen).toEqual([]);

    const inProcess = jobsService(t.db, { clock, mode: 'in-process' });
    inProcess.register('note', async ({ job }) => { seen.push(String(job.payload.n)); });
    await inProcess.enqueue(t.db, { kind: 'note', payload: { n: 2 }, createdBy: null });
    inProcess.kick();
    expect(seen).toEqual([]);
    await inProcess.idle();
    expect(seen).toEqual(['1', '2']);
    await inProcess.stop();
  });

  it('exports JobCancelled for handlers that stop themselves', () => {
    expect(new JobCancelled().message).toBe('The job was cancelled');
  });
});

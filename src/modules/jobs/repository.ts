import type { Queryable } from '../../db/database.ts';
import type { JobStatus } from '../../domain/jobs/progress.ts';

export interface JobRow {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: JobStatus;
  stage: string;
  done: number;
  total: number | null;
  cancel_requested: boolean;
  attempts: number;
  worker: string | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  stage_started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
  parent_id: string | null;
}

const columns = `id, kind, payload, status, stage, done, total, cancel_requested, attempts, worker, created_by, created_at, started_at,
  stage_started_at, heartbeat_at, finished_at, result, error, parent_id`;

/** Timestamps come back as Date on both engines' drivers; make sure of it. */
function row(r: JobRow): JobRow {
  const d = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  return { ...r, created_at: d(r.created_at)!, started_at: d(r.started_at), stage_started_at: d(r.stage_started_at), heartbeat_at: d(r.heartbeat_at), finished_at: d(r.finished_at), total: r.total === null ? null : Number(r.total), done: Number(r.done) };
}

/** The queue. Every time is the app clock's, passed in. */
export const jobsRepository = {
  async insert(q: Queryable, job: { id: string; kind: string; payload: unknown; createdBy: string | null; at: Date; parentId?: string | null }): Promise<void> {
    await q.query('INSERT INTO background_job (id, kind, payload, created_by, created_at, parent_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [job.id, job.kind, JSON.stringify(job.payload), job.createdBy, job.at, job.parentId ?? null]);
  },

  async get(q: Queryable, id: string): Promise<JobRow | null> {
    const [found] = await q.query<JobRow>(`SELECT ${columns} FROM background_job WHERE id = $1`, [id]);
    return found ? row(found) : null;
  },

  async children(q: Queryable, parentId: string): Promise<JobRow[]> {
    return (await q.query<JobRow>(`SELECT ${columns} FROM background_job WHERE parent_id = $1 ORDER BY created_at, id`, [parentId])).map(row);
  },

  /**
   * Takes the oldest job waiting (of these kinds), or one whose worker stopped saying it is alive
   * before `staleBefore`, for this worker. SKIP LOCKED: two workers claiming at once take two
   * different jobs, and neither waits for the other.
   */
  async claim(q: Queryable, worker: string, kinds: readonly string[], at: Date, staleBefore: Date): Promise<JobRow | null> {
    const [claimed] = await q.query<JobRow>(
      `UPDATE background_job j SET status = 'running', worker = $1, attempts = j.attempts + 1, started_at = coalesce(j.started_at, $3),
              stage_started_at = $3, heartbeat_at = $3
        WHERE j.id = (SELECT id FROM background_job
                       WHERE kind = ANY($2::text[]) AND NOT cancel_requested
                         AND (status = 'queued' OR (status = 'running' AND heartbeat_at < $4))
                       ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${columns.split(',').map((c) => `j.${c.trim()}`).join(', ')}`,
      [worker, kinds, at, staleBefore]);
    return claimed ? row(claimed) : null;
  },

  /** Progress and heartbeat; returns whether cancelling was asked for. Only the worker holding the job may write. */
  async report(q: Queryable, id: string, worker: string, p: { stage: string; done: number; total: number | null; newStage: boolean }, at: Date): Promise<{ held: boolean; cancel: boolean }> {
    const [r] = await q.query<{ cancel_requested: boolean }>(
      `UPDATE background_job SET stage = $3, done = $4, total = $5, heartbeat_at = $6, stage_started_at = CASE WHEN $7::boolean THEN $6 ELSE stage_started_at END
        WHERE id = $1 AND worker = $2 AND status = 'running' RETURNING cancel_requested`,
      [id, worker, p.stage, p.done, p.total, at, p.newStage]);
    return { held: Boolean(r), cancel: r?.cancel_requested ?? false };
  },

  async finish(q: Queryable, id: string, worker: string, status: Exclude<JobStatus, 'queued' | 'running'>, at: Date, result: unknown, error: string | null): Promise<boolean> {
    const rows = await q.query(
      `UPDATE background_job SET status = $3, finished_at = $4, heartbeat_at = $4, result = $5, error = $6
        WHERE id = $1 AND worker = $2 AND status = 'running' RETURNING id`,
      [id, worker, status, at, result === undefined ? null : JSON.stringify(result), error]);
    return rows.length > 0;
  },

  /** A waiting job is cancelled at once; a running one is asked to stop at its next checkpoint. */
  async requestCancel(q: Queryable, id: string, at: Date): Promise<JobStatus | null> {
    const [r] = await q.query<{ status: JobStatus }>(
      `UPDATE background_job SET cancel_requested = true,
              status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
              finished_at = CASE WHEN status = 'queued' THEN $2 ELSE finished_at END
        WHERE id = $1 RETURNING status`, [id, at]);
    return r?.status ?? null;
  },

  /** Waiting and running jobs of these kinds. */
  async active(q: Queryable, kinds: readonly string[]): Promise<JobRow[]> {
    return (await q.query<JobRow>(`SELECT ${columns} FROM background_job WHERE kind = ANY($1::text[]) AND status IN ('queued','running') AND parent_id IS NULL ORDER BY created_at, id`, [kinds])).map(row);
  },
};

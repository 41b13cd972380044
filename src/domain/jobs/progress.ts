/**
 * How far a background job has got, worked out from what it last reported: its stage, the records
 * done of that stage's total, and when the stage began. Pure: the caller passes "now" from the
 * app's clock.
 */
import { count } from '../plural.ts';

export interface JobStage {
  key: string;
  /** What the job is doing, as a sentence fragment: "Checking rows". */
  label: string;
  /** The stage's share of the whole job's time (any positive number; shares are compared with each other). */
  weight: number;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobReport {
  status: JobStatus;
  stage: string;
  done: number;
  /** The stage's total, or null when it is not known (an XLSX file's rows). */
  total: number | null;
  /** When the current stage began (null: not started). */
  stageStartedAt: Date | null;
}

export interface JobProgress {
  stageLabel: string;
  recordsDone: number;
  recordsTotal: number | null;
  /** 0 to 100, whole. */
  percent: number;
  /** Seconds left in the whole job, or null when it cannot yet be told. */
  secondsLeft: number | null;
}

/** The stages of loading an extract and of a matching run. */
export const extractLoadStages: readonly JobStage[] = [
  { key: 'reading', label: 'Reading the file', weight: 1 },
  { key: 'checking', label: 'Checking rows', weight: 4 },
  { key: 'loading', label: 'Loading rows', weight: 5 },
];

export const matchingStages: readonly JobStage[] = [
  { key: 'reading', label: 'Reading records', weight: 2 },
  { key: 'matching', label: 'Matching records', weight: 6 },
  { key: 'households', label: 'Finding and ranking households', weight: 1 },
  { key: 'storing', label: 'Storing people and households', weight: 2 },
];

const statusLabels: Record<Exclude<JobStatus, 'running'>, string> = {
  queued: 'Waiting to start', done: 'Finished', failed: 'Stopped with an error', cancelled: 'Cancelled',
};

/** Progress through the stages: earlier stages count whole, the current one by its records done. */
export function jobProgress(stages: readonly JobStage[], report: JobReport, now: Date): JobProgress {
  const base = { recordsDone: report.done, recordsTotal: report.total };
  if (report.status === 'done') return { ...base, stageLabel: statusLabels.done, percent: 100, secondsLeft: 0 };
  const index = stages.findIndex((s) => s.key === report.stage);
  const all = stages.reduce((sum, s) => sum + s.weight, 0);
  if (report.status !== 'running' || index < 0 || all <= 0) {
    const before = index < 0 ? 0 : stages.slice(0, index).reduce((sum, s) => sum + s.weight, 0);
    return { ...base, stageLabel: report.status === 'running' ? 'Starting' : statusLabels[report.status], percent: all > 0 ? Math.floor((100 * before) / all) : 0, secondsLeft: null };
  }
  const stage = stages[index];
  const fraction = report.total && report.total > 0 ? Math.min(1, Math.max(0, report.done / report.total)) : 0;
  const before = stages.slice(0, index).reduce((sum, s) => sum + s.weight, 0);
  const percent = Math.min(99, Math.floor((100 * (before + stage.weight * fraction)) / all));
  return { ...base, stageLabel: stage.label, percent, secondsLeft: secondsLeft(stages, index, fraction, report.stageStartedAt, now) };
}

/**
 * Time left: the current stage's pace so far carries it to its end; later stages take their share
 * of time at the same rate per unit of weight. Unknown until a twentieth of the stage is done (too
 * early a guess swings wildly) or when the stage has no total.
 */
function secondsLeft(stages: readonly JobStage[], index: number, fraction: number, stageStartedAt: Date | null, now: Date): number | null {
  if (!stageStartedAt || fraction < 0.05) return null;
  const elapsed = (now.getTime() - stageStartedAt.getTime()) / 1000;
  if (elapsed <= 0) return null;
  const stage = stages[index];
  const stageTotal = elapsed / fraction;
  const perWeight = stageTotal / stage.weight;
  const later = stages.slice(index + 1).reduce((sum, s) => sum + s.weight, 0);
  return Math.ceil(stageTotal - elapsed + later * perWeight);
}

/** Time left in words for the progress page. */
export function timeLeftWords(seconds: number | null): string {
  if (seconds === null) return 'Working out how long this will take';
  if (seconds <= 0) return 'No time left';
  if (seconds < 60) return 'Less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `About ${count(minutes, 'minute')} left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `About ${count(hours, 'hour')}${rest ? ` ${count(rest, 'minute')}` : ''} left`;
}

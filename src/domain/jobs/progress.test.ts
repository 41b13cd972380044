import { describe, expect, it } from 'vitest';
import { extractLoadStages, jobProgress, matchingStages, timeLeftWords, type JobStage } from './progress.ts';

const stages: JobStage[] = [
  { key: 'a', label: 'First', weight: 1 },
  { key: 'b', label: 'Second', weight: 3 },
];
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, seconds));

describe('job progress', () => {
  it('counts earlier stages whole and the current one by its records done', () => {
    const p = jobProgress(stages, { status: 'running', stage: 'b', done: 50, total: 100, stageStartedAt: at(0) }, at(30));
    // (1 + 3 * 0.5) / 4 = 62.5%
    expect(p).toEqual({ stageLabel: 'Second', recordsDone: 50, recordsTotal: 100, percent: 62, secondsLeft: 30 });
  });

  it('carries the current stage’s pace into the stages after it', () => {
    // Stage a half done in 10 s: 10 s more for a, then b (weight 3) at 20 s per unit of weight.
    const p = jobProgress(stages, { status: 'running', stage: 'a', done: 5, total: 10, stageStartedAt: at(0) }, at(10));
    expect(p.percent).toBe(12);
    expect(p.secondsLeft).toBe(10 + 60);
  });

  it('does not guess the time left before a twentieth of the stage is done, or with no total', () => {
    expect(jobProgress(stages, { status: 'running', stage: 'b', done: 4, total: 100, stageStartedAt: at(0) }, at(5)).secondsLeft).toBeNull();
    const unknown = jobProgress(stages, { status: 'running', stage: 'b', done: 400, total: null, stageStartedAt: at(0) }, at(5));
    expect(unknown).toMatchObject({ percent: 25, secondsLeft: null, recordsDone: 400 });
  });

  it('never says 100% until the job is done, and never more than the total', () => {
    expect(jobProgress(stages, { status: 'running', stage: 'b', done: 150, total: 100, stageStartedAt: at(0) }, at(5)).percent).toBe(99);
    expect(jobProgress(stages, { status: 'done', stage: 'b', done: 100, total: 100, stageStartedAt: at(0) }, at(5))).toMatchObject({ stageLabel: 'Finished', percent: 100, secondsLeft: 0 });
  });

  it('names a job that waits, failed or was cancelled', () => {
    expect(jobProgress(matchingStages, { status: 'queued', stage: 'queued', done: 0, total: null, stageStartedAt: null }, at(0))).toMatchObject({ stageLabel: 'Waiting to start', percent: 0, secondsLeft: null });
    expect(jobProgress(extractLoadStages, { status: 'cancelled', stage: 'loading', done: 3, total: 9, stageStartedAt: at(0) }, at(1))).toMatchObject({ stageLabel: 'Cancelled', percent: 50 });
    expect(jobProgress(extractLoadStages, { status: 'failed', stage: 'checking', done: 3, total: 9, stageStartedAt: at(0) }, at(1)).stageLabel).toBe('Stopped with an error');
  });

  it('says the time left in words', () => {
    expect(timeLeftWords(null)).toBe('Working out how long this will take');
    expect(timeLeftWords(0)).toBe('No time left');
    expect(timeLeftWords(45)).toBe('Less than a minute left');
    expect(timeLeftWords(60)).toBe('About 1 minute left');
    expect(timeLeftWords(600)).toBe('About 10 minutes left');
    expect(timeLeftWords(3600 + 120)).toBe('About 1 hour 2 minutes left');
  });
});

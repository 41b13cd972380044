import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { loadConfig } from './config.ts';

describe('LANTERN_MATCHING_THREADS', () => {
  it('sets the threads a running Lantern matches on: by default the cores less one, at least one', () => {
    expect(loadConfig({ LANTERN_MATCHING_THREADS: '2' }).matchingThreads).toBe(2);
    expect(loadConfig({ LANTERN_MATCHING_THREADS: '0' }).matchingThreads).toBe(1);
    expect(loadConfig({ LANTERN_MATCHING_THREADS: 'many' }).matchingThreads).toBe(1);
    expect(loadConfig({}).matchingThreads).toBe(Math.max(1, availableParallelism() - 1));
  });
});

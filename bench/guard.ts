/**
 * A benchmark whose load produced errors measured failures, not the system: it must stop with a
 * non-zero exit and say so, rather than print figures that look like a result.
 */
export class BenchmarkFailed extends Error {}

export function assertNoErrors(what: string, errors: number, total: number): void {
  if (total === 0) throw new BenchmarkFailed(`${what}: no request was answered, so there is nothing to measure. Is the server running, and is its port free?`);
  if (errors > 0) {
    throw new BenchmarkFailed(`${what}: ${errors.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} requests failed, so these figures are not a measurement. `
      + 'Check that the port is free and the server started (its errors are printed above).');
  }
}

/** Runs a benchmark's main function: a failure prints its message (not a stack for a BenchmarkFailed) and exits 1. */
export function runBenchmark(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof BenchmarkFailed ? `\nBenchmark failed: ${error.message}` : error);
    process.exit(1);
  });
}

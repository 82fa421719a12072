// A closed-loop load generator: a fixed number of calls in flight for a fixed time, with the
// latency of every successful call and the errors counted by kind.
import { performance } from 'node:perf_hooks';
import { status } from '@grpc/grpc-js';

/** What one closed-loop run measured. */
export interface LoopResult {
  /** Successful calls. */
  readonly ok: number;
  /** Failed calls by kind (gRPC status name, else the error's name). */
  readonly errors: ReadonlyMap<string, number>;
  /** Latency of each successful call, in ms, in completion order. */
  readonly latenciesMs: readonly number[];
  /** From the first call to the end of the last one, in seconds. */
  readonly seconds: number;
}

function errorKind(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && status[code] !== undefined) return status[code];
  return err instanceof Error ? err.name : 'unknown';
}

/**
 * Runs `concurrency` workers, each calling `call(worker)` back to back until `ms` have passed;
 * calls under way at the deadline finish and count.
 */
export async function closedLoop(
  concurrency: number,
  ms: number,
  call: (worker: number) => Promise<void>,
): Promise<LoopResult> {
  const latenciesMs: number[] = [];
  const errors = new Map<string, number>();
  const start = performance.now();
  const deadline = start + ms;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await call(w);
        latenciesMs.push(performance.now() - t0);
      } catch (err) {
        const kind = errorKind(err);
        errors.set(kind, (errors.get(kind) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    ok: latenciesMs.length,
    errors,
    latenciesMs,
    seconds: (performance.now() - start) / 1000,
  };
}

/** The nearest-rank percentile `p` (0–100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

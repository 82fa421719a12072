// The safety net behind the change feed: catches every loaded environment up from the store by
// version when the feed (re)joins its broker and periodically, and repairs stale cache copies.
// A change published while ELS was down or Kafka unreachable still reaches connected SDKs.
import type { Logger } from 'pino';
import type { SnapshotRegistry } from './snapshot-registry.js';

/** Options of the catch-up loop. */
export interface CatchUpOptions {
  /** Period of the safety-net catch-up and cache repair. */
  readonly intervalMs: number;
  /** Called with the number of changes each run applied. */
  readonly onRun?: (applied: number, failed: number) => void;
}

/** A running catch-up loop. */
export interface CatchUpLoop {
  /** Runs a catch-up soon (coalesced with one already running). */
  trigger(reason: string): void;
  /** Resolves once the current run (if any) finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the loop; the first periodic run is one interval from now. */
export function startCatchUp(
  registry: SnapshotRegistry,
  options: CatchUpOptions,
  logger: Logger,
): CatchUpLoop {
  const log = logger.child({ module: 'catch-up' });
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const runOnce = async (reason: string): Promise<void> => {
    let applied = 0;
    let failed = 0;
    for (const envId of registry.loaded()) {
      if (stopped) return;
      try {
        applied += (await registry.catchUp(envId)).applied;
      } catch (err) {
        failed += 1;
        log.warn({ err, envId, reason }, 'catch-up from the store failed; will retry');
      }
    }
    if (applied > 0) log.info({ applied, reason }, 'caught up from the store');
    await registry.loader.repair((envId) => registry.peek(envId)?.contents());
    options.onRun?.(applied, failed);
  };

  const trigger = (reason: string): void => {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce(reason).catch((err: unknown) => log.error({ err }, 'catch-up failed'));
      } while (again && !stopped);
      running = undefined;
    })();
  };

  const timer = setInterval(() => trigger('periodic'), options.intervalMs);
  timer.unref();
  return {
    trigger,
    idle: async () => {
      while (running !== undefined) await running;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

// An in-memory api-server in this process (one event loop, as in `npm start`) and a probe that
// measures the latency of a cheap admin call (ListProjects) while something else runs.
import { pino } from 'pino';
import { MemoryBroker } from '@vane/server-kit';
import {
  MemoryChangePublisher,
  MemoryDocumentStore,
  MemoryMessageSource,
  startApiServer,
} from '@vane/api-server';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';

/** Latency figures of one probe run, in ms. */
export interface Latency {
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** A running admin API and its probe. */
export interface AdminProbe {
  /** Calls ListProjects back to back until `done()` is true; at least `min` calls. */
  measure(done: () => boolean, min?: number): Promise<Latency>;
  close(): Promise<void>;
}

/** Starts the api-server on memory adapters and a client with the owner token. */
export async function startAdminProbe(): Promise<AdminProbe> {
  const broker = new MemoryBroker();
  const logger = pino({ level: 'silent' });
  const token = 'vane_bench_regex_safety_owner_token_0000000000';
  const server = await startApiServer(
    {
      store: await MemoryDocumentStore.open(),
      publisher: new MemoryChangePublisher(broker),
      source: new MemoryMessageSource(broker),
      logger,
    },
    { grpcPort: 0, httpPort: 0, bootstrapToken: token },
  );
  const channel = vaneChannel(`127.0.0.1:${server.grpcPort}`);
  const projects = createVaneClient(ProjectServiceDefinition, channel, { token });
  await projects.listProjects({});
  return {
    async measure(done, min = 50) {
      const ms: number[] = [];
      while (ms.length < min || !done()) {
        const t = performance.now();
        await projects.listProjects({});
        ms.push(performance.now() - t);
      }
      const sorted = ms.sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      return { calls: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
    },
    async close() {
      channel.close();
      await server.stop();
    },
  };
}

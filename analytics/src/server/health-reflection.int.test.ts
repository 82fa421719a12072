// grpcurl, a client that knows only what reflection tells it, finds and calls grpc.health.v1.Health
// on the analytics service.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBroker } from '@vane/server-kit';
import { grpcurlPath } from '@vane/scripts/rig';
import { startAnalytics, type RunningAnalytics } from '../analytics-service.js';
import { MemoryInsightBus } from '../ingest/memory-insight-bus.js';
import { MemoryInsightStore } from '../ingest/memory-insight-store.js';

const run = promisify(execFile);
let app: RunningAnalytics;

async function grpcurl(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(grpcurlPath(), ['-plaintext', ...args]);
    return { stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: `${e.stdout}${e.stderr}`, code: e.code };
  }
}

beforeAll(async () => {
  app = await startAnalytics(
    {
      store: new MemoryInsightStore(),
      bus: new MemoryInsightBus(new MemoryBroker()),
      logger: pino({ level: 'silent' }),
    },
    {
      grpcPort: 0,
      httpPort: 0,
      host: '127.0.0.1',
      reflection: true,
      batchSize: 100,
      batchMaxWaitMs: 50,
    },
  );
});

afterAll(async () => {
  await app?.stop();
});

describe('analytics gRPC health through reflection', () => {
  it('lists grpc.health.v1.Health and answers Check', async () => {
    const address = `127.0.0.1:${app.grpcPort}`;
    const listed = await grpcurl(address, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toContain('grpc.health.v1.Health');
    const check = await grpcurl(address, 'grpc.health.v1.Health/Check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('"status": "SERVING"');
  });
});

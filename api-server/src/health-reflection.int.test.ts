// grpcurl, a client that knows only what reflection tells it, finds and calls grpc.health.v1.Health
// on the api-server.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcurlPath } from '@vane/scripts/rig';
import { startMemoryApi } from './testing/memory-api.js';
import type { MemoryApi } from './testing/memory-api.js';

const run = promisify(execFile);
let api: MemoryApi;

/** Runs grpcurl in plaintext; its exit code and output. */
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
  api = await startMemoryApi();
});

afterAll(async () => {
  await api?.close();
});

describe('gRPC health through reflection', () => {
  it('lists grpc.health.v1.Health and answers Check', async () => {
    const listed = await grpcurl(api.address, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')).toContain('grpc.health.v1.Health');
    const check = await grpcurl(api.address, 'grpc.health.v1.Health/Check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('"status": "SERVING"');
    const named = await grpcurl(
      '-d',
      '{"service":"vane.admin.v1"}',
      api.address,
      'grpc.health.v1.Health/Check',
    );
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('"status": "SERVING"');
  });
});

// grpcurl, a real reflection client, lists, describes and calls the admin API (the README shows
// the same commands).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcurlPath } from '@vane/scripts/rig';
import { startApiFixture } from './testing/api-fixture.js';
import type { ApiFixture } from './testing/api-fixture.js';

const run = promisify(execFile);
let fx: ApiFixture;

async function grpcurl(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(grpcurlPath(), ['-plaintext', ...args]);
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

beforeAll(async () => {
  fx = await startApiFixture();
});

afterAll(async () => {
  await fx?.close();
});

describe('gRPC server reflection', () => {
  it('lists every admin service and gRPC health', async () => {
    const { stdout, code } = await grpcurl(fx.address, 'list');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'grpc.health.v1.Health',
      'vane.admin.v1.AccessTokenService',
      'vane.admin.v1.AuditLogService',
      'vane.admin.v1.EndUserService',
      'vane.admin.v1.EnvironmentService',
      'vane.admin.v1.ExperimentService',
      'vane.admin.v1.FeatBitImportService',
      'vane.admin.v1.FeatureFlagService',
      'vane.admin.v1.MetricService',
      'vane.admin.v1.ProjectService',
      'vane.admin.v1.SegmentService',
    ]);
  });

  it('describes messages that use well-known types', async () => {
    const { stdout, code } = await grpcurl(fx.address, 'describe', 'vane.model.v1.FeatureFlag');
    expect(code).toBe(0);
    expect(stdout).toContain('.google.protobuf.Timestamp updated_at');
  });

  it('calls a method with a token, and shows the structured error without one', async () => {
    const created = await grpcurl(
      '-H',
      `authorization: Bearer ${fx.ownerToken}`,
      '-d',
      '{"key":"from-grpcurl","name":"From grpcurl"}',
      fx.address,
      'vane.admin.v1.ProjectService/CreateProject',
    );
    expect(created.code).toBe(0);
    expect((JSON.parse(created.stdout) as { project: { key: string } }).project.key).toBe(
      'from-grpcurl',
    );
    const denied = await grpcurl(
      '-d',
      '{}',
      fx.address,
      'vane.admin.v1.ProjectService/ListProjects',
    );
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('Unauthenticated');
    expect(denied.stderr).toContain('ERROR_REASON_TOKEN_MISSING');
  });
});

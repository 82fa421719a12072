// FeatureFlagService.GetFeatureFlagInsights through the admin API of an embedded Vane, without a
// time_range: the contract's default window (the last 7 days), not an error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';
import type { RunningVane } from './start-embedded.js';

let dir: string;
let vane: RunningVane;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-insights-window-'));
  vane = await startEmbedded(
    {
      ...loadEmbeddedConfig({ VANE_DATA_DIR: join(dir, 'data') }),
      apiGrpcPort: 0,
      apiHttpPort: 0,
      analyticsGrpcPort: 0,
      analyticsHttpPort: 0,
      elsPort: 0,
      edgePort: 0,
    },
    pino({ level: 'silent' }),
  );
});

afterAll(async () => {
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GetFeatureFlagInsights', () => {
  it('reports the last 7 days when time_range is unset', async () => {
    const address = vane.urls.adminGrpc;
    const admin = vaneChannel(address);
    const projects = createVaneClient(ProjectServiceDefinition, admin, {
      token: vane.ownerToken,
    });
    const envs = createVaneClient(EnvironmentServiceDefinition, admin, {
      token: vane.ownerToken,
    });
    const flags = createVaneClient(FeatureFlagServiceDefinition, admin, {
      token: vane.ownerToken,
    });
    try {
      const { project } = await projects.createProject({ key: 'w', name: 'W', description: '' });
      const { environment } = await envs.createEnvironment({
        projectId: project!.id,
        key: 'prod',
        name: 'Prod',
        description: '',
      });
      await flags.createFeatureFlag({
        envId: environment!.id,
        comment: '',
        flag: FeatureFlag.fromPartial({
          key: 'f',
          name: 'F',
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        }),
      });
      const before = Date.now();
      const { insights } = await flags.getFeatureFlagInsights({
        envId: environment!.id,
        key: 'f',
        timeRange: undefined,
        interval: BucketInterval.BUCKET_INTERVAL_UNSPECIFIED,
      });
      expect(insights?.interval).toBe(BucketInterval.BUCKET_INTERVAL_HOUR);
      const first = insights!.buckets[0]!.startTime!.getTime();
      const sevenDays = 7 * 24 * 3_600_000;
      expect(first).toBeLessThanOrEqual(before - sevenDays);
      expect(first).toBeGreaterThan(before - sevenDays - 2 * 3_600_000);
    } finally {
      admin.close();
    }
  });
});

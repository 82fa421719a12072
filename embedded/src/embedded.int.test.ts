// The embedded platform as `npm start` runs it: a flag created through the admin API survives a
// restart (the journaled store), and the admin API reaches the in-process analytics service.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentServiceService } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatureFlagServiceService } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceService } from '@vane/gen/node/vane/admin/v1/project_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { promiseClient } from '@vane/api-server';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start(dataDir: string) {
  const config = {
    ...loadEmbeddedConfig({ VANE_DATA_DIR: dataDir }),
    apiGrpcPort: 0,
    apiHttpPort: 0,
    analyticsGrpcPort: 0,
    analyticsHttpPort: 0,
  };
  return startEmbedded(config, pino({ level: 'silent' }));
}

describe('embedded Vane (npm start)', () => {
  it('keeps data across a restart and serves insights from the in-process analytics', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vane-embedded-'));
    dirs.push(dataDir);
    let vane = await start(dataDir);
    expect(vane.ownerToken).toMatch(/^vane_/);
    const token = vane.ownerToken!;
    const projects = promiseClient(ProjectServiceService, vane.urls.adminGrpc, token);
    const envs = promiseClient(EnvironmentServiceService, vane.urls.adminGrpc, token);
    let flags = promiseClient(FeatureFlagServiceService, vane.urls.adminGrpc, token);
    const { project } = await projects.createProject({
      key: 'demo',
      name: 'Demo',
      description: '',
    });
    const { environment } = await envs.createEnvironment({
      projectId: project!.id,
      key: 'dev',
      name: 'Dev',
      description: '',
    });
    const envId = environment!.id;
    await flags.createFeatureFlag({
      envId,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'welcome',
        name: 'Welcome',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      }),
    });
    const insights = await flags.getFeatureFlagInsights({
      envId,
      key: 'welcome',
      interval: BucketInterval.BUCKET_INTERVAL_HOUR,
      timeRange: { startTime: new Date(Date.now() - 3_600_000), endTime: new Date() },
    });
    expect(insights.insights).toBeDefined();
    [projects, envs, flags].forEach((c) => c.close());
    await vane.stop();

    vane = await start(dataDir);
    expect(vane.ownerToken).toBe(token);
    flags = promiseClient(FeatureFlagServiceService, vane.urls.adminGrpc, token);
    const { flag } = await flags.getFeatureFlag({ envId, key: 'welcome' });
    expect(flag?.name).toBe('Welcome');
    flags.close();
    await vane.stop();
  });
});

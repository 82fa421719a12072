// The embedded platform as `npm start` runs it: a flag created through the admin API survives a
// restart (the journaled store), and the admin API reaches the in-process analytics service, whose
// insights survive the restart as well (the analytics journal).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { ClientFrame, ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { SyncKind, SyncRequest } from '@vane/gen/node/vane/sync/v1/sync';
import { TrackRequest } from '@vane/gen/node/vane/sync/v1/track';
import { EndUserServiceDefinition } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { BucketInterval } from '@vane/gen/node/vane/analytics/v1/insights_service';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A server SDK on the Vane stream: resolves frames one at a time. */
async function sdk(url: string, kind: 'server' | 'client', secret: string) {
  const ws = new WebSocket(`${url}?kind=${kind}`, ['vane.sync.v1', `vane.secret.${secret}`]);
  const frames: ServerFrame[] = [];
  const waiters: ((f: ServerFrame) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const frame = ServerFrame.decode(new Uint8Array(data));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    send: (frame: ClientFrame) => ws.send(ClientFrame.encode(frame).finish()),
    next: () =>
      new Promise<ServerFrame>((resolve, reject) => {
        const queued = frames.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error('no frame in 5 s')), 5000);
        waiters.push((f) => {
          clearTimeout(timer);
          resolve(f);
        });
      }),
    close: () => ws.close(),
  };
}

async function start(dataDir: string) {
  const config = {
    ...loadEmbeddedConfig({ VANE_DATA_DIR: dataDir }),
    apiGrpcPort: 0,
    apiHttpPort: 0,
    analyticsGrpcPort: 0,
    analyticsHttpPort: 0,
    elsPort: 0,
    edgePort: 0,
  };
  return startEmbedded(config, pino({ level: 'silent' }));
}

describe('embedded Vane (npm start)', () => {
  it('runs all four data flows in one process and keeps data across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vane-embedded-'));
    dirs.push(dataDir);
    let vane = await start(dataDir);
    expect(vane.ownerToken).toMatch(/^vane_/);
    const token = vane.ownerToken!;
    let admin = vaneChannel(vane.urls.adminGrpc);
    const projects = createVaneClient(ProjectServiceDefinition, admin, { token });
    const envs = createVaneClient(EnvironmentServiceDefinition, admin, { token });
    let flags = createVaneClient(FeatureFlagServiceDefinition, admin, { token });
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

    // Data flows 1 and 2 in one process: an SDK syncs, then a toggle reaches it as a PATCH.
    const secret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_SERVER,
    )!.value;
    const server = await sdk(vane.urls.sdkStream, 'server', secret);
    server.send(
      ClientFrame.fromPartial({
        kind: { $case: 'sync', value: SyncRequest.fromPartial({ requestId: 1 }) },
      }),
    );
    const full = await server.next();
    expect(full.kind?.$case).toBe('sync');
    const fullSync = full.kind?.$case === 'sync' ? full.kind.value : undefined;
    expect(fullSync?.kind).toBe(SyncKind.SYNC_KIND_FULL);
    const defs = fullSync?.payload?.$case === 'definitions' ? fullSync.payload.value : undefined;
    expect(defs?.flags.map((f) => f.key)).toEqual(['welcome']);
    await flags.toggleFeatureFlag({
      envId,
      key: 'welcome',
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    const push = await server.next();
    const patch = push.kind?.$case === 'sync' ? push.kind.value : undefined;
    expect(patch?.kind).toBe(SyncKind.SYNC_KIND_PATCH);
    const changed = patch?.payload?.$case === 'definitions' ? patch.payload.value.flags : [];
    expect(changed.map((f) => [f.key, f.isEnabled])).toEqual([['welcome', true]]);
    server.close();

    // Data flows 3 and 4: a client SDK's user reaches the end-user search, and its tracked
    // evaluation reaches the flag insights.
    const clientSecret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_CLIENT,
    )!.value;
    const client = await sdk(vane.urls.sdkStream, 'client', clientSecret);
    const ann = { keyId: 'ann', name: 'Ann', customProperties: [{ name: 'plan', value: 'pro' }] };
    client.send(
      ClientFrame.fromPartial({
        kind: { $case: 'sync', value: SyncRequest.fromPartial({ requestId: 1, user: ann }) },
      }),
    );
    const evaluated = await client.next();
    const evals =
      evaluated.kind?.$case === 'sync' && evaluated.kind.value.payload?.$case === 'evaluations'
        ? evaluated.kind.value.payload.value.flags
        : [];
    expect(evals.map((e) => [e.flagKey, e.value])).toEqual([['welcome', 'true']]);
    client.send(
      ClientFrame.fromPartial({
        kind: {
          $case: 'track',
          value: TrackRequest.fromPartial({
            requestId: 2,
            users: [
              {
                user: ann,
                metrics: [],
                flagEvaluations: [
                  {
                    eventId: '',
                    timestampMs: Date.now(),
                    flagKey: 'welcome',
                    variationId: evals[0]!.variationId,
                    sendToExperiment: true,
                    reason: 'default',
                  },
                ],
              },
            ],
          }),
        },
      }),
    );
    const ack = await client.next();
    expect(ack.kind?.$case === 'trackAck' && ack.kind.value.accepted).toBe(1);
    client.close();
    const endUsers = createVaneClient(EndUserServiceDefinition, admin, { token });
    const found = await vi.waitFor(
      async () => {
        const r = await endUsers.searchEndUsers({ envId, query: 'ann' });
        expect(r.users).toHaveLength(1);
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(found.users[0]?.user?.customProperties).toEqual(ann.customProperties);
    const insightsRequest = {
      envId,
      key: 'welcome',
      interval: BucketInterval.BUCKET_INTERVAL_HOUR,
      timeRange: {
        startTime: new Date(Date.now() - 3_600_000),
        endTime: new Date(Date.now() + 60_000),
      },
    };
    const counted = await vi.waitFor(
      async () => {
        const r = await flags.getFeatureFlagInsights(insightsRequest);
        expect(JSON.stringify(r.insights)).toContain(evals[0]!.variationId);
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(counted.insights).toBeDefined();
    admin.close();
    await vane.stop();

    vane = await start(dataDir);
    expect(vane.ownerToken).toBe(token);
    admin = vaneChannel(vane.urls.adminGrpc);
    flags = createVaneClient(FeatureFlagServiceDefinition, admin, { token });
    const { flag } = await flags.getFeatureFlag({ envId, key: 'welcome' });
    expect(flag?.name).toBe('Welcome');
    // Insights survive the restart too (the analytics journal in the data folder).
    const again = await flags.getFeatureFlagInsights(insightsRequest);
    expect(again.insights?.totals).toEqual(counted.insights?.totals);
    expect(again.insights?.totals.reduce((n, t) => n + t.evaluations, 0)).toBe(1);
    admin.close();
    await vane.stop();
  });
});

// Fault test: Kafka is stopped while flags change, and the api-server itself restarts during the
// outage. Every change is saved at once (the outbox keeps it), and once Kafka is back every change
// arrives, exactly in the order it was made.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { startApiFixture } from './testing/api-fixture.js';
import type { ApiFixture } from './testing/api-fixture.js';

const services = resolve(import.meta.dirname, '../../scripts/services.sh');
const kafka = (command: 'stop' | 'start'): void => {
  execFileSync('bash', [services, command, 'kafka'], { stdio: 'inherit' });
};

let fx: ApiFixture;

beforeAll(async () => {
  fx = await startApiFixture();
});

afterAll(async () => {
  kafka('start'); // whatever happened, leave Kafka running for the next test file
  await fx?.close();
});

describe('changes made while Kafka is down', () => {
  it('are all published, in order, after Kafka and the api-server restart', async () => {
    const { project } = await fx.owner.projects.createProject({
      key: 'ops',
      name: 'Ops',
      description: '',
    });
    const { environment } = await fx.owner.environments.createEnvironment({
      projectId: project!.id,
      key: 'prod',
      name: 'Prod',
      description: '',
    });
    const envId = environment!.id;
    await fx.owner.flags.createFeatureFlag({
      envId,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'kill-switch',
        name: 'Kill switch',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      }),
    });
    await fx.waitForChanges((log) => log.flags.length >= 1);

    kafka('stop');
    const versions: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const { flag } = await fx.owner.flags.toggleFeatureFlag({
        envId,
        key: 'kill-switch',
        enabled: i % 2 === 0,
        expectedRevision: 0,
        comment: `change ${i}`,
      });
      versions.push(flag!.version);
    }
    const { flag: renamed } = await fx.owner.flags.updateFeatureFlag({
      envId,
      key: 'kill-switch',
      flag: FeatureFlag.fromPartial({ name: 'Renamed during the outage' }),
      updateMask: ['name'],
      expectedRevision: 0,
      comment: '',
    });
    versions.push(renamed!.version);
    // The api-server restarts while Kafka is still down: the outbox is in the database, not in memory.
    await fx.restart();
    kafka('start');

    await fx.waitForChanges((log) => new Set(log.flags.map((e) => e.eventId)).size >= 8, 90_000);
    const unique = [...new Map(fx.changes.flags.map((e) => [e.eventId, e])).values()];
    expect(unique.map((e) => e.version).slice(1)).toEqual(versions);
    const last = unique[unique.length - 1]!;
    expect(last.change?.$case === 'flag' && last.change.value.name).toBe(
      'Renamed during the outage',
    );
    const enabled = unique
      .slice(1, 7)
      .map((e) => e.change?.$case === 'flag' && e.change.value.isEnabled);
    expect(enabled).toEqual([true, false, true, false, true, false]);
  }, 240_000);
});

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { MemoryBroker } from '@vane/server-kit';
import { FlagChanged } from '@vane/gen/node/vane/events/v1/changes';
import { sampleFlag } from '../environments/environment-source-conformance.js';
import { MemoryEnvironmentSource } from '../environments/memory-environment-source.js';
import { flagToProto } from '@vane/core/proto';
import type { AppliedChange } from './environment-snapshot.js';
import { MemoryChangeFeed } from './change-feed.js';
import { startChangeConsumer } from './change-consumer.js';
import { SnapshotRegistry } from './snapshot-registry.js';

const logger = pino({ level: 'silent' });

function record(
  eventId: string,
  version: number,
  prefix = '',
): [string, { key: string; value: Uint8Array }[]] {
  const value = FlagChanged.encode({
    eventId,
    envId: 'env',
    version,
    change: { $case: 'flag', value: flagToProto(sampleFlag('f1', 'one', version)) },
  }).finish();
  return [topicName(TOPICS.flagChanges, prefix), [{ key: 'env', value }]];
}

describe('change consumer', () => {
  it('applies changes to loaded environments once, dropping duplicate event ids and garbage', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'one', 1));
    const registry = new SnapshotRegistry(source, { tombstoneLimit: 10, now: () => 100 }, logger);
    await registry.get('env');
    const applied: AppliedChange[] = [];
    registry.onChange((c) => applied.push(c));
    const broker = new MemoryBroker();
    const sub = await startChangeConsumer(
      new MemoryChangeFeed(broker),
      registry,
      { topicPrefix: 'p.', groupId: 'els-test' },
      logger,
    );
    try {
      broker.publish(topicName(TOPICS.flagChanges, 'p.'), [
        { key: 'env', value: new Uint8Array([0x0a, 0xff]) },
      ]);
      broker.publish(...record('a', 200, 'p.'));
      broker.publish(...record('a', 300, 'p.')); // same event id: a redelivery
      broker.publish(...record('b', 150, 'p.')); // older than held: no-op
      broker.publish(...record('c', 400, 'p.'));
      broker.publish(...record('d', 500)); // other prefix: not consumed
      await expect.poll(() => applied.length).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 30));
      expect(applied.map((c) => c.version)).toEqual([200, 400]);
      expect(registry.peek('env')?.version).toBe(400);
    } finally {
      await sub.close();
    }
  });

  it('re-applies changes that arrive while an environment is loading', async () => {
    const source = new MemoryEnvironmentSource();
    source.putFlag('env', sampleFlag('f1', 'one', 1));
    const registry = new SnapshotRegistry(source, { tombstoneLimit: 10, now: () => 100 }, logger);
    const loading = registry.get('env');
    registry.apply({
      type: 'flag',
      envId: 'env',
      version: 200,
      flag: { ...sampleFlag('f1', 'one', 200), isEnabled: false },
    });
    const snapshot = await loading;
    expect(snapshot.version).toBe(200);
    expect(snapshot.compiled.getFlag('one')?.isEnabled).toBe(false);
  });
});

import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { TOPICS } from '@vane/core';
import { MemoryBroker, Unavailable } from '@vane/server-kit';
import { EndUserSeen } from '@vane/gen/node/vane/events/v1/end_users';
import { MemoryChangePublisher, MemoryMessageSource } from '../bus/memory-bus.js';
import type { IncomingMessage } from '../bus/change-publisher.js';
import { ChangeWriter } from '../changes/change-writer.js';
import type { Collection } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { END_USERS, applySighting } from './end-user-doc.js';
import type { EndUserDoc, Sighting } from './end-user-doc.js';
import { endUserBatchHandler, startEndUserConsumer } from './end-user-consumer.js';
import type { EndUserConsumerDeps } from './end-user-consumer.js';

const ENV = 'env-1';

function seen(
  keyId: string,
  seenAt: number,
  props: Record<string, string> = {},
  name = '',
  envId = ENV,
): Uint8Array {
  return EndUserSeen.encode({
    eventId: `${keyId}-${seenAt}`,
    envId,
    user: {
      keyId,
      name,
      customProperties: Object.entries(props).map(([n, value]) => ({ name: n, value })),
    },
    seenAt: new Date(seenAt),
  }).finish();
}

let offset = 0;
const message = (value: Uint8Array, key = 'k'): IncomingMessage => ({
  key,
  value,
  offset: String(offset++),
});

let broker: MemoryBroker;
let endUsers: Collection<EndUserDoc>;
let deps: EndUserConsumerDeps;
let logLines: { level: number; msg: string; reason?: string; offset?: string }[];

beforeEach(async () => {
  const store = await MemoryDocumentStore.open();
  endUsers = store.collection<EndUserDoc>(END_USERS.name, END_USERS.unique);
  broker = new MemoryBroker();
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(JSON.parse(chunk.toString()) as (typeof logLines)[number]);
      done();
    },
  });
  deps = {
    source: new MemoryMessageSource(broker),
    publisher: new MemoryChangePublisher(broker),
    endUsers,
    writer: new ChangeWriter(store, { recorded: async () => {} }),
    logger: pino({ level: 'warn' }, sink),
    clock: () => 5_000,
  };
});

const stored = (keyId: string) => endUsers.get(`${ENV}:${keyId}`);
const propsOf = (doc: EndUserDoc | undefined) =>
  Object.fromEntries((doc?.properties ?? []).map((p) => [p.name, p.value]));

describe('applySighting', () => {
  const s = (seenAt: number, props: Record<string, string>, name = ''): Sighting => ({
    envId: ENV,
    keyId: 'u',
    name,
    seenAt,
    properties: Object.entries(props).map(([n, value]) => ({ name: n, value })),
  });

  it('lets newer reports win and older ones only fill gaps', () => {
    const a = s(100, { plan: 'free', country: 'DE' }, 'Ann');
    const b = s(200, { plan: 'pro' }, '');
    const c = s(50, { age: '30', plan: 'trial' }, 'Old name');
    const inOrder = [c, a, b].reduce(applySighting, undefined);
    const late = [a, b, c].reduce(applySighting, undefined);
    for (const r of [inOrder, late]) {
      expect(r).toMatchObject({ name: 'Ann', firstSeenAt: 50, lastSeenAt: 200 });
      expect(Object.fromEntries(r!.properties.map((p) => [p.name, p.value]))).toEqual({
        plan: 'pro',
        country: 'DE',
        age: '30',
      });
    }
    expect(applySighting(late, b)).toEqual(late);
    expect(applySighting(late, c)).toEqual(late);
  });
});

describe('end-user batch handler', () => {
  it('is idempotent: the same message twice gives one user and no second write', async () => {
    const handle = endUserBatchHandler(deps);
    const value = seen('u1', 1_000, { plan: 'pro' }, 'Ann');
    await handle([message(value)]);
    const first = await stored('u1');
    await handle([message(value)]);
    const second = await stored('u1');
    expect(second).toEqual(first);
    expect(second).toMatchObject({
      revision: 1,
      name: 'Ann',
      firstSeenAt: 1_000,
      lastSeenAt: 1_000,
      props: { plan: 'pro' },
    });
    expect(await endUsers.count({ envId: ENV })).toBe(1);
    expect(second?.outbox.map((r) => [r.actorId, r.action])).toEqual([['system', 'seen']]);
  });

  it('merges properties: newer values win, older reports only fill gaps', async () => {
    const handle = endUserBatchHandler(deps);
    await handle([message(seen('u1', 2_000, { plan: 'free', country: 'DE' }, 'Ann'))]);
    await handle([message(seen('u1', 3_000, { plan: 'pro' }))]);
    await handle([message(seen('u1', 1_000, { plan: 'trial', age: '30' }, 'Stale'))]);
    const doc = await stored('u1');
    expect(propsOf(doc)).toEqual({ plan: 'pro', country: 'DE', age: '30' });
    expect(doc).toMatchObject({
      name: 'Ann',
      firstSeenAt: 1_000,
      lastSeenAt: 3_000,
      revision: 3,
      props: { plan: 'pro', country: 'DE', age: '30' },
    });
  });

  it('writes each user once per batch', async () => {
    const handle = endUserBatchHandler(deps);
    await handle([
      message(seen('u1', 1_000, { a: '1' })),
      message(seen('u2', 1_000)),
      message(seen('u1', 3_000, { b: '2' }, 'Ann')),
      message(seen('u1', 2_000, { a: '0' })),
    ]);
    const doc = await stored('u1');
    expect(doc).toMatchObject({ revision: 1, name: 'Ann', firstSeenAt: 1_000, lastSeenAt: 3_000 });
    expect(propsOf(doc)).toEqual({ a: '0', b: '2' });
    expect(await stored('u2')).toMatchObject({ revision: 1 });
  });

  it('uses the clock for a message without seen_at, and ignores reserved attribute names', async () => {
    const value = EndUserSeen.encode({
      eventId: 'e',
      envId: ENV,
      user: { keyId: 'u1', name: 'Ann', customProperties: [{ name: 'keyId', value: 'x' }] },
    }).finish();
    await endUserBatchHandler(deps)([message(value)]);
    expect(await stored('u1')).toMatchObject({ lastSeenAt: 5_000, properties: [] });
  });

  it('fails the batch (to be delivered again) while a deleted record awaits its purge', async () => {
    const handle = endUserBatchHandler(deps);
    await handle([message(seen('u1', 1_000))]);
    await deps.writer.remove(
      endUsers,
      `${ENV}:u1`,
      { type: 0, display: 'u1' },
      0,
      { actorId: 't', action: 'deleted' },
      () => new Error('gone'),
    );
    await expect(handle([message(seen('u1', 2_000))])).rejects.toBeInstanceOf(Unavailable);
    // The relay purges the tombstone once its records are relayed; then the user comes back.
    const tomb = (await endUsers.withPendingChanges(10))[0]!;
    for (const r of tomb.outbox) await endUsers.removeChanges([{ id: tomb._id, record: r }]);
    expect(await endUsers.purge(tomb._id)).toBe(true);
    await handle([message(seen('u1', 2_000))]);
    expect(await stored('u1')).toMatchObject({ revision: 1, firstSeenAt: 2_000 });
  });
});

describe('startEndUserConsumer', () => {
  const closers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c.close();
  });

  /** How `expect.poll` waits for the consumer: about 1 s. */
  const POLL = { timeout: 1000, interval: 5 };

  it('dead-letters poison messages unchanged, logs a WARN and goes on', async () => {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0x01]);
    const noEnv = seen('u9', 1_000, {}, '', '');
    const noKey = EndUserSeen.encode({ eventId: 'e', envId: ENV, seenAt: new Date(1) }).finish();
    broker.publish(TOPICS.endUsers, [
      { key: 'bad', value: garbage },
      { key: 'no-env', value: noEnv },
      { key: `${ENV}:u1`, value: seen('u1', 1_000) },
    ]);
    closers.push(await startEndUserConsumer(deps));
    broker.publish(TOPICS.endUsers, [{ key: 'no-key', value: noKey }]);
    broker.publish(TOPICS.endUsers, [{ key: `${ENV}:u2`, value: seen('u2', 2_000) }]);

    const dead: { key: string; value: Uint8Array }[] = [];
    closers.push(
      broker.subscribe(
        TOPICS.endUsersDeadLetter,
        { groupId: 'test', fromBeginning: true },
        async (b) => {
          dead.push(...b.map((r) => ({ key: r.key, value: r.value })));
        },
      ),
    );
    await expect
      .poll(async () => (await stored('u2')) !== undefined && dead.length === 3, POLL)
      .toBe(true);

    expect(dead.map((d) => d.key)).toEqual(['bad', 'no-env', 'no-key']);
    expect(dead[0]!.value).toEqual(garbage);
    expect(dead[1]!.value).toEqual(noEnv);
    expect(await stored('u1')).toBeDefined();
    expect(broker.committedOffset(TOPICS.endUsers, 'vane-api-server.end-users')).toBe(5);
    expect(logLines.map((l) => [l.level, l.offset])).toEqual([
      [40, '0'],
      [40, '1'],
      [40, '3'],
    ]);
    expect(logLines[0]!.reason).toMatch(/^undecodable/);
    expect(logLines[2]!.reason).toBe('user.key_id is empty');
  });

  it('honours the topic prefix', async () => {
    closers.push(await startEndUserConsumer({ ...deps, topicPrefix: 'staging.' }));
    broker.publish(TOPICS.endUsers, [{ key: 'x', value: seen('ignored', 1) }]);
    broker.publish(`staging.${TOPICS.endUsers}`, [{ key: 'x', value: seen('u1', 1) }]);
    await expect.poll(async () => (await stored('u1')) !== undefined, POLL).toBe(true);
    expect(await stored('ignored')).toBeUndefined();
  });
});

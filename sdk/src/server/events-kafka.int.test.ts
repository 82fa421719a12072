// Events from both SDKs arrive in real Kafka: ELS (in-process) publishes through its
// KafkaEventSink to the rig's Kafka under a unique topic prefix, and the test consumes the
// insights topic. Events recorded while ELS is down are queued by the SDK and arrive after it
// reconnects to the restarted ELS.
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, topicName } from '@vane/core';
import { InsightEvent } from '@vane/gen/node/vane/events/v1/insights';
import { KafkaEventSink } from '@vane/els';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import { VaneClient } from '../client/vane-client.js';
import type { WebSocketLike } from '../shared/stream-connection.js';
import { ElsHarness, HARNESS_ENV, boolFlag } from '../testing/els-harness.js';
import { VaneServerClient } from './vane-server-client.js';

const name = uniqueTestName('sdk_events');
const prefix = `${name}.`;
const insights = topicName(TOPICS.insights, prefix);
const topics = [insights, topicName(TOPICS.endUsers, prefix)];
let kafka: Kafka;
let sink: KafkaEventSink;
let els: ElsHarness;

beforeAll(async () => {
  kafka = new Kafka({
    clientId: 'sdk-int',
    brokers: [...testServers().kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic })), waitForLeaders: true });
  await admin.disconnect();
  sink = new KafkaEventSink(kafka, pino({ level: 'silent' }), { intervalMs: 100 });
  els = await ElsHarness.start({ events: sink, topicPrefix: prefix });
  els.seed(boolFlag('dark-mode', els.nextVersion()));
});

afterAll(async () => {
  await els?.stop();
  await sink?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.deleteGroups([`${name}-reader`]).catch(() => undefined);
  await admin.disconnect();
});

/** Reads the insights topic from the beginning until `done` holds (or 30 s pass). */
async function readInsights(done: (events: InsightEvent[]) => boolean): Promise<InsightEvent[]> {
  const consumer = kafka.consumer({ groupId: `${name}-reader` });
  const events: InsightEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: insights, fromBeginning: true });
    let resolveDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (resolveDone = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) events.push(InsightEvent.decode(new Uint8Array(message.value)));
        if (done(events)) resolveDone();
      },
    });
    await Promise.race([finished, new Promise((r) => setTimeout(r, 30_000))]);
    return events;
  } finally {
    await consumer.disconnect();
  }
}

const describeEvent = (e: InsightEvent): string =>
  e.kind?.$case === 'flagEvaluation'
    ? `eval ${e.kind.value.flagKey}=${e.kind.value.variationId} ${e.kind.value.userKeyId}`
    : e.kind?.$case === 'metric'
      ? `metric ${e.kind.value.eventName}=${e.kind.value.numericValue} ${e.kind.value.userKeyId} ${e.kind.value.appType}`
      : 'other';

describe('SDK events in Kafka', () => {
  it('delivers both SDKs events, including those recorded while ELS was down', async () => {
    const reconnect = { initialDelayMs: 100, maxDelayMs: 500, goingAwayJitterMs: 100 };
    const server = new VaneServerClient({
      secret: HARNESS_ENV.server,
      url: els.url,
      reconnect,
      events: { flushIntervalMs: 100 },
    });
    const browser = new VaneClient({
      secret: HARNESS_ENV.client,
      url: els.url,
      user: { keyId: 'web-user' },
      storage: null,
      reconnect,
      events: { flushIntervalMs: 100 },
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike,
    });
    try {
      await Promise.all([server.waitForReady(10_000), browser.waitForReady(10_000)]);
      expect(server.boolVariation('dark-mode', { keyId: 'node-user' }, false)).toBe(true);
      server.track({ keyId: 'node-user' }, 'purchase', 99.5);
      expect(browser.boolVariation('dark-mode', false)).toBe(true);
      browser.track('signup');

      // ELS goes down: events recorded meanwhile wait in the SDKs' queues.
      await els.stop();
      server.track({ keyId: 'node-user' }, 'while-down', 1);
      browser.track('while-down-web', 2);
      await els.resume();
      await Promise.all([server.waitForReady(10_000), browser.waitForReady(10_000)]);
      await Promise.all([server.close(), browser.close()]);
      await sink.flush();

      const expected = [
        'eval dark-mode=on node-user',
        'eval dark-mode=on web-user',
        'metric purchase=99.5 node-user Vane-Node-Server-SDK',
        'metric signup=1 web-user Vane-Browser-Client-SDK',
        'metric while-down=1 node-user Vane-Node-Server-SDK',
        'metric while-down-web=2 web-user Vane-Browser-Client-SDK',
      ];
      const events = await readInsights((es) => es.length >= expected.length);
      expect(events.map(describeEvent).sort()).toEqual(expected.sort());
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      expect(events.every((e) => e.envId === HARNESS_ENV.id)).toBe(true);
    } finally {
      await Promise.all([server.close(), browser.close()]);
    }
  });
});

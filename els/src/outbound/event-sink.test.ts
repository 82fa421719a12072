import { randomUUID } from 'node:crypto';
import { MemoryBroker } from '@vane/server-kit';
import { MemoryEventSink } from './event-sink.js';
import { describeEventSink } from './event-sink-conformance.js';
import type { SeenEvent } from './event-sink-conformance.js';

describeEventSink('memory', () => {
  const broker = new MemoryBroker();
  return Promise.resolve({
    sink: new MemoryEventSink(broker),
    topic: () => Promise.resolve(`topic-${randomUUID()}`),
    watch: (topic) => {
      const seen: SeenEvent[] = [];
      const sub = broker.subscribe(
        topic,
        { groupId: `reader-${randomUUID()}`, fromBeginning: true },
        async (records) => {
          for (const r of records)
            seen.push({ key: r.key, value: new TextDecoder().decode(r.value) });
        },
      );
      return Promise.resolve({ seen, stop: () => sub.close() });
    },
    close: () => Promise.resolve(),
  });
});

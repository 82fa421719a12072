import { randomUUID } from 'node:crypto';
import { MemoryBroker } from '@vane/server-kit';
import { describeChangeBus } from './change-bus-conformance.js';
import { MemoryChangePublisher, MemoryMessageSource } from './memory-bus.js';

describeChangeBus('memory', () => {
  const broker = new MemoryBroker();
  return Promise.resolve({
    publisher: new MemoryChangePublisher(broker),
    source: new MemoryMessageSource(broker),
    topic: () => Promise.resolve(`topic-${randomUUID()}`),
    close: () => Promise.resolve(),
  });
});

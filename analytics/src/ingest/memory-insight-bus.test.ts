import { MemoryBroker } from '@vane/server-kit';
import { insightBusConformance } from './insight-bus-conformance.js';
import { MemoryInsightBus } from './memory-insight-bus.js';

insightBusConformance('memory', () =>
  Promise.resolve(new MemoryInsightBus(new MemoryBroker(), { retryDelayMs: 10 })),
);

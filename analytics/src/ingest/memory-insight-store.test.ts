import { insightStoreConformance } from './insight-store-conformance.js';
import { MemoryInsightStore } from './memory-insight-store.js';

insightStoreConformance('memory', () => Promise.resolve(new MemoryInsightStore()));

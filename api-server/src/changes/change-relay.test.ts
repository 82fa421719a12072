// The relay's sweep: records this process did not write (another instance's, or a crashed one's)
// are relayed within about one interval, even while this process writes without pause.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { OutgoingMessage } from '../bus/change-publisher.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import type { ChangeRecord, StoredDocument } from '../store/document-store.js';
import type { AuditDoc } from './audit-entry.js';
import { ChangeRelay } from './change-relay.js';
import { ChangeWriter } from './change-writer.js';

interface Thing extends StoredDocument {
  envId: string;
  key: string;
  n: number;
}

const record = (id: string): ChangeRecord => ({
  id,
  at: Date.now(),
  actorId: 'other-instance',
  action: 'updated',
  before: null,
  after: { _id: 'theirs', envId: 'e1', key: 'theirs', n: 1 },
});

describe('ChangeRelay sweep', () => {
  it('relays another instance’s records while this one keeps writing', async () => {
    const store = await MemoryDocumentStore.open();
    const things = store.collection<Thing>('things');
    const audit = store.collection<AuditDoc>('audit_log');
    const sent: OutgoingMessage[] = [];
    const relay = new ChangeRelay({
      kinds: [
        {
          collection: things,
          resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
          place: (state) => ({
            projectId: 'p1',
            envId: typeof state.envId === 'string' ? state.envId : '',
            key: typeof state.key === 'string' ? state.key : '',
          }),
          event: async (r) => ({ topic: 'changes', key: r.id, value: Buffer.from(r.id) }),
        },
      ],
      audit,
      publisher: {
        publish: async (messages) => {
          sent.push(...messages);
        },
        close: async () => undefined,
      },
      logger: pino({ level: 'silent' }),
      intervalMs: 100,
    });
    const writer = new ChangeWriter(store, relay);
    await things.insert({ _id: 'mine', envId: 'e1', key: 'mine', n: 0, revision: 1, outbox: [] });
    relay.start();
    // Let the start-up sweep pass: what follows must be found by a later one.
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Another instance's committed change, still in its document's outbox.
    await things.insert({
      _id: 'theirs',
      envId: 'e1',
      key: 'theirs',
      n: 1,
      revision: 1,
      outbox: [record('their-change')],
    });
    const ref = { type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG, display: 'mine' };
    const deadline = Date.now() + 1_000;
    let writes = 0;
    while (Date.now() < deadline && !sent.some((m) => m.key === 'their-change')) {
      await writer.update(
        things,
        'mine',
        ref,
        0,
        (cur) => ({ ...cur, n: cur.n + 1 }),
        { actorId: 'me', action: 'updated' },
        () => new Error('not found'),
      );
      writes += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await relay.stop();
    expect(writes).toBeGreaterThan(0);
    expect(sent.map((m) => m.key)).toContain('their-change');
    expect((await things.get('theirs'))?.outbox).toEqual([]);
    expect(await audit.get('their-change')).toMatchObject({ actorId: 'other-instance' });
    await store.close();
  });
});

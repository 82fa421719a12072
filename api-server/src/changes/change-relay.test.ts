// The relay's sweep: records this process did not write (another instance's, or a crashed one's)
// are relayed within about one interval, even while this process writes without pause; and this
// process's records never wait for a sweep.
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { OutgoingMessage } from '../bus/change-publisher.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import type { ChangeRecord, Collection, StoredDocument } from '../store/document-store.js';
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

/** A relay of one published kind over `things`, recording what it sends. */
function relayOf(store: MemoryDocumentStore, things: Collection<Thing>) {
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
    audit: store.collection<AuditDoc>('audit_log'),
    publisher: {
      publish: async (messages) => {
        sent.push(...messages);
      },
      close: async () => undefined,
    },
    logger: pino({ level: 'silent' }),
    intervalMs: 100,
  });
  return { relay, sent };
}

const ref = { type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG, display: 'mine' };
const bump = (cur: Thing): Thing => ({ ...cur, n: cur.n + 1 });
const meta = { actorId: 'me', action: 'updated' };
const notFound = (): Error => new Error('not found');

describe('ChangeRelay sweep', () => {
  it('relays another instance’s records while this one keeps writing', async () => {
    const store = await MemoryDocumentStore.open();
    const things = store.collection<Thing>('things');
    const audit = store.collection<AuditDoc>('audit_log');
    const { relay, sent } = relayOf(store, things);
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
    let writes = 0;
    // Keep writing our own document until the relay has also sent theirs.
    await vi.waitFor(
      async () => {
        await writer.update(things, 'mine', ref, 0, bump, meta, notFound);
        writes += 1;
        expect(sent.map((m) => m.key)).toContain('their-change');
      },
      { timeout: 1_000, interval: 5 },
    );
    await relay.stop();
    expect(writes).toBeGreaterThan(0);
    expect(sent.map((m) => m.key)).toContain('their-change');
    expect((await things.get('theirs'))?.outbox).toEqual([]);
    expect(await audit.get('their-change')).toMatchObject({ actorId: 'other-instance' });
    await store.close();
  });

  it('publishes this process’s records while a sweep is stuck on a slow store', async () => {
    const store = await MemoryDocumentStore.open();
    const inner = store.collection<Thing>('things');
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    // A scan that does not return (FerretDB decoding a large collection behind queued writes).
    const scan = async (limit: number): Promise<Thing[]> => {
      await stuck;
      return inner.withPendingChanges(limit);
    };
    const things = new Proxy(inner, {
      get(target, property) {
        if (property === 'withPendingChanges') return scan;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const { relay, sent } = relayOf(store, things);
    const writer = new ChangeWriter(store, relay);
    await inner.insert({ _id: 'mine', envId: 'e1', key: 'mine', n: 0, revision: 1, outbox: [] });
    relay.start();
    await writer.update(things, 'mine', ref, 0, bump, meta, notFound);
    // Published, audited and out of its outbox, with the sweep still stuck.
    await vi.waitFor(() => expect(sent).toHaveLength(1), { timeout: 1_000 });
    const recordId = String(sent[0]!.key);
    await vi.waitFor(async () => expect((await inner.get('mine'))?.outbox).toEqual([]));
    expect(await store.collection<AuditDoc>('audit_log').get(recordId)).toMatchObject({
      actorId: 'me',
    });
    release();
    await relay.stop();
    expect(sent.map((m) => m.key)).toEqual([recordId]);
    await store.close();
  });
});

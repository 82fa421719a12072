import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { change, documentStoreConformance, thing } from './document-store-conformance.js';
import type { Thing } from './document-store-conformance.js';
import { MemoryDocumentStore } from './memory-document-store.js';
import { JOURNAL_FILE, SNAPSHOT_FILE } from './memory-journal.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

documentStoreConformance('memory', async () => {
  const store = await MemoryDocumentStore.open();
  return { store, cleanup: () => store.close() };
});

documentStoreConformance('memory with a journal', async () => {
  const dataDir = await tempDir();
  // A tiny compaction threshold makes the suite compact while it runs, too.
  const store = await MemoryDocumentStore.open({ dataDir, compactAtBytes: 4096 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      // Whatever the suite left must come back identically from disk.
      const reopened = await MemoryDocumentStore.open({ dataDir });
      await reopened.close();
    },
  };
});

describe('MemoryDocumentStore journal', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDir();
  });

  const journalText = () => readFile(join(dataDir, JOURNAL_FILE), 'utf8');

  async function writeSome(store: MemoryDocumentStore): Promise<void> {
    const things = store.collection<Thing>('things', [{ name: 'key_env', fields: ['key', 'env'] }]);
    await things.insert(thing('a', { tags: ['x'] }));
    await things.insert({ ...thing('b'), outbox: [change('r0')] });
    await things.insert(thing('c'));
    await things.commit(
      { ...thing('a', { tags: ['y'] }), revision: 2 },
      thing('a', { tags: ['x'] }),
      change('r1'),
    );
    await things.removeChanges([{ id: 'b', record: change('r0') }]);
    await things.commit({ ...thing('c'), revision: 2, deleted: true }, thing('c'), change('r2'));
    await things.removeChanges([{ id: 'c', record: change('r2') }]);
    expect(await things.purge('c')).toBe(true);
    await store.collection<Thing>('scratch').insert(thing('s'));
    await store.collection<Thing>('scratch').clear();
    await store.nextVersion('env:1', 1000);
  }

  it('brings every kind of mutation back after a reopen', async () => {
    const first = await MemoryDocumentStore.open({ dataDir });
    await writeSome(first);
    await first.close();

    const second = await MemoryDocumentStore.open({ dataDir });
    expect(second.replay).toEqual({ entries: 11, tornTail: false });
    const things = second.collection<Thing>('things', [
      { name: 'key_env', fields: ['key', 'env'] },
    ]);
    expect(await things.get('a')).toEqual({
      ...thing('a', { tags: ['y'] }),
      revision: 2,
      outbox: [change('r1')],
    });
    expect(await things.get('b')).toEqual(thing('b'));
    expect(await things.withPendingChanges(10)).toHaveLength(1);
    expect(await things.count({})).toBe(2);
    expect(await second.collection('scratch').count({})).toBe(0);
    expect(await second.nextVersion('env:1', 0)).toBe(1001);
    // Unique indexes are rebuilt from the replayed data.
    await expect(things.insert(thing('z', { key: 'a' }))).rejects.toMatchObject({
      index: 'key_env',
    });
    await second.close();
  });

  it('compacts the journal into a snapshot on open', async () => {
    const first = await MemoryDocumentStore.open({ dataDir });
    await writeSome(first);
    await first.close();
    expect((await journalText()).split('\n').filter(Boolean)).toHaveLength(11);

    const second = await MemoryDocumentStore.open({ dataDir });
    expect(second.journal?.compactions).toBe(1);
    expect(await journalText()).toBe('');
    const snapshot = JSON.parse(await readFile(join(dataDir, SNAPSHOT_FILE), 'utf8')) as {
      collections: Record<string, unknown[]>;
    };
    expect(snapshot.collections.things).toHaveLength(2);
    await second.close();

    const third = await MemoryDocumentStore.open({ dataDir });
    expect(third.replay?.entries).toBe(0);
    expect(await third.collection('things').count({})).toBe(2);
    await third.close();
  });

  it('compacts while running once the journal outgrows the threshold', async () => {
    const store = await MemoryDocumentStore.open({ dataDir, compactAtBytes: 2000 });
    const things = store.collection<Thing>('things');
    for (let i = 0; i < 40; i += 1) await things.insert(thing(`d${i}`, { name: 'x'.repeat(100) }));
    await store.close();
    expect(store.journal?.compactions).toBeGreaterThan(1);
    expect((await stat(join(dataDir, JOURNAL_FILE))).size).toBeLessThan(2000);
    const reopened = await MemoryDocumentStore.open({ dataDir });
    expect(await reopened.collection('things').count({})).toBe(40);
    await reopened.close();
  });

  it('ignores a torn last line left by a crash, and keeps everything before it', async () => {
    const first = await MemoryDocumentStore.open({ dataDir });
    await first.collection<Thing>('things').insert(thing('a'));
    await first.close();
    await appendFile(join(dataDir, JOURNAL_FILE), '{"op":"put","c":"things","doc":{"_id":"b","rev');

    const second = await MemoryDocumentStore.open({ dataDir });
    expect(second.replay).toEqual({ entries: 1, tornTail: true });
    expect(await second.collection('things').get('a')).toBeDefined();
    expect(await second.collection('things').get('b')).toBeUndefined();
    await second.close();
  });

  it('refuses to start on a corrupt line before the last one', async () => {
    const first = await MemoryDocumentStore.open({ dataDir });
    await first.close();
    await appendFile(join(dataDir, JOURNAL_FILE), 'garbage\n{"op":"clear","c":"things"}\n');
    await expect(MemoryDocumentStore.open({ dataDir })).rejects.toThrow(/line 1 is corrupt/);
  });

  it('resolves a write only once it is in the journal, and reads wait for durability', async () => {
    const store = await MemoryDocumentStore.open({ dataDir });
    const things = store.collection<Thing>('things');
    await things.insert(thing('a'));
    expect(await journalText()).toContain('"_id":"a"');

    const writing = things.insert(thing('b'));
    const read = await things.get('b');
    // The read saw b, so it must not have answered before b was durable.
    expect(read?._id).toBe('b');
    expect(await journalText()).toContain('"_id":"b"');
    await writing;
    await store.close();
  });

  it('groups concurrent writes into fewer fsyncs, keeping their order', async () => {
    const store = await MemoryDocumentStore.open({ dataDir });
    const things = store.collection<Thing>('things');
    const before = store.journal?.syncs ?? 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => things.insert(thing(`d${i}`))));
    const syncs = (store.journal?.syncs ?? 0) - before;
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(50);
    const order = (await journalText())
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { doc: { _id: string } }).doc._id);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}`));
    await store.close();
  });

  it('rejects calls after close', async () => {
    const store = await MemoryDocumentStore.open({ dataDir });
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.collection('things').get('a')).rejects.toThrow(/closed/);
    await expect(store.ready()).rejects.toThrow(/closed/);
  });
});

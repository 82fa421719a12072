import { beforeEach, describe, expect, it } from 'vitest';
import { ChangeWriter } from '../changes/change-writer.js';
import type { Collection } from '../store/document-store.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { LAST_USED_RESOLUTION_MS, TOKEN_USAGE, TokenUsage } from './token-usage.js';
import type { TokenUsageDoc } from './token-usage.js';

let store: MemoryDocumentStore;
let usage: Collection<TokenUsageDoc>;
let writes: number;

function recorder() {
  return new TokenUsage(
    usage,
    new ChangeWriter(store, { recorded: async () => void (writes += 1) }),
  );
}

beforeEach(async () => {
  store = await MemoryDocumentStore.open();
  usage = store.collection<TokenUsageDoc>(TOKEN_USAGE.name);
  writes = 0;
});

describe('TokenUsage', () => {
  it('stores the first use, then at most one write a minute however many calls', async () => {
    const tokens = recorder();
    const t0 = 1_000_000;
    await tokens.touch('a', t0);
    for (let i = 1; i < 100; i += 1) await tokens.touch('a', t0 + i * 500); // 50 s of calls
    expect(writes).toBe(1);
    expect((await tokens.lastUsed(['a'])).get('a')).toBe(t0);

    await tokens.touch('a', t0 + LAST_USED_RESOLUTION_MS);
    expect(writes).toBe(2);
    expect((await tokens.lastUsed(['a', 'never'])).get('a')).toBe(t0 + LAST_USED_RESOLUTION_MS);
    expect((await tokens.lastUsed(['a', 'never'])).has('never')).toBe(false);
  });

  it('writes nothing when another instance stored a fresh time already', async () => {
    const t0 = 5_000_000;
    await recorder().touch('a', t0);
    const other = recorder(); // a second api-server: knows nothing in memory
    await other.touch('a', t0 + 1000);
    await other.touch('a', t0 + 2000);
    expect(writes).toBe(1);
    expect((await other.lastUsed(['a'])).get('a')).toBe(t0);
  });

  it('keeps tokens apart', async () => {
    const tokens = recorder();
    await tokens.touch('a', 10);
    await tokens.touch('b', 20);
    const seen = await tokens.lastUsed(['a', 'b']);
    expect([seen.get('a'), seen.get('b')]).toEqual([10, 20]);
  });
});

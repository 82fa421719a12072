import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flagEvent, insightStoreConformance } from './insight-store-conformance.js';
import { JournaledInsightStore } from './journaled-insight-store.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vane-insights-'));
  dirs.push(dir);
  return join(dir, 'analytics', 'insights.jsonl');
}

insightStoreConformance('journaled', async () => JournaledInsightStore.open(await tempFile()));

const query = { envId: 'env-1', flagKey: 'f', startMs: 0, endMs: 10_000, bucketMs: 1000 };

describe('JournaledInsightStore', () => {
  it('answers the same after a close and a reopen of its file, which is 0600', async () => {
    const path = await tempFile();
    const first = await JournaledInsightStore.open(path);
    await first.insert([
      flagEvent({
        eventId: 'a',
        flagKey: 'f',
        userKeyId: 'u1',
        variationId: 'on',
        timestampMs: 1500,
      }),
      flagEvent({
        eventId: 'b',
        flagKey: 'f',
        userKeyId: 'u2',
        variationId: 'off',
        timestampMs: 2500,
      }),
    ]);
    await first.insert([
      flagEvent({
        eventId: 'a',
        flagKey: 'f',
        userKeyId: 'u1',
        variationId: 'on',
        timestampMs: 1500,
      }),
    ]);
    const before = await first.flagInsights(query);
    await first.close();

    const second = await JournaledInsightStore.open(path);
    expect(second.report).toEqual({ batches: 1, records: 2, tornTail: false });
    expect(await second.flagInsights(query)).toEqual(before);
    expect(before.totals.map((t) => t.evaluations)).toEqual([1, 1]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
    await second.close();
  });

  it('drops a torn last line (a crash mid-append) and keeps appending after it', async () => {
    const path = await tempFile();
    const first = await JournaledInsightStore.open(path);
    await first.insert([flagEvent({ eventId: 'a', flagKey: 'f', timestampMs: 1500 })]);
    await first.close();
    await appendFile(path, '[{"eventId":"torn","kind":"fl');

    const second = await JournaledInsightStore.open(path);
    expect(second.report).toMatchObject({ batches: 1, tornTail: true });
    await second.insert([flagEvent({ eventId: 'b', flagKey: 'f', timestampMs: 2500 })]);
    await second.close();
    expect(await readFile(path, 'utf8')).not.toContain('torn');

    const third = await JournaledInsightStore.open(path);
    expect(third.report).toEqual({ batches: 2, records: 2, tornTail: false });
    expect((await third.flagInsights(query)).totals[0]?.evaluations).toBe(2);
    await third.close();
  });

  it('refuses to open on a corrupt line that is not the last one', async () => {
    const path = await tempFile();
    const first = await JournaledInsightStore.open(path);
    await first.close();
    await appendFile(path, 'not json\n[]\n');
    await expect(JournaledInsightStore.open(path)).rejects.toThrow(/line 1 is corrupt/);
  });
});

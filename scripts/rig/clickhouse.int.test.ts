import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServers, uniqueTestName } from './test-env.js';

// SQL here must run on ClickHouse 18.16 (Debian, native rig) and on current ClickHouse (compose):
// no query parameters, no DateTime64, no window functions.
const database = uniqueTestName('rig_clickhouse');

interface CountRow {
  flag_key: string;
  variant: string;
  exposures: string; // UInt64 arrives as a JSON string
  users: string;
  first_seen: string;
}

describe('ClickHouse (real server from scripts/services.sh)', () => {
  let client: ClickHouseClient;

  beforeAll(async () => {
    // The bad-query test expects an error; keep the client's own error log out of the output.
    client = createClient({
      url: testServers().clickhouseUrl,
      log: { level: ClickHouseLogLevel.OFF },
    });
    const result = await client.query({
      query: 'SELECT version() AS version',
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ version: string }>();
    console.log(`ClickHouse version: ${row?.version ?? 'unknown'}`);
    await client.command({ query: `CREATE DATABASE ${database}` });
  });

  afterAll(async () => {
    if (!client) return;
    await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client.close();
  });

  it('answers SELECT version() with a version string', async () => {
    const result = await client.query({
      query: 'SELECT version() AS version',
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ version: string }>();
    expect(row?.version).toMatch(/^\d+\.\d+/);
  });

  it('creates a MergeTree table, inserts rows and aggregates them', async () => {
    await client.command({
      query: `
        CREATE TABLE ${database}.exposures (
          event_date Date,
          event_time DateTime,
          flag_key String,
          variant String,
          user_key String
        ) ENGINE = MergeTree()
        PARTITION BY toYYYYMM(event_date)
        ORDER BY (flag_key, variant, event_time)`,
    });
    const rows = [
      ['checkout', 'on', 'u1', '2024-05-01 10:00:00'],
      ['checkout', 'on', 'u2', '2024-05-01 10:00:01'],
      ['checkout', 'on', 'u1', '2024-05-01 10:00:02'],
      ['checkout', 'off', 'u3', '2024-05-01 09:59:59'],
      ['search', 'v2', 'u1', '2024-05-02 00:00:00'],
    ].map(([flag_key, variant, user_key, event_time]) => ({
      event_date: event_time?.slice(0, 10),
      event_time,
      flag_key,
      variant,
      user_key,
    }));
    await client.insert({ table: `${database}.exposures`, values: rows, format: 'JSONEachRow' });

    const result = await client.query({
      query: `
        SELECT flag_key, variant, count() AS exposures, uniqExact(user_key) AS users,
               toString(min(event_time)) AS first_seen
        FROM ${database}.exposures
        GROUP BY flag_key, variant
        ORDER BY flag_key, variant`,
      format: 'JSONEachRow',
    });
    const counts = await result.json<CountRow>();
    expect(counts).toEqual([
      {
        flag_key: 'checkout',
        variant: 'off',
        exposures: '1',
        users: '1',
        first_seen: '2024-05-01 09:59:59',
      },
      {
        flag_key: 'checkout',
        variant: 'on',
        exposures: '3',
        users: '2',
        first_seen: '2024-05-01 10:00:00',
      },
      {
        flag_key: 'search',
        variant: 'v2',
        exposures: '1',
        users: '1',
        first_seen: '2024-05-02 00:00:00',
      },
    ]);
  });

  it('reports a bad query as an error that names the problem', async () => {
    await expect(
      client.query({ query: 'SELECT nope FROM system.one', format: 'JSONEachRow' }),
    ).rejects.toThrow(/nope/);
  });
});

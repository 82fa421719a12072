// The InsightStore conformance suite on the real ClickHouse of the test rig (18.16 natively),
// plus migrations and the escaper's round trip through the server.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { testServers, uniqueTestName } from '@vane/scripts/rig';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseInsightStore } from './clickhouse-insight-store.js';
import { migrate } from './clickhouse-migrations.js';
import { insightStoreConformance } from './insight-store-conformance.js';
import { quoteString } from './sql.js';

const logger = pino({ level: 'silent' });
const databases: string[] = [];
let admin: ClickHouseClient;

function client(): ClickHouseClient {
  return createClient({ url: testServers().clickhouseUrl, log: { level: ClickHouseLogLevel.OFF } });
}

beforeAll(() => {
  admin = client();
});

afterAll(async () => {
  for (const db of databases) await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await admin.close();
});

insightStoreConformance(
  'ClickHouse',
  async () => {
    const db = uniqueTestName('analytics_store');
    databases.push(db);
    return ClickHouseInsightStore.create(client(), db, logger);
  },
  async (store) => {
    await store.close();
  },
);

describe('ClickHouse migrations', () => {
  it('apply once, record their versions and are skipped on the next start', async () => {
    const db = uniqueTestName('analytics_migrations');
    databases.push(db);
    expect(await migrate(admin, db, logger)).toEqual([1]);
    expect(await migrate(admin, db, logger)).toEqual([]);
    const result = await admin.query({
      query: `SELECT version, name FROM ${db}.schema_migrations ORDER BY version`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ version: 1, name: 'insight events' }]);
  });
});

describe('quoteString against the server', () => {
  it('round-trips hostile strings exactly', async () => {
    const samples = [
      "'",
      '\\',
      "\\'",
      "''",
      "a'); DROP TABLE x; --",
      '\n\r\t\0\b\f',
      'ünï 🚀',
      '%s{p:String}',
    ];
    const query = `SELECT ${samples.map((s, i) => `${quoteString(s)} AS s${i}`).join(', ')}`;
    const result = await admin.query({ query, format: 'JSONEachRow' });
    const [row] = await result.json<Record<string, string>>();
    expect(samples.map((_, i) => row?.[`s${i}`])).toEqual(samples);
  });
});

// Versioned ClickHouse schema migrations, applied in order at start-up and recorded in
// `<db>.schema_migrations`. Every statement runs on ClickHouse 18.16 and on current releases
// (no DateTime64, no query parameters). Statements are idempotent, so concurrent starts are safe.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { sql, SqlIdentifier } from './sql.js';

/** One migration: a version (strictly increasing), a name and its statements. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (db: SqlIdentifier) => readonly string[];
}

/** The table of insight events (one row per event; duplicates collapse by event id). */
export const EVENTS_TABLE = 'insight_events';

/** The schema history, oldest first. Append only: never edit an applied migration. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'insight events',
    // ReplacingMergeTree collapses rows with the same sorting key (so the same event id) in the
    // background; queries never rely on that and stay exact with duplicates present. Every key
    // column is a function of the event, so a redelivered event has the same key.
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db.name}.${EVENTS_TABLE} (
        event_date Date,
        env_id String,
        kind UInt8,
        flag_key String,
        event_name String,
        event_id String,
        ts_ms UInt64,
        received_ms UInt64,
        user_key_id String,
        user_name String,
        flag_id String,
        variation_id String,
        send_to_experiment UInt8,
        reason String,
        numeric_value Float64,
        metric_type String,
        route String,
        app_type String
      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(event_date)
      ORDER BY (env_id, kind, flag_key, event_name, event_date, event_id)`,
    ],
  },
];

/** Creates the database and applies the migrations it lacks; returns the versions applied. */
export async function migrate(
  client: ClickHouseClient,
  database: string,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const db = SqlIdentifier.of(database);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db.name}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db.name}.schema_migrations (
      version UInt32, name String, applied_at DateTime
    ) ENGINE = MergeTree() ORDER BY version`,
  });
  const result = await client.query({
    query: `SELECT DISTINCT version FROM ${db.name}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const done = new Set(
    (await result.json<{ version: number | string }>()).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(db)) await client.command({ query: statement });
    await client.command({
      query:
        sql`INSERT INTO ${SqlIdentifier.of(`${db.name}.schema_migrations`)} (version, name, applied_at)
        VALUES (${m.version}, ${m.name}, now())`.text,
    });
    logger.info({ version: m.version, name: m.name }, 'applied ClickHouse migration');
    applied.push(m.version);
  }
  return applied;
}

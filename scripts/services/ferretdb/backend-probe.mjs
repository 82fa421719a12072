// Measures a MongoDB-compatible server on the commands the api-server's write path uses, and
// checks that its conditional updates and _id inserts are atomic across connections. Written to
// choose FerretDB's backend (SQLite or PostgreSQL) for the rig; see ../README.md.
//
// Usage: node scripts/services/ferretdb/backend-probe.mjs <mongodb-url> [database] [ops]
//   database: created, filled and dropped again (default ferret_backend_probe)
//   ops: operations per measurement, sequential and with 8 in flight (default 300)
// Prints one JSON line per measurement and per check, then a summary table.
/* global console */
import { MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const [url, dbName = 'ferret_backend_probe', opsArg = '300'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node backend-probe.mjs <mongodb-url> [database] [ops]');
  process.exit(2);
}
const OPS = Number(opsArg);
const DOCS = 500;
const ENVS = 10;
const IN_FLIGHT = 8;
const RACE_ROUNDS = 300;

const options = { serverSelectionTimeoutMS: 5000, maxPoolSize: 20 };

/** A flag-like document of about 2 KB. */
function flag(i, extra = {}) {
  return {
    _id: `flag-${i}`,
    envId: `env-${i % ENVS}`,
    key: `key-${i}`,
    revision: 1,
    name: `Flag number ${i}`,
    description: randomBytes(400).toString('hex'),
    variations: [
      { id: 'on', value: 'true' },
      { id: 'off', value: 'false' },
    ],
    rules: Array.from({ length: 6 }, (_, r) => ({
      id: `rule-${r}`,
      name: `rule ${r}`,
      clauses: [{ property: 'country', op: 'in', values: ['de', 'fr', 'it', 'es', `x${r}`] }],
      serve: { variation: r % 2 ? 'on' : 'off', rollout: [50, 50] },
    })),
    tags: ['a', 'b', 'c'],
    deleted: false,
    outbox: i % 100 === 0 ? [{ id: `rec-${i}`, kind: 'update', at: Date.now() }] : [],
    ...extra,
  };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2) };
}

/** Runs op(i) OPS times, sequentially and with IN_FLIGHT at once; returns latencies and rate. */
async function measure(name, op) {
  const result = { name };
  for (const inFlight of [1, IN_FLIGHT]) {
    const samples = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async (_, worker) => {
        for (let i = next++; i < OPS; i = next++) {
          const t = performance.now();
          await op(i, worker, inFlight);
          samples.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    result[inFlight === 1 ? 'seq' : `x${inFlight}`] = {
      ...stats(samples),
      perSecond: Math.round(OPS / seconds),
    };
  }
  console.log(JSON.stringify(result));
  return result;
}

const client = new MongoClient(url, options);
const other = new MongoClient(url, options);
await client.connect();
await other.connect();
const db = client.db(dbName);
const results = [];
const checks = [];
try {
  await db.dropDatabase();
  const flags = db.collection('flags');
  await flags.createIndex({ envId: 1, key: 1 }, { unique: true, name: 'env_key' });
  await flags.insertMany(Array.from({ length: DOCS }, (_, i) => flag(i)));
  const size = JSON.stringify(flag(1)).length;
  const build = await db.admin().command({ buildInfo: 1 });
  console.log(JSON.stringify({ url, server: build.version, docs: DOCS, docBytes: size, ops: OPS }));

  const pick = (i) => (i * 7919) % DOCS;
  results.push(await measure('findOne {_id}', (i) => flags.findOne({ _id: `flag-${pick(i)}` })));
  results.push(
    await measure('findOne {envId, key}', (i) => {
      const n = pick(i);
      return flags.findOne({ envId: `env-${n % ENVS}`, key: `key-${n}` });
    }),
  );
  results.push(
    await measure("find {'outbox.0': $exists}", () =>
      flags
        .find({ 'outbox.0': { $exists: true } })
        .limit(100)
        .toArray(),
    ),
  );

  // Conditional update: the revision each document has now, kept here so that every update
  // matches (a miss would be cheaper and hide the cost). Workers take disjoint documents.
  const revision = new Map();
  let updateMisses = 0;
  results.push(
    await measure('updateOne {_id, revision} $set+$push', async (i) => {
      const id = `flag-${pick(i)}`;
      const n = revision.get(id) ?? 1;
      revision.set(id, n + 1);
      const r = await flags.updateOne(
        { _id: id, revision: n },
        {
          $set: {
            revision: n + 1,
            updatedAt: Date.now(),
            description: randomBytes(400).toString('hex'),
          },
          $push: { outbox: { id: `rec-${i}-${n}`, kind: 'update', at: Date.now() } },
        },
      );
      if (r.matchedCount !== 1) updateMisses += 1;
    }),
  );
  checks.push({ check: 'timed conditional updates that missed (expected 0)', value: updateMisses });
  // The measurement above pushed into the outbox of many documents: empty them again.
  await flags.updateMany({}, { $set: { outbox: [] } });

  let inserted = 0;
  results.push(
    await measure('insertOne (2 KB)', () => {
      const n = DOCS + inserted++;
      return flags.insertOne(flag(n, { _id: `new-${n}`, key: `new-${n}` }));
    }),
  );

  // Atomicity across connections. 1) Both clients read revision N, then both try the
  // conditional update from N to N+1 at the same moment: at most one may match.
  const race = db.collection('race');
  await race.insertOne({ _id: 'doc', revision: 0, applied: 0 });
  const clients = [client, other].map((c) => c.db(dbName).collection('race'));
  let bothMatched = 0;
  let neitherMatched = 0;
  for (let round = 0; round < RACE_ROUNDS; round++) {
    const { revision: n } = await clients[0].findOne({ _id: 'doc' });
    const outcomes = await Promise.all(
      clients.map((c) =>
        c.updateOne(
          { _id: 'doc', revision: n },
          { $set: { revision: n + 1 }, $inc: { applied: 1 } },
        ),
      ),
    );
    const matched = outcomes.filter((r) => r.matchedCount === 1).length;
    if (matched === 2) bothMatched += 1;
    if (matched === 0) neitherMatched += 1;
  }
  const raced = await race.findOne({ _id: 'doc' });
  checks.push({
    check: `lock-step conditional update from 2 clients, ${RACE_ROUNDS} rounds: both matched`,
    value: bothMatched,
    neitherMatched,
    finalRevision: raced.revision,
    appliedIncrements: raced.applied,
  });

  // 2) Free-running: each client loops read-then-conditional-update; the revisions that each
  // client won must not overlap.
  await race.updateOne({ _id: 'doc' }, { $set: { revision: 0, applied: 0 } });
  const won = await Promise.all(
    clients.map(async (c) => {
      const mine = [];
      for (let i = 0; i < RACE_ROUNDS; i++) {
        const { revision: n } = await c.findOne({ _id: 'doc' });
        const r = await c.updateOne(
          { _id: 'doc', revision: n },
          { $set: { revision: n + 1 }, $inc: { applied: 1 } },
        );
        if (r.matchedCount === 1) mine.push(n);
      }
      return mine;
    }),
  );
  const theirs = new Set(won[1]);
  const freeRun = await race.findOne({ _id: 'doc' });
  checks.push({
    check: `free-running read-then-update, 2 clients x ${RACE_ROUNDS}: revisions won by both`,
    value: won[0].filter((n) => theirs.has(n)).length,
    wins: won[0].length + won[1].length,
    finalRevision: freeRun.revision,
    appliedIncrements: freeRun.applied,
  });

  // 3) The same _id inserted by both clients at once: exactly one may succeed, the other must
  // fail with 11000. 4) The same for two _ids that clash on the unique {envId, key} index.
  for (const [label, makeDocs] of [
    [
      'same _id',
      (i) => [
        { _id: `dup-${i}`, envId: 'race-id', key: `a-${i}` },
        { _id: `dup-${i}`, envId: 'race-id', key: `b-${i}` },
      ],
    ],
    [
      'same unique {envId, key}, different _id',
      (i) => [
        { _id: `u-a-${i}`, envId: 'race', key: `k-${i}` },
        { _id: `u-b-${i}`, envId: 'race', key: `k-${i}` },
      ],
    ],
  ]) {
    let bothInserted = 0;
    let neitherInserted = 0;
    const codes = {};
    for (let i = 0; i < RACE_ROUNDS; i++) {
      const docs = makeDocs(i);
      const outcomes = await Promise.allSettled(
        [client, other].map((c, k) => c.db(dbName).collection('flags').insertOne(docs[k])),
      );
      const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
      if (ok === 2) bothInserted += 1;
      if (ok === 0) neitherInserted += 1;
      for (const o of outcomes) {
        if (o.status === 'rejected') codes[o.reason.code] = (codes[o.reason.code] ?? 0) + 1;
      }
    }
    checks.push({
      check: `concurrent insertOne, ${label}, ${RACE_ROUNDS} rounds: both succeeded`,
      value: bothInserted,
      neitherInserted,
      errorCodes: codes,
    });
  }
  for (const c of checks) console.log(JSON.stringify(c));

  console.log(`\n${url} (server ${build.version}), ${OPS} ops each, ms`);
  console.log(
    'command                                  seq med  seq p99  seq/s   x8 med   x8 p99   x8/s',
  );
  for (const r of results) {
    const x = r[`x${IN_FLIGHT}`];
    console.log(
      [r.name.padEnd(40), r.seq.median, r.seq.p99, r.seq.perSecond, x.median, x.p99, x.perSecond]
        .map((v, k) => (k === 0 ? v : String(v).padStart(8)))
        .join(' '),
    );
  }
} finally {
  await db.dropDatabase().catch(() => {});
  await client.close();
  await other.close();
}

// An embedded journal that holds an over-limit flag (written before the limits were enforced):
// start-up succeeds, the flag is reported (log and metric) rather than dropped or served silently,
// and the admin API refuses any update that leaves it over the limit while an update that fixes
// it, and toggling, still work.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBroker } from '@vane/server-kit';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { TargetingRule } from '@vane/gen/node/vane/model/v1/flag';
import { startApiServer } from '../api-server.js';
import type { RunningApiServer } from '../api-server.js';
import { MemoryChangePublisher, MemoryMessageSource } from '../bus/memory-bus.js';
import { JOURNAL_FILE } from '../store/memory-journal.js';
import { MemoryDocumentStore } from '../store/memory-document-store.js';
import { adminClients, grpcError } from '../testing/api-fixture.js';
import type { AdminClients } from '../testing/api-fixture.js';
import { FLAGS } from '@vane/server-kit/documents';
import type { FlagDoc } from '@vane/server-kit/documents';

const TOKEN = 'owner-stored-definitions-test-token';
let dir: string;
let store: MemoryDocumentStore;
let server: RunningApiServer;
let api: AdminClients;
interface LogLine {
  level: number;
  msg: string;
  key?: string;
  problems?: string[];
}
const logLines: LogLine[] = [];

async function start(): Promise<void> {
  store = await MemoryDocumentStore.open({ dataDir: dir });
  const broker = new MemoryBroker();
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => logLines.push(JSON.parse(line) as LogLine) },
  );
  server = await startApiServer(
    {
      store,
      publisher: new MemoryChangePublisher(broker),
      source: new MemoryMessageSource(broker),
      logger,
    },
    { grpcPort: 0, httpPort: 0, bootstrapToken: TOKEN, relayIntervalMs: 100 },
  );
  api = adminClients(`127.0.0.1:${server.grpcPort}`, TOKEN);
}

async function stop(): Promise<void> {
  api.close();
  await server.stop();
  await store.close();
}

const rule = (i: number): TargetingRule => ({
  id: `r${i}`,
  name: `rule ${i}`,
  dispatchKey: '',
  includedInExpt: false,
  conditions: [{ id: '', property: 'keyId', op: 'Equal', value: `u${i}` }],
  variations: [{ variationId: 'on', rolloutStart: 0, rolloutEnd: 1, exptRollout: 0 }],
});

let envId: string;
const KEY = 'legacy';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-stored-definitions-'));
  await start();
  const { project } = await api.projects.createProject({ key: 'p', name: 'P', description: '' });
  const { environment } = await api.environments.createEnvironment({
    projectId: project!.id,
    key: 'e',
    name: 'E',
    description: '',
  });
  envId = environment!.id;
  const { flag } = await api.flags.createFeatureFlag({
    envId,
    comment: '',
    flag: {
      ...FeatureFlag.fromPartial({}),
      key: KEY,
      name: 'Legacy',
      description: '',
      tags: [],
      variationType: VariationType.VARIATION_TYPE_BOOLEAN,
      variations: [
        { id: 'on', name: '', value: 'true' },
        { id: 'off', name: '', value: 'false' },
      ],
      targetUsers: [],
      rules: [rule(0)],
      prerequisites: [],
    },
  });
  await stop();
  // What an older Vane could have journaled: the same flag with 101 rules.
  const reopened = await MemoryDocumentStore.open({ dataDir: dir });
  const doc = await reopened.collection<FlagDoc>(FLAGS.name, FLAGS.unique).get(flag!.id);
  await reopened.close();
  const overLimit: FlagDoc = {
    ...doc!,
    rules: Array.from({ length: 101 }, (_, i) => ({ ...doc!.rules[0]!, id: `r${i}` })),
  };
  await appendFile(
    join(dir, JOURNAL_FILE),
    `${JSON.stringify({ op: 'put', c: FLAGS.name, doc: overLimit })}\n`,
  );
  logLines.length = 0;
  await start();
});

afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('an over-limit flag in the journal', () => {
  it('does not stop start-up and is reported in the log and the metrics', async () => {
    const warning = logLines.find((l) => l.key === KEY);
    expect(warning?.level).toBe(40);
    expect(warning?.problems).toEqual(['rules: at most 100 rules (got 101)']);
    const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^vane_api_invalid_stored_definitions 1$/m);
  });

  it('is kept as stored, not dropped', async () => {
    const { flag } = await api.flags.getFeatureFlag({ envId, key: KEY });
    expect(flag?.rules).toHaveLength(101);
  });

  it('refuses an update that leaves it over the limit, and keeps it unchanged', async () => {
    const { flag: before } = await api.flags.getFeatureFlag({ envId, key: KEY });
    const err = await grpcError(
      api.flags.updateFeatureFlag({
        envId,
        key: KEY,
        flag: { ...before!, name: 'Renamed' },
        updateMask: ['name'],
        expectedRevision: 0,
        comment: '',
      }),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.info?.fieldViolations).toEqual([
      { field: 'flag.rules', description: 'at most 100 rules (got 101)' },
    ]);
    const { flag: after } = await api.flags.getFeatureFlag({ envId, key: KEY });
    expect(after?.name).toBe('Legacy');
    expect(after?.revision).toBe(before?.revision);
  });

  it('can still be switched off, and an update that fixes it is accepted', async () => {
    const { flag: toggled } = await api.flags.toggleFeatureFlag({
      envId,
      key: KEY,
      enabled: false,
      expectedRevision: 0,
      comment: 'switch off until fixed',
    });
    expect(toggled?.isEnabled).toBe(false);
    const { flag } = await api.flags.updateFeatureFlag({
      envId,
      key: KEY,
      flag: { ...toggled!, rules: toggled!.rules.slice(0, 100) },
      updateMask: ['rules'],
      expectedRevision: 0,
      comment: '',
    });
    expect(flag?.rules).toHaveLength(100);
  });
});

// After `ImportFeatBitEnvironment` with the FeatBit environment's own server secret, the published
// FeatBit Node SDK connects to Vane's ELS with that secret (only the host changes) and serves the
// same variations as the same SDK bootstrapped offline from the FeatBit JSON; ELS's FeatBit
// polling endpoint answers for the adopted secret too.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FbClientBuilder, UserBuilder } from '@featbit/node-server-sdk';
import type { IFbClient, IUser } from '@featbit/node-server-sdk';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatBitImportServiceDefinition } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';
import type { RunningVane } from './start-embedded.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const part = (): string => randomBytes(16).toString('base64url').slice(0, 22);
/** A FeatBit-format secret (two encoded GUIDs), as FeatBit generates them. */
const SERVER_SECRET = part() + part();

const SEG = '5e95e95e-0000-4000-8000-000000000001';
const v = (id: string, value: string) => ({ id, name: value, value });
const slice = (id: string, start: number, end: number) => ({
  id,
  rollout: [start, end],
  exptRollout: 1,
});
const base = {
  envId: 'fb',
  description: '',
  targetUsers: [],
  rules: [],
  isEnabled: true,
  exptIncludeAllTargets: true,
  tags: [],
  isArchived: false,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};
const flags = [
  {
    ...base,
    id: 'f1',
    key: 'new-checkout',
    name: 'New checkout',
    variationType: 'boolean',
    variations: [v('t', 'true'), v('f', 'false')],
    targetUsers: [{ keyIds: ['user-3', 'user-7'], variationId: 't' }],
    rules: [
      {
        id: 'r1',
        name: 'beta segment',
        dispatchKey: null,
        includedInExpt: true,
        conditions: [
          { id: 'c1', property: 'User is in segment', op: '', value: JSON.stringify([SEG]) },
        ],
        variations: [slice('t', 0, 1)],
      },
      {
        id: 'r2',
        name: 'adults in FR',
        dispatchKey: 'company',
        includedInExpt: false,
        conditions: [
          { id: 'c2', property: 'country', op: 'IsOneOf', value: '["FR","DE"]' },
          { id: 'c3', property: 'age', op: 'BiggerEqualThan', value: '18' },
        ],
        variations: [slice('t', 0, 0.4), slice('f', 0.4, 1)],
      },
    ],
    disabledVariationId: 'f',
    fallthrough: { dispatchKey: null, includedInExpt: true, variations: [slice('f', 0, 1)] },
  },
  {
    ...base,
    id: 'f2',
    key: 'button-color',
    name: 'Button color',
    variationType: 'string',
    variations: [v('r', 'red'), v('g', 'green'), v('b', 'blue')],
    rules: [
      {
        id: 'r3',
        name: 'not in beta',
        dispatchKey: null,
        includedInExpt: false,
        conditions: [
          { id: 'c4', property: 'User is not in segment', op: null, value: JSON.stringify([SEG]) },
          { id: 'c5', property: 'plan', op: 'StartsWith', value: 'pro' },
        ],
        variations: [slice('b', 0, 1)],
      },
    ],
    disabledVariationId: 'r',
    fallthrough: {
      dispatchKey: 'keyId',
      includedInExpt: true,
      variations: [slice('r', 0, 0.33), slice('g', 0.33, 0.66), slice('b', 0.66, 1)],
    },
  },
  {
    ...base,
    id: 'f3',
    key: 'limits',
    name: 'Limits',
    variationType: 'json',
    variations: [v('s', '{"max":5}'), v('l', '{"max":50}')],
    isEnabled: false,
    disabledVariationId: 's',
    fallthrough: { dispatchKey: null, includedInExpt: true, variations: [slice('l', 0, 1)] },
  },
];
const segments = [
  {
    id: SEG,
    envId: 'fb',
    name: 'Beta',
    key: 'beta',
    description: '',
    included: ['user-1', 'user-2'],
    excluded: ['user-5'],
    rules: [
      {
        id: 'sr1',
        name: 'staff',
        conditions: [{ id: 'c6', property: 'email', op: 'EndsWith', value: '@corp.example' }],
      },
    ],
    tags: [],
    isArchived: false,
    createdAt: '2024-01-01T00:00:00Z',
    updatedAt: '2024-01-01T00:00:00Z',
  },
];
const latestAll = JSON.stringify({
  messageType: 'data-sync',
  data: { eventType: 'full', featureFlags: flags, segments },
});

const users: IUser[] = Array.from({ length: 200 }, (_, i) =>
  new UserBuilder(`user-${i}`)
    .name(`User ${i}`)
    .custom('country', ['FR', 'DE', 'US'][i % 3]!)
    .custom('age', String(10 + (i % 30)))
    .custom('plan', ['pro', 'free', 'professional'][i % 3]!)
    .custom('company', `c${i % 7}`)
    .custom('email', i % 11 === 0 ? `u${i}@corp.example` : `u${i}@mail.example`)
    .build(),
);

let dir: string;
let vane: RunningVane;
let elsBase: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-featbit-import-'));
  vane = await startEmbedded(
    {
      ...loadEmbeddedConfig({ VANE_DATA_DIR: join(dir, 'data') }),
      apiGrpcPort: 0,
      apiHttpPort: 0,
      analyticsGrpcPort: 0,
      analyticsHttpPort: 0,
      elsPort: 0,
      edgePort: 0,
    },
    pino({ level: 'silent' }),
  );
  elsBase = vane.urls.sdkStream.replace(/^ws/, 'http').replace(/\/sdk\/v1\/stream$/, '');
}, 60_000);

afterAll(async () => {
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function values(client: IFbClient): Promise<string[]> {
  const out: string[] = [];
  for (const user of users) {
    for (const flag of flags) {
      const d = await client.stringVariationDetail(flag.key, user, '<default>');
      out.push(`${user.key} ${flag.key} ${d.value}`);
    }
  }
  return out;
}

describe('FeatBit SDKs after an import', () => {
  it('keep their secret and serve the same variations from Vane', async () => {
    const token = vane.ownerToken;
    const admin = vaneChannel(vane.urls.adminGrpc);
    const projects = createVaneClient(ProjectServiceDefinition, admin, { token });
    const envs = createVaneClient(EnvironmentServiceDefinition, admin, { token });
    const importer = createVaneClient(
      FeatBitImportServiceDefinition,
      vaneChannel(vane.urls.adminGrpc),
      { token },
    );
    try {
      const { project } = await projects.createProject({ key: 'fb', name: 'FB', description: '' });
      const { environment } = await envs.createEnvironment({
        projectId: project!.id,
        key: 'prod',
        name: 'Prod',
        description: '',
      });
      const res = await importer.importFeatBitEnvironment({
        envId: environment!.id,
        document: latestAll,
        dryRun: false,
        skipInvalid: false,
        serverSecrets: [SERVER_SECRET],
        clientSecrets: [],
        comment: '',
      });
      expect(res.flags?.created).toBe(3);
      expect(res.secrets?.created).toBe(1);
    } finally {
      admin.close();
    }

    const offline = new FbClientBuilder()
      .offline(true)
      .useJsonBootstrapProvider(latestAll)
      .logger(silent)
      .build();
    await offline.waitForInitialization();
    const expected = await values(offline);
    await offline.close();

    const live = new FbClientBuilder()
      .sdkKey(SERVER_SECRET)
      .streamingUri(elsBase.replace(/^http/, 'ws'))
      .eventsUri(elsBase)
      .logger(silent)
      .build();
    try {
      await live.waitForInitialization();
      const got = await values(live);
      expect(got).toHaveLength(600);
      expect(got).toEqual(expected);
      expect(new Set(got.map((line) => line.split(' ')[2])).size).toBeGreaterThanOrEqual(5);
    } finally {
      await live.close();
    }

    const polled = await fetch(`${elsBase}/api/public/sdk/server/latest-all`, {
      headers: { authorization: SERVER_SECRET },
    });
    expect(polled.status).toBe(200);
    const body = (await polled.json()) as { data: { featureFlags: { key: string }[] } };
    expect(body.data.featureFlags.map((f) => f.key).sort()).toEqual([
      'button-color',
      'limits',
      'new-checkout',
    ]);
  }, 60_000);
});

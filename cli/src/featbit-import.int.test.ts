// `vane import featbit` against a real (embedded) admin API: from a file, and fetched from a tiny
// local HTTP server standing in for FeatBit's evaluation server (latest-all + Authorization).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedConfig, startEmbedded } from '@vane/embedded';
import type { RunningVane } from '@vane/embedded';
import { runCli } from './program.js';

let dir: string;
let vane: RunningVane;
let featbit: Server;
let featbitUrl: string;
const requests: { path: string; authorization: string | undefined }[] = [];

/** A secret in FeatBit's format: 22 + 22 URL-safe base64 characters (two GUIDs). */
const featbitSecret = (): string =>
  randomBytes(16).toString('base64url').slice(0, 22) +
  randomBytes(16).toString('base64url').slice(0, 22);
const SECRET = featbitSecret();

const SEGMENT_ID = '7c1f0000-0000-4000-8000-000000000001';
const rollout = (id: string) => [{ id, rollout: [0, 1], exptRollout: 1 }];
const flag = (key: string, extra: Record<string, unknown> = {}) => ({
  id: randomBytes(8).toString('hex'),
  envId: 'fb',
  name: key,
  description: '',
  key,
  variationType: 'boolean',
  variations: [
    { id: 'on', name: 'On', value: 'true' },
    { id: 'off', name: 'Off', value: 'false' },
  ],
  targetUsers: [],
  rules: [
    {
      id: `${key}-r0`,
      name: 'beta',
      dispatchKey: null,
      includedInExpt: false,
      conditions: [
        {
          id: `${key}-c0`,
          property: 'User is in segment',
          op: null,
          value: JSON.stringify([SEGMENT_ID]),
        },
      ],
      variations: rollout('on'),
    },
  ],
  isEnabled: true,
  disabledVariationId: 'off',
  fallthrough: { dispatchKey: null, includedInExpt: true, variations: rollout('off') },
  exptIncludeAllTargets: true,
  tags: [],
  isArchived: false,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  ...extra,
});
const segment = {
  id: SEGMENT_ID,
  envId: 'fb',
  name: 'Beta',
  key: 'beta',
  description: '',
  included: ['ann'],
  excluded: [],
  rules: [],
  tags: [],
  isArchived: false,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};
const latestAll = (flags: unknown[]) =>
  JSON.stringify({
    messageType: 'data-sync',
    data: { eventType: 'full', featureFlags: flags, segments: [segment] },
  });
let served = latestAll([flag('checkout'), flag('banner')]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-cli-featbit-'));
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
  featbit = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url !== '/api/public/sdk/server/latest-all') {
      res.writeHead(404).end();
    } else if (req.headers.authorization !== SECRET) {
      res.writeHead(401).end();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(served);
    }
  });
  await new Promise<void>((resolve) => featbit.listen(0, '127.0.0.1', resolve));
  featbitUrl = `http://127.0.0.1:${(featbit.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => featbit?.close(resolve));
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function vaneCli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env: { VANE_ADDRESS: vane.urls.adminGrpc, VANE_TOKEN: vane.ownerToken },
    cwd: dir,
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

describe('vane import featbit', () => {
  it('imports a latest-all file, idempotently, with dry run and skipped invalid items', async () => {
    expect((await vaneCli('projects', 'create', 'fb', '--name', 'FB')).code).toBe(0);
    expect((await vaneCli('envs', 'create', 'fb/file', '--name', 'File')).code).toBe(0);
    const file = join(dir, 'latest-all.json');
    await writeFile(file, latestAll([flag('checkout'), flag('banner')]));

    const dry = await vaneCli('import', 'featbit', 'fb/file', '--file', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^dry run \(nothing written\).*flags 2 created/);
    expect((await vaneCli('flags', 'list', '-e', 'fb/file')).out).toBe('(none)\n');

    const first = await vaneCli('import', 'featbit', 'fb/file', '--file', file);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/flags 2 created, 0 updated, 0 unchanged, 0 skipped/);
    expect(first.out).toMatch(/segments 1 created/);
    expect(first.out).toMatch(/^ {2}\+ flag checkout$/m);
    const evaluated = await vaneCli('flags', 'eval', 'checkout', '-e', 'fb/file', '-u', 'ann');
    expect(evaluated.out).toMatch(/^checkout\s+true\s+beta/m);

    const second = await vaneCli('--json', 'import', 'featbit', 'fb/file', '--file', file);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({
      flags: { unchanged: 2 },
      segments: { unchanged: 1 },
    });

    const unsafe = flag('unsafe', {
      rules: [
        {
          id: 'u-r0',
          name: 'regex',
          dispatchKey: null,
          includedInExpt: false,
          conditions: [{ id: 'u-c0', property: 'email', op: 'MatchRegex', value: '(a+)+$' }],
          variations: rollout('on'),
        },
      ],
    });
    await writeFile(file, latestAll([flag('checkout', { isEnabled: false }), unsafe]));
    const refused = await vaneCli('import', 'featbit', 'fb/file', '--file', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/INVALID_ARGUMENT/);
    expect(refused.err).toMatch(/flags\[unsafe\]\.rules\[0\]\.conditions\[0\]\.value/);
    const skipped = await vaneCli('import', 'featbit', 'fb/file', '--file', file, '--skip-invalid');
    expect(skipped.code).toBe(0);
    expect(skipped.out).toMatch(/^ {2}~ flag checkout \(is_enabled\)$/m);
    expect(skipped.out).toMatch(/^ {2}! flag unsafe skipped:$/m);

    await writeFile(file, latestAll([flag('huge', { description: 'x'.repeat(5 * 1024 * 1024) })]));
    const huge = await vaneCli('import', 'featbit', 'fb/file', '--file', file);
    expect(huge.code).toBe(1);
    expect(huge.err).toMatch(/RESOURCE_EXHAUSTED.*API_MAX_REQUEST_BYTES/);

    expect((await vaneCli('import', 'featbit', 'fb/file')).code).toBe(2);
    expect((await vaneCli('import', 'featbit', 'fb/file', '--file', join(dir, 'nope'))).code).toBe(
      2,
    );
  });

  it('fetches from FeatBit with --url and --secret, and keeps the secret working', async () => {
    expect((await vaneCli('envs', 'create', 'fb/url', '--name', 'Url')).code).toBe(0);
    served = latestAll([flag('checkout'), flag('banner')]);
    const res = await vaneCli(
      'import',
      'featbit',
      'fb/url',
      '--url',
      featbitUrl,
      '--secret',
      SECRET,
      '--keep-secret',
    );
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/flags 2 created/);
    expect(res.out).toMatch(/secrets 1 created/);
    expect(requests.at(-1)).toEqual({
      path: '/api/public/sdk/server/latest-all',
      authorization: SECRET,
    });
    expect((await vaneCli('envs', 'get', 'fb/url')).out).toContain(`server secret  ${SECRET}`);

    // The full endpoint URL works too; a second run is unchanged.
    const again = await vaneCli(
      'import',
      'featbit',
      'fb/url',
      '--url',
      `${featbitUrl}/api/public/sdk/server/latest-all`,
      '--secret',
      SECRET,
      '--keep-secret',
    );
    expect(again.out).toMatch(/flags 0 created, 0 updated, 2 unchanged/);
    expect(again.out).toMatch(/secrets 0 created, 0 updated, 1 unchanged/);

    const wrong = await vaneCli(
      'import',
      'featbit',
      'fb/url',
      '--url',
      featbitUrl,
      '--secret',
      'x',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/FeatBit answered 401.*check --secret/);
    const ftp = await vaneCli('import', 'featbit', 'fb/url', '--url', 'ftp://x', '--secret', 's');
    expect(ftp.code).toBe(2);
    expect(ftp.err).toMatch(/http or https/);
    expect((await vaneCli('import', 'featbit', 'fb/url', '--url', featbitUrl)).code).toBe(2);
  });
});

// The `vane` CLI against a real (embedded) admin API: projects, environments, flags, segments,
// evaluation, export/import into another environment, and the errors a person sees.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedConfig, startEmbedded } from '@vane/embedded';
import type { RunningVane } from '@vane/embedded';
import { runCli } from './program.js';

let dir: string;
let vane: RunningVane;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-cli-'));
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
});

afterAll(async () => {
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `vane …` against the test instance; returns exit code and output. */
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

describe('vane CLI', () => {
  it('manages projects, environments, flags and segments, and evaluates flags', async () => {
    expect((await vaneCli('projects', 'create', 'shop', '--name', 'Shop')).out).toMatch(
      /created project shop/,
    );
    expect((await vaneCli('projects', 'list')).out).toMatch(/^shop\s+Shop\s+/m);
    const created = await vaneCli('envs', 'create', 'shop/prod', '--name', 'Production');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/server secret\s+\S+/);
    await vaneCli('envs', 'create', 'shop/staging', '--name', 'Staging');

    expect(
      (await vaneCli('segments', 'create', 'beta', '-e', 'shop/prod', '--include', 'ann,bo')).code,
    ).toBe(0);
    const flag = await vaneCli('flags', 'create', 'new-checkout', '-e', 'shop/prod', '--on');
    expect(flag.out).toMatch(/created flag new-checkout \(on\)/);
    const color = await vaneCli(
      'flags',
      'create',
      'button-color',
      '-e',
      'shop/prod',
      '--type',
      'string',
      '--variation',
      'red=#f00',
      '--variation',
      'blue=#00f',
    );
    expect(color.code).toBe(0);
    // Target the segment with a rule, through the JSON a person would edit.
    const json = JSON.parse(
      (await vaneCli('flags', 'get', 'button-color', '-e', 'shop/prod')).out,
    ) as {
      variations: { id: string; value: string }[];
    };
    expect(json.variations.map((v) => v.value)).toEqual(['#f00', '#00f']);

    const list = await vaneCli('flags', 'list', '-e', 'shop/prod');
    expect(list.out).toMatch(/^button-color\s+off\s+string/m);
    expect(list.out).toMatch(/^new-checkout\s+on\s+boolean/m);
    expect((await vaneCli('flags', 'toggle', 'button-color', 'on', '-e', 'shop/prod')).out).toBe(
      'button-color is on\n',
    );

    const evaluated = await vaneCli(
      'flags',
      'eval',
      '-e',
      'shop/prod',
      '-u',
      'ann',
      '-a',
      'plan=pro',
    );
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/^button-color\s+#f00/m);
    expect(evaluated.out).toMatch(/^new-checkout\s+true/m);
    const asJson = await vaneCli(
      '--json',
      'flags',
      'eval',
      'new-checkout',
      '-e',
      'shop/prod',
      '-u',
      'ann',
    );
    expect(JSON.parse(asJson.out)).toEqual([
      expect.objectContaining({ flagKey: 'new-checkout', value: 'true' }),
    ]);
  });

  it('lists every page (--page-size smaller than the list) and prints enums by name', async () => {
    expect((await vaneCli('projects', 'create', 'paged', '--name', 'Paged')).code).toBe(0);
    expect((await vaneCli('envs', 'create', 'paged/p', '--name', 'P')).code).toBe(0);
    expect((await vaneCli('envs', 'create', 'paged/q', '--name', 'Q')).code).toBe(0);
    const keys = ['f1', 'f2', 'f3', 'f4', 'f5'];
    for (const key of keys) {
      expect((await vaneCli('flags', 'create', key, '-e', 'paged/p')).code).toBe(0);
    }
    for (const key of ['s1', 's2', 's3']) {
      expect((await vaneCli('segments', 'create', key, '-e', 'paged/p')).code).toBe(0);
    }
    const small = ['--page-size', '2'];
    const flags = await vaneCli(...small, 'flags', 'list', '-e', 'paged/p');
    expect(
      flags.out
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(expect.arrayContaining(keys));
    expect(flags.out.trim().split('\n')).toHaveLength(keys.length);
    const segments = await vaneCli(...small, '--json', 'segments', 'list', '-e', 'paged/p');
    expect((JSON.parse(segments.out) as { key: string }[]).map((s) => s.key).sort()).toEqual([
      's1',
      's2',
      's3',
    ]);
    const projects = await vaneCli('--page-size', '1', 'projects', 'list');
    expect(projects.out).toMatch(/^shop\s/m);
    expect(projects.out).toMatch(/^paged\s/m);
    expect((await vaneCli('--page-size', '1', 'envs', 'list', 'paged')).out).toMatch(
      /^paged\/p\s[\s\S]*^paged\/q\s/m,
    );
    // Lookups by key page too (one item per call here).
    expect((await vaneCli('--page-size', '1', 'flags', 'get', 'f1', '-e', 'paged/q')).err).toMatch(
      /NOT_FOUND/,
    );
    const exported = await vaneCli(...small, 'envs', 'export', 'paged/p');
    const data = JSON.parse(exported.out) as { flags: unknown[]; segments: unknown[] };
    expect([data.flags.length, data.segments.length]).toEqual([5, 3]);
    expect((await vaneCli('--page-size', '0', 'projects', 'list')).err).toMatch(
      /--page-size is a whole number from 1 to 500/,
    );

    // Enums are names, in JSON as in text.
    const listed = JSON.parse((await vaneCli('--json', 'flags', 'list', '-e', 'paged/p')).out) as {
      variationType: string;
    }[];
    expect(new Set(listed.map((f) => f.variationType))).toEqual(
      new Set(['VARIATION_TYPE_BOOLEAN']),
    );
    const env = JSON.parse((await vaneCli('--json', 'envs', 'get', 'paged/p')).out) as {
      secrets: { kind: string }[];
    };
    expect(env.secrets.map((s) => s.kind).sort()).toEqual([
      'SECRET_KIND_CLIENT',
      'SECRET_KIND_SERVER',
    ]);
    expect((await vaneCli('envs', 'get', 'paged/p')).out).toMatch(/^ {2}server secret\s+\S+/m);
    const evaluated = JSON.parse(
      (await vaneCli('--json', 'flags', 'eval', 'f1', '-e', 'paged/p', '-u', 'ann')).out,
    ) as { reasonKind: string; variationType: string }[];
    expect(evaluated).toEqual([
      expect.objectContaining({
        reasonKind: 'EVALUATION_REASON_KIND_DISABLED',
        variationType: 'VARIATION_TYPE_BOOLEAN',
      }),
    ]);
    const typed = await vaneCli(
      'flags',
      'create',
      'f6',
      '-e',
      'paged/q',
      '--type',
      'number',
      '--variation',
      'one=1',
      '--variation',
      'two=2',
    );
    expect(typed.code).toBe(0);
    expect((await vaneCli('flags', 'list', '-e', 'paged/q')).out).toMatch(/^f6\s+off\s+number/m);
  });

  it('exports an environment and imports it into another one, then again without changes', async () => {
    const file = join(dir, 'prod.json');
    const exported = await vaneCli('envs', 'export', 'shop/prod', '--out', file);
    expect(exported.code).toBe(0);
    const data = JSON.parse(await readFile(file, 'utf8')) as { format: string; flags: unknown[] };
    expect(data.format).toBe('vane.environment.v1');
    expect(data.flags).toHaveLength(2);

    // Give button-color a rule on the `beta` segment (ids of prod): import must point it at
    // staging's copy of the segment.
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      segments: { id: string; key: string }[];
      flags: { key: string; variations: { id: string }[]; rules?: unknown[] }[];
    };
    const beta = doc.segments.find((s) => s.key === 'beta')!;
    const buttons = doc.flags.find((f) => f.key === 'button-color')!;
    buttons.rules = [
      {
        id: '',
        name: 'beta testers',
        dispatchKey: '',
        includedInExpt: false,
        conditions: [
          { id: '', property: 'User is in segment', op: '', value: JSON.stringify([beta.id]) },
        ],
        variations: [
          {
            variationId: buttons.variations[1]!.id,
            rolloutStart: 0,
            rolloutEnd: 1,
            exptRollout: 1,
          },
        ],
      },
    ];
    await writeFile(file, JSON.stringify(doc));
    const first = await vaneCli('envs', 'import', 'shop/staging', file);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/3 created, 0 updated, 0 unchanged/);
    const again = await vaneCli('envs', 'import', 'shop/staging', file);
    expect(again.out).toMatch(/0 created, 0 updated, 3 unchanged/);
    const staging = await vaneCli('flags', 'list', '-e', 'shop/staging');
    expect(staging.out).toMatch(/^button-color\s+on\s+string/m);
    const evaluated = await vaneCli(
      'flags',
      'eval',
      'button-color',
      '-e',
      'shop/staging',
      '-u',
      'x',
    );
    expect(evaluated.out).toMatch(/^button-color\s+#f00/m);
    const inBeta = await vaneCli('flags', 'eval', 'button-color', '-e', 'shop/staging', '-u', 'bo');
    expect(inBeta.out).toMatch(/^button-color\s+#00f/m);
    const rule = JSON.parse(
      (await vaneCli('flags', 'get', 'button-color', '-e', 'shop/staging')).out,
    ) as {
      rules: { conditions: { value: string }[] }[];
    };
    const stagingBeta = JSON.parse(
      (await vaneCli('segments', 'get', 'beta', '-e', 'shop/staging')).out,
    ) as {
      id: string;
    };
    expect(stagingBeta.id).not.toBe(beta.id);
    expect(rule.rules[0]!.conditions[0]!.value).toBe(JSON.stringify([stagingBeta.id]));

    // The export evaluated locally with @vane/core agrees with the server, user by user.
    for (const user of ['ann', 'bo', 'x', 'zed']) {
      const offline = await vaneCli('--json', 'flags', 'eval', '--file', file, '-u', user);
      const online = await vaneCli('--json', 'flags', 'eval', '-e', 'shop/staging', '-u', user);
      const pick = (out: string) =>
        (JSON.parse(out) as { flagKey: string; value: string }[])
          .map((r) => `${r.flagKey}=${r.value}`)
          .sort();
      expect(offline.code).toBe(0);
      expect(pick(offline.out)).toEqual(pick(online.out));
    }
    const local = await vaneCli('flags', 'eval', 'button-color', '--file', file, '-u', 'bo');
    expect(local.out).toMatch(/^button-color\s+#00f/m);
    const missing = await vaneCli('flags', 'eval', 'nope', '--file', file, '-u', 'bo');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/the export has no flag "nope"/);

    // A changed flag in the file is updated in place.
    const edited = JSON.parse(await readFile(file, 'utf8')) as {
      flags: { key: string; name: string; isEnabled: boolean }[];
    };
    edited.flags.find((f) => f.key === 'new-checkout')!.name = 'New checkout v2';
    edited.flags.find((f) => f.key === 'new-checkout')!.isEnabled = false;
    await writeFile(file, JSON.stringify(edited));
    const third = await vaneCli('envs', 'import', 'shop/staging', file);
    expect(third.out).toMatch(/0 created, 1 updated, 2 unchanged/);
    expect((await vaneCli('flags', 'list', '-e', 'shop/staging')).out).toMatch(
      /^new-checkout\s+off\s+boolean\s+New checkout v2/m,
    );
  });

  it('imports over an archived flag (restoring it) and archives what the file archives', async () => {
    const file = join(dir, 'prod.json');
    expect((await vaneCli('flags', 'archive', 'new-checkout', '-e', 'shop/staging')).code).toBe(0);
    const edited = JSON.parse(await readFile(file, 'utf8')) as {
      flags: { key: string; name: string; isArchived?: boolean }[];
    };
    edited.flags.find((f) => f.key === 'new-checkout')!.name = 'New checkout v3';
    edited.flags.find((f) => f.key === 'button-color')!.isArchived = true;
    await writeFile(file, JSON.stringify(edited));
    const imported = await vaneCli('envs', 'import', 'shop/staging', file);
    expect(imported.err).toBe('');
    expect(imported.out).toMatch(/0 created, 2 updated, 1 unchanged/);
    const active = (await vaneCli('flags', 'list', '-e', 'shop/staging')).out;
    expect(active).toMatch(/^new-checkout\s+off\s+boolean\s+New checkout v3/m);
    expect(active).not.toMatch(/button-color/);
    const buttons = JSON.parse(
      (await vaneCli('flags', 'get', 'button-color', '-e', 'shop/staging')).out,
    ) as { isArchived: boolean; isEnabled?: boolean };
    expect(buttons).toMatchObject({ isArchived: true });
  });

  it('says clearly what is wrong with arguments, files, tokens and the server', async () => {
    const badState = await vaneCli('flags', 'toggle', 'x', 'maybe', '-e', 'shop/prod');
    expect(badState.code).toBe(2);
    expect(badState.err).toMatch(/"on" or "off"/);
    const badEnv = await vaneCli('flags', 'list', '-e', 'shop');
    expect(badEnv.code).toBe(2);
    expect(badEnv.err).toMatch(/<project-key>\/<env-key>/);
    const noEnv = await vaneCli('flags', 'list', '-e', 'shop/nope');
    expect(noEnv.err).toMatch(/has no environment "nope"/);
    const unknown = await vaneCli('flags', 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command 'frobnicate'/);
    const badType = await vaneCli('flags', 'create', 'x', '-e', 'shop/prod', '--type', 'date');
    expect(badType.code).toBe(2);
    expect(badType.err).toMatch(/Allowed choices are boolean, string, number, json/);
    const badAttr = await vaneCli('flags', 'eval', '-e', 'shop/prod', '-u', 'a', '-a', 'plan');
    expect(badAttr.err).toMatch(/name=value/);

    const invalid = await vaneCli('flags', 'create', 'bad key!', '-e', 'shop/prod');
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/^error: INVALID_ARGUMENT: /);
    expect(invalid.err).toMatch(/flag\.key: /);
    const exists = await vaneCli('flags', 'create', 'new-checkout', '-e', 'shop/prod');
    expect(exists.err).toMatch(/ALREADY_EXISTS/);

    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{"format":"something else"}');
    const badFile = await vaneCli('envs', 'import', 'shop/staging', notJson);
    expect(badFile.code).toBe(2);
    expect(badFile.err).toMatch(/not a Vane environment export/);

    let err = '';
    const badToken = await runCli(['projects', 'list'], {
      env: { VANE_ADDRESS: vane.urls.adminGrpc, VANE_TOKEN: 'vane_wrong' },
      cwd: dir,
      out: () => {},
      err: (t) => (err += t),
    });
    expect(badToken).toBe(1);
    expect(err).toMatch(/UNAUTHENTICATED/);
    expect(err).toMatch(/--token or VANE_TOKEN/);

    err = '';
    const down = await runCli(['--address', '127.0.0.1:1', 'projects', 'list'], {
      env: {},
      cwd: dir,
      out: () => {},
      err: (t) => (err += t),
    });
    expect(down).toBe(1);
    expect(err).toMatch(/UNAVAILABLE/);
    expect(err).toMatch(/is Vane running at 127\.0\.0\.1:1/);
  });
});

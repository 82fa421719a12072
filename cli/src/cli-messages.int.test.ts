// The `vane` CLI as its own process (its TypeScript sources, so the test never runs a stale
// build) against an embedded Vane: what archive, restore and delete print.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmbeddedConfig, startEmbedded } from '@vane/embedded';
import type { RunningVane } from '@vane/embedded';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let vane: RunningVane;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-cli-messages-'));
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

const run = promisify(execFile);

/** Runs `vane …` as a child process (asynchronously: the server runs in this process). */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@vane/source', '--import', 'tsx', 'cli/src/main.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, VANE_ADDRESS: vane.urls.adminGrpc, VANE_TOKEN: vane.ownerToken },
        timeout: 60_000,
      },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const f = e as { code: number; stdout: string; stderr: string };
    return { code: f.code, out: f.stdout, err: f.stderr };
  }
}

describe('vane CLI messages', () => {
  it('says archived, restored and deleted', async () => {
    expect(await cli('projects', 'create', 'msg', '--name', 'Msg')).toMatchObject({ code: 0 });
    expect(await cli('envs', 'create', 'msg/prod', '--name', 'Prod')).toMatchObject({ code: 0 });
    expect(await cli('flags', 'create', 'f1', '-e', 'msg/prod')).toMatchObject({ code: 0 });
    expect(await cli('flags', 'archive', 'f1', '-e', 'msg/prod')).toMatchObject({
      out: 'archived flag f1\n',
    });
    expect(await cli('flags', 'restore', 'f1', '-e', 'msg/prod')).toMatchObject({
      out: 'restored flag f1\n',
    });
    expect(await cli('flags', 'archive', 'f1', '-e', 'msg/prod')).toMatchObject({ code: 0 });
    expect(await cli('flags', 'delete', 'f1', '-e', 'msg/prod')).toMatchObject({
      out: 'deleted flag f1\n',
    });
    expect(await cli('segments', 'create', 's1', '-e', 'msg/prod')).toMatchObject({ code: 0 });
    expect(await cli('segments', 'archive', 's1', '-e', 'msg/prod')).toMatchObject({
      out: 'archived segment s1\n',
    });
    expect(await cli('segments', 'delete', 's1', '-e', 'msg/prod')).toMatchObject({
      out: 'deleted segment s1\n',
    });
  });
});

// `npm start` as a user runs it: `bash scripts/start.sh` in a child process (free ports, a fresh
// data folder), the banner read from its output, a flag created with the `vane` CLI (its own
// process), the flag evaluated through an SDK connection on the edge's /sdk/v1/stream, Ctrl-C
// (SIGINT), a restart, and the flag still there.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import { StreamClient } from './testing/stream-client.js';

const root = resolve(import.meta.dirname, '../..');
let dataDir: string;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly banner: Record<string, string>;
}

/** Runs `bash scripts/start.sh`; resolves with the banner's lines once it is printed. */
async function npmStart(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn('bash', ['scripts/start.sh'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner in 110 s; output:\n${output}`)),
      110_000,
    );
    const check = (): void => {
      if (/Press Ctrl-C to stop/.test(output)) {
        clearTimeout(timer);
        resolvePromise();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}; output:\n${output}`));
    });
  });
  const banner: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const match = /^ {2}(\S.*?)\s{2,}(\S+)/.exec(line);
    if (match) banner[match[1]!] = match[2]!;
  }
  return { child, output: () => output, banner };
}

/** Sends SIGINT (Ctrl-C) and waits for the exit. */
async function ctrlC(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((r) => started.child.once('exit', (code) => r(code)));
  started.child.kill('SIGINT');
  return exited;
}

/** Runs the `vane` CLI as its own process. */
function vaneCli(address: string, token: string, ...args: string[]) {
  const run = spawnSync('node', ['cli/bin/vane.js', '--address', address, ...args], {
    cwd: root,
    env: { ...process.env, VANE_TOKEN: token },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm start', () => {
  it('starts, serves a flag made with the CLI to an SDK, stops on Ctrl-C and keeps it', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vane-npm-start-'));
    const env = {
      VANE_DATA_DIR: dataDir,
      VANE_EDGE_PORT: String(await freePort()),
      API_GRPC_PORT: String(await freePort()),
      API_HTTP_PORT: String(await freePort()),
      ELS_PORT: String(await freePort()),
      ANALYTICS_GRPC_PORT: String(await freePort()),
      ANALYTICS_HTTP_PORT: String(await freePort()),
    };
    let vane = await npmStart(env);
    const address = vane.banner['Admin API (gRPC)']!;
    const token = vane.banner['Owner access token']!;
    const stream = vane.banner['SDK stream']!;
    expect(address).toBe(`127.0.0.1:${env.API_GRPC_PORT}`);
    expect(stream).toBe(`ws://127.0.0.1:${env.VANE_EDGE_PORT}/sdk/v1/stream`);
    expect(vane.banner['Admin UI']).toBe(`http://127.0.0.1:${env.VANE_EDGE_PORT}/`);
    expect(token).toMatch(/^vane_/);

    expect(vaneCli(address, token, 'projects', 'create', 'demo', '--name', 'Demo').code).toBe(0);
    const created = vaneCli(address, token, 'envs', 'create', 'demo/dev', '--name', 'Dev');
    expect(created.code).toBe(0);
    const secret = /server secret\s+(\S+)/.exec(created.out)![1]!;
    const flag = vaneCli(address, token, 'flags', 'create', 'hello', '-e', 'demo/dev', '--on');
    expect(flag.out).toMatch(/created flag hello \(on\)/);

    const sdk = await StreamClient.connect(stream, 'server', secret);
    const full = await sdk.sync();
    expect(full.kind).toBe(SyncKind.SYNC_KIND_FULL);
    const defs = full.payload?.$case === 'definitions' ? full.payload.value.flags : [];
    expect(defs.map((f) => [f.key, f.isEnabled])).toEqual([['hello', true]]);
    const closed = sdk.closed;
    expect(await ctrlC(vane)).toBe(0);
    expect(vane.output()).toMatch(/Stopping Vane \(SIGINT\)/);
    expect(vane.output()).toMatch(/Vane stopped\./);
    // The SDK was told the server is going away.
    expect(await closed).toBe(1001);

    vane = await npmStart(env);
    expect(vane.banner['Owner access token']).toBe(token);
    const got = vaneCli(address, token, 'flags', 'get', 'hello', '-e', 'demo/dev');
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out)).toMatchObject({ key: 'hello', isEnabled: true });
    const again = await StreamClient.connect(stream, 'server', secret);
    const sync = await again.sync();
    expect(
      sync.payload?.$case === 'definitions' && sync.payload.value.flags.map((f) => f.key),
    ).toEqual(['hello']);
    await again.close();
    expect(await ctrlC(vane)).toBe(0);
    // start.sh installs and builds first: allow for a cold start twice.
  }, 300_000);
});

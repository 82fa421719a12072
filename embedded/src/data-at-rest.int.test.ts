// Data at rest in embedded mode: `npm start`'s data folder holds SDK secrets in clear, so the folder
// and everything in it is owner-only, also when an older, world-readable folder is reused.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Every path under `root` (itself included) with its permission bits. */
async function modes(root: string): Promise<{ path: string; dir: boolean; mode: number }[]> {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = async (path: string): Promise<void> => {
    const s = await stat(path);
    out.push({ path, dir: s.isDirectory(), mode: s.mode & 0o777 });
    if (s.isDirectory()) {
      for (const name of await readdir(path)) await walk(join(path, name));
    }
  };
  await walk(root);
  return out;
}

describe('embedded data folder', () => {
  it('is owner-only (folders 0700, files 0600), also when an older folder was world-readable', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'vane-rest-')), 'data');
    dirs.push(dataDir);
    // An older install: folder 0755 and a journal 0644.
    await mkdir(join(dataDir, 'store'), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await chmod(join(dataDir, 'store'), 0o755);
    await writeFile(join(dataDir, 'store', 'journal.jsonl'), '', { mode: 0o644 });
    await chmod(join(dataDir, 'store', 'journal.jsonl'), 0o644);

    const vane = await startEmbedded(
      {
        ...loadEmbeddedConfig({ VANE_DATA_DIR: dataDir }),
        apiGrpcPort: 0,
        apiHttpPort: 0,
        analyticsGrpcPort: 0,
        analyticsHttpPort: 0,
        elsPort: 0,
        edgePort: 0,
      },
      pino({ level: 'silent' }),
    );
    const auth = vane.ownerToken;
    const admin = vaneChannel(vane.urls.adminGrpc);
    const projects = createVaneClient(ProjectServiceDefinition, admin, {
      token: auth,
    });
    const envs = createVaneClient(EnvironmentServiceDefinition, admin, {
      token: auth,
    });
    try {
      const { project } = await projects.createProject({
        key: 'rest',
        name: 'Rest',
        description: '',
      });
      const { environment } = await envs.createEnvironment({
        projectId: project!.id,
        key: 'prod',
        name: 'Production',
        description: '',
      });
      const secret = environment!.secrets[0]!.value;
      expect(secret.length).toBeGreaterThan(0);

      const entries = await modes(dataDir);
      // The secret really is on disk in clear (the reason for the modes), and so is the owner token.
      const files = entries.filter((e) => !e.dir);
      const texts = await Promise.all(files.map((f) => readFile(f.path, 'utf8')));
      expect(texts.some((t) => t.includes(secret))).toBe(true);
      expect(files.map((f) => f.path)).toContain(vane.ownerTokenFile);

      const open = entries.filter((e) => (e.mode & 0o077) !== 0);
      expect(open).toEqual([]);
      expect(entries.find((e) => e.path === dataDir)?.mode).toBe(0o700);
      for (const f of files) expect(f.mode, f.path).toBe(0o600);
    } finally {
      admin.close();
      await vane.stop();
    }
  });
});

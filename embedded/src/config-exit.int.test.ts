// How each server stops on a bad value, as its operator sees it: the real `main.ts` started as a
// process with `VANE_KAFKA_BROKERS=kafka:123456` prints one line naming the variable on stderr
// (no stack trace) and exits with code 2, before it connects to anything.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const MAINS = {
  'api-server': 'api-server/src/main.ts',
  els: 'els/src/main.ts',
  analytics: 'analytics/src/main.ts',
  embedded: 'embedded/src/main.ts',
};

function run(
  main: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@vane/source', main],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (err, _stdout, stderr) => {
        const code = err ? ((err as { code?: number | null }).code ?? null) : 0;
        resolve({ code: typeof code === 'number' ? code : null, stderr });
      },
    );
  });
}

describe('a server started with a bad configuration value', () => {
  for (const [name, main] of Object.entries(MAINS)) {
    it(`${name} prints one line naming it and exits with 2`, async () => {
      const { code, stderr } = await run(main, {
        VANE_KAFKA_BROKERS: 'kafka:123456',
        // ELS needs these set before it reads the brokers.
        VANE_MONGO_URL: 'mongodb://127.0.0.1:1',
        VANE_REDIS_URL: 'redis://127.0.0.1:1',
      });
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toEqual([
        'invalid configuration: VANE_KAFKA_BROKERS must be host:port[,host:port…] (port 1-65535), got "kafka:123456"',
      ]);
    });
  }
});

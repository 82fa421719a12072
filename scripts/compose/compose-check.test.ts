import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompose } from './compose-check.js';

const root = resolve(import.meta.dirname, '../..');
const compose = readFileSync(resolve(root, 'docker-compose.yml'), 'utf8');

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(checkCompose(compose, root)).toEqual([]);
  });

  it('defines the whole stack', () => {
    for (const service of [
      'mongo',
      'kafka',
      'redis',
      'clickhouse',
      'envoy',
      'api-server',
      'els',
      'analytics',
    ]) {
      expect(compose).toMatch(new RegExp(`^  ${service}:`, 'm'));
    }
  });

  it('rejects a misspelled service key', () => {
    const broken = compose.replace('    image: redis:7.4-alpine', '    imagee: redis:7.4-alpine');
    expect(checkCompose(broken, root)).toContainEqual(expect.stringContaining("'imagee'"));
  });

  it('rejects a wrong value type', () => {
    const broken = compose.replace("ports: ['127.0.0.1:6379:6379']", 'ports: 6379');
    expect(checkCompose(broken, root).length).toBeGreaterThan(0);
  });

  it('rejects a build whose Dockerfile does not exist', () => {
    const broken = compose.replace(
      'dockerfile: els/Dockerfile',
      'dockerfile: els/Dockerfile.missing',
    );
    expect(checkCompose(broken, root)).toContainEqual(expect.stringContaining('no Dockerfile'));
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '@vane/core';
import { checkCompose, finalStageUser } from './compose-check.js';

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
      'web',
      'kafka-topics',
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

  it('rejects a wait for health on a service without a health check', () => {
    const broken = compose.replace(
      "      test: ['CMD', 'redis-cli', 'ping']\n      interval: 5s\n      timeout: 3s\n      retries: 20\n",
      '',
    );
    expect(broken).not.toBe(compose);
    const problems = checkCompose(broken.replace('    healthcheck:\n\n', '\n'), root);
    expect(problems).toContainEqual(expect.stringContaining('redis has no healthcheck'));
  });

  it('rejects a dependency on a service that does not exist', () => {
    const broken = compose.replace(
      '      web:\n        condition: service_healthy',
      '      webb:\n        condition: service_healthy',
    );
    expect(checkCompose(broken, root)).toContainEqual(
      expect.stringContaining('no service named webb'),
    );
  });

  it('rejects a named volume that is not declared', () => {
    const broken = compose.replace(
      "volumes: ['redis-data:/data']",
      "volumes: ['redis-state:/data']",
    );
    expect(checkCompose(broken, root)).toContainEqual(
      expect.stringContaining('named volume redis-state is not declared'),
    );
  });

  it('requires every built image to run as a non-root user', () => {
    expect(finalStageUser('FROM a AS build\nUSER node\nFROM b\nCMD x')).toBeUndefined();
    expect(finalStageUser('FROM a\nUSER root\nRUN x\nUSER node')).toBe('node');
    expect(finalStageUser('FROM a\nUSER 0:0')).toBe('0:0');
    for (const file of ['api-server', 'els', 'analytics', 'web']) {
      const user = finalStageUser(readFileSync(resolve(root, file, 'Dockerfile'), 'utf8'));
      expect(user, file).toMatch(/^(node|101)$/);
    }
  });

  it("creates every Kafka topic Vane uses (core's TOPICS)", () => {
    for (const topic of Object.values(TOPICS)) {
      expect(compose).toMatch(
        new RegExp(`for topic in [^;]*\\b${topic.replace(/\./g, '\\.')}(\\s|;)`),
      );
    }
  });
});

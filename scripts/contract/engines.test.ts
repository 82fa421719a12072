// The Node.js version the README promises (the root package.json's `engines.node`) runs every
// package the lock installs: each one's own `engines.node` accepts the oldest promised version.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, root), 'utf8'));

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
  readonly optional?: boolean;
}

const promised = (read('package.json') as { engines: { node: string } }).engines.node;
const lock = read('package-lock.json') as { packages: Record<string, LockEntry> };

describe('the promised Node.js version', () => {
  it('is a range with an oldest version, as the README states it', () => {
    expect(semver.minVersion(promised)?.version).toBeDefined();
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    expect(readme).toContain(
      `Node.js ≥ ${semver.minVersion(promised)!.major}.${semver.minVersion(promised)!.minor}`,
    );
  });

  it("satisfies every locked package's engines.node", () => {
    const oldest = semver.minVersion(promised)!.version;
    const refusing = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const engines = entry.engines;
      const range =
        engines && !Array.isArray(engines) ? (engines as { node?: string }).node : undefined;
      if (range === undefined || !semver.validRange(range)) return [];
      return semver.satisfies(oldest, range)
        ? []
        : [`${path}@${entry.version ?? ''} needs node ${range}`];
    });
    expect(Object.keys(lock.packages).length).toBeGreaterThan(100);
    expect(refusing).toEqual([]);
  });
});

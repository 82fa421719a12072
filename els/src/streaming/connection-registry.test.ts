import { describe, expect, it } from 'vitest';
import { ConnectionRegistry } from './connection-registry.js';
import { createElsMetrics } from './els-metrics.js';
import type { SdkConnection } from './sdk-connection.js';

let lastId = 0;
function conn(protocol: SdkConnection['protocol'], envId: string, kind: 'server' | 'client') {
  return { id: ++lastId, protocol, envId, kind } as unknown as SdkConnection;
}

describe('ConnectionRegistry', () => {
  it('finds an environment’s connections by protocol and kind, in the order they were added', () => {
    const registry = new ConnectionRegistry();
    const [s1, c1, s2, f1, e2] = [
      conn('vane', 'e1', 'server'),
      conn('vane', 'e1', 'client'),
      conn('vane', 'e1', 'server'),
      conn('featbit', 'e1', 'client'),
      conn('vane', 'e2', 'server'),
    ];
    for (const c of [s1, c1, s2, f1, e2]) expect(registry.tryAdd(c)).toBeUndefined();
    expect(registry.of('vane', 'e1', 'server')).toEqual([s1, s2]);
    expect(registry.of('vane', 'e1', 'client')).toEqual([c1]);
    expect(registry.of('vane', 'e1')).toEqual([s1, s2, c1]);
    expect(registry.of('featbit', 'e1')).toEqual([f1]);
    expect(registry.of('sse', 'e1')).toEqual([]);
    expect(registry.of('vane', 'none')).toEqual([]);
    registry.remove(s1);
    registry.remove(s1);
    expect(registry.of('vane', 'e1', 'server')).toEqual([s2]);
    expect(registry.size).toBe(4);
    expect(registry.countByKind()).toEqual({ server: 2, client: 1 });
  });

  it('counts every protocol against the per-environment cap, exactly', () => {
    const registry = new ConnectionRegistry({ maxConnections: 10, maxConnectionsPerEnv: 2 });
    const a = conn('vane', 'e1', 'server');
    expect(registry.tryAdd(a)).toBeUndefined();
    expect(registry.tryAdd(a)).toBeUndefined(); // the same connection again: no second count
    expect(registry.tryAdd(conn('sse', 'e1', 'client'))).toBeUndefined();
    expect(registry.tryAdd(conn('featbit', 'e1', 'server'))).toBe('env_full');
    expect(registry.tryAdd(conn('vane', 'e2', 'server'))).toBeUndefined();
    registry.remove(a);
    expect(registry.refusal('e1')).toBeUndefined();
    expect(registry.tryAdd(conn('featbit', 'e1', 'server'))).toBeUndefined();
    expect(registry.refusal('e1')).toBe('env_full');
  });
});

describe('ElsMetrics.sent', () => {
  it('adds the tallied frames and bytes to the counters when they are read, once', async () => {
    const metrics = createElsMetrics(new ConnectionRegistry());
    metrics.sent.server.frames += 3;
    metrics.sent.server.bytes += 300;
    metrics.sent.client.frames += 1;
    metrics.sent.client.bytes += 7;
    const values = async (): Promise<string> => {
      const text = await metrics.registry.metrics();
      return text
        .split('\n')
        .filter((l) => /^vane_els_(frames|bytes)_out_total\{/.test(l))
        .sort()
        .join('\n');
    };
    const expected = [
      'vane_els_bytes_out_total{kind="client"} 7',
      'vane_els_bytes_out_total{kind="server"} 300',
      'vane_els_frames_out_total{kind="client"} 1',
      'vane_els_frames_out_total{kind="server"} 3',
    ].join('\n');
    expect(await values()).toBe(expected);
    expect(await values()).toBe(expected);
    metrics.sent.server.frames += 1;
    expect(await values()).toContain('vane_els_frames_out_total{kind="server"} 4');
  });
});

// The probe endpoints in their one format, over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { startProbeServer } from './probes.js';
import type { Readiness } from './probes.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function serve(ready: () => Promise<Readiness>): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'probe-test' });
  const server = await startProbeServer({ registry, ready }, 0, '127.0.0.1');
  close = () => server.close();
  return `http://127.0.0.1:${server.port}`;
}

describe('the probe endpoints', () => {
  it('say ready with one line per dependency, and 503 with the failing one', async () => {
    let store = 'ok';
    const base = await serve(async () => ({
      ready: store === 'ok',
      checks: { store, feed: 'joined' },
    }));
    const up = await fetch(`${base}/readyz`);
    expect([up.status, await up.text()]).toEqual([200, 'ready\nstore: ok\nfeed: joined\n']);
    store = 'unreachable';
    const down = await fetch(`${base}/readyz`);
    expect([down.status, await down.text()]).toEqual([
      503,
      'not ready\nstore: unreachable\nfeed: joined\n',
    ]);
  });

  it('read a failing readiness check as not ready, with its message', async () => {
    const base = await serve(() => Promise.reject(new Error('boom')));
    const res = await fetch(`${base}/readyz`);
    expect([res.status, await res.text()]).toEqual([503, 'not ready\nerror: boom\n']);
  });

  it('answer liveness, metrics, and refuse other methods and paths', async () => {
    const base = await serve(async () => ({ ready: true, checks: {} }));
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const metrics = await fetch(`${base}/metrics?x=1`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const post = await fetch(`${base}/readyz`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});

// The bound on a connection's unsent bytes, through a real ELS on port 0: an SDK that asks for
// FULLs and never reads its socket is closed with 4009 instead of growing ELS's memory.
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFrame, CloseCode } from '@vane/gen/node/vane/sync/v1/frames';
import { sampleFlag } from '../environments/environment-source-conformance.js';
import type { VersionedFlag } from '../environments/environment-source.js';
import { ENV, startElsFixture } from '../testing/els-fixture.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import { metricValue } from './testing/metrics-text.js';
import { RawWsClient } from './testing/raw-ws-client.js';

/** A flag whose FULL is about 400 KB: 80 FULLs are far more than the socket buffers hold. */
function bigFlag(version: number): VersionedFlag {
  const flag = sampleFlag('flag-big', 'big', version);
  return {
    ...flag,
    variationType: 'string' as const,
    variations: [
      { id: 'on', name: 'on', value: 'x'.repeat(400_000) },
      { id: 'off', name: 'off', value: 'off' },
    ],
  };
}

const SLOW = 'vane_els_closed_connections_total{protocol="vane",reason="slow"}';

describe('send bound on Vane stream connections', () => {
  let fx: ElsFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
    fx = undefined;
  });

  it('closes an SDK that sends SyncRequests and never reads with 4009', async () => {
    fx = await startElsFixture({ maxBufferedBytes: 1024 * 1024 });
    fx.source.putFlag(ENV.id, bigFlag(20));
    const raw = await RawWsClient.open(fx.els.port, '/sdk/v1/stream?kind=server', {
      'Sec-WebSocket-Protocol': `vane.sync.v1, vane.secret.${ENV.server}`,
    });
    const frames = 80;
    for (let i = 1; i <= frames; i++) {
      raw.sendBinary(
        ClientFrame.encode({
          kind: { $case: 'sync', value: { requestId: i, version: 0 } },
        }).finish(),
      );
    }
    const port = fx.els.port;
    await expect.poll(() => metricValue(port, SLOW), { timeout: 15_000 }).toBe(1);
    const read = await raw.readToClose();
    expect(read.closeCode).toBe(CloseCode.CLOSE_CODE_SEND_BUFFER_FULL);
    // What was queued before the bound was crossed arrives; the rest was never built or sent.
    expect(read.messages.length).toBeGreaterThan(0);
    expect(read.messages.length).toBeLessThan(frames);
  });

  it('keeps a reading SDK that receives the same FULLs open', async () => {
    fx = await startElsFixture({ maxBufferedBytes: 1024 * 1024 });
    fx.source.putFlag(ENV.id, bigFlag(20));
    const sdk = await fx.connect('server');
    for (let i = 1; i <= 20; i++) {
      sdk.send({ kind: { $case: 'sync', value: { requestId: i, version: 0 } } });
      const frame = await sdk.next();
      expect(frame.kind?.$case).toBe('sync');
    }
    sdk.send({ kind: { $case: 'ping', value: { clientTimeMs: 1 } } });
    expect((await sdk.next()).kind?.$case).toBe('pong');
    expect(await metricValue(fx.els.port, SLOW)).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, StreamErrorCode } from '@vane/gen/node/vane/sync/v1/frames';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import { startElsFixture } from '../testing/els-fixture.js';
import type { ElsFixture } from '../testing/els-fixture.js';
import type { Connection } from './connection.js';
import { FrameRateLimiter, TokenBucket } from './rate-limiter.js';

const conn = (envId: string): Connection => ({ envId }) as unknown as Connection;
const limits = {
  connectionFramesPerSecond: 2,
  connectionBurst: 3,
  environmentFramesPerSecond: 4,
  environmentBurst: 5,
  closeAfterDropped: 2,
};

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const bucket = new TokenBucket(2, 3, 0);
    expect([0, 0, 0, 0].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.full(10_000)).toBe(true);
  });
});

describe('FrameRateLimiter', () => {
  it('limits each connection to its rate and burst, then asks to close a persistent flood', () => {
    let now = 0;
    const limiter = new FrameRateLimiter(limits, () => now);
    const a = conn('env');
    expect([1, 2, 3].map(() => limiter.check(a).allowed)).toEqual([true, true, true]);
    expect(limiter.check(a)).toEqual({ allowed: false, retryAfterMs: 500, close: false });
    expect(limiter.check(a)).toMatchObject({ allowed: false, close: false });
    expect(limiter.check(a)).toMatchObject({ allowed: false, close: true });
    now = 1000;
    expect(limiter.check(a).allowed).toBe(true);
  });

  it('shares one budget among the connections of an environment, not across environments', () => {
    let now = 0;
    const limiter = new FrameRateLimiter(limits, () => now);
    const [a, b, c] = [conn('env'), conn('env'), conn('env')];
    const other = conn('other-env');
    expect([a, a, b, b, c].map((x) => limiter.check(x).allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(limiter.check(c)).toEqual({ allowed: false, retryAfterMs: 250, close: false });
    expect(limiter.check(other).allowed).toBe(true);
    now = 250;
    expect(limiter.check(b).allowed).toBe(true);
  });
});

describe('rate limits on the stream', () => {
  let fx: ElsFixture | undefined;
  afterEach(async () => {
    await fx?.stop();
  });

  it('answers RATE_LIMITED with a retry time, then closes a flooding connection with 4029', async () => {
    fx = await startElsFixture({ rateLimits: limits });
    const sdk = await fx.connect('server');
    for (let i = 1; i <= 6; i++) sdk.send({ kind: { $case: 'ping', value: { clientTimeMs: i } } });
    const frames: ServerFrame[] = [];
    for (let i = 0; i < 6; i++) frames.push(await sdk.next());
    expect(frames.slice(0, 3).map((f) => f.kind?.$case)).toEqual(['pong', 'pong', 'pong']);
    const errors = frames
      .slice(3)
      .map((f) => (f.kind?.$case === 'error' ? f.kind.value : undefined));
    expect(errors.map((e) => e?.code)).toEqual([
      StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
      StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
      StreamErrorCode.STREAM_ERROR_CODE_RATE_LIMITED,
    ]);
    expect(errors[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(errors.map((e) => e?.closing)).toEqual([false, false, true]);
    expect((await sdk.closed).code).toBe(CloseCode.CLOSE_CODE_RATE_LIMITED);
  });

  it('refuses connections over the per-environment limit with 4029, and accepts again below it', async () => {
    fx = await startElsFixture({ maxConnectionsPerEnv: 2 });
    const first = await fx.connect('server');
    await fx.connect('client');
    const third = await fx.connect('server');
    expect((await third.closed).code).toBe(CloseCode.CLOSE_CODE_RATE_LIMITED);
    await first.close();
    const again = await fx.connect('server');
    again.send({ kind: { $case: 'ping', value: { clientTimeMs: 1 } } });
    expect((await again.next()).kind?.$case).toBe('pong');
  });
});

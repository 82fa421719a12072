// The load generator of the ELS benchmarks: a child process (started by `load-client.ts`) that
// holds the SDK WebSockets, so their work does not run in the server's event loop. It obeys
// commands over the IPC channel and answers each with `{ id, result }` or `{ id, error }`.
// Times it reports are absolute (`performance.timeOrigin + performance.now()`, ms).
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { LoadCommand } from './load-protocol.js';
import type { ConnectResult, OpenResult, RoundResult } from './load-protocol.js';

const now = (): number => performance.timeOrigin + performance.now();

/** One open SDK socket. */
interface Sdk {
  readonly ws: WebSocket;
  socket?: Socket;
  index: number;
}

let sockets: Sdk[] = [];
/** Arrival time of the first message on each socket since `arm`, NaN while none. */
let arrivals = new Float64Array(0);
let arrivalBytes = new Float64Array(0);
let armed = false;
let remaining = 0;
let onAllArrived: (() => void) | undefined;

/** Opens one SDK socket, sends `frame` on open, resolves at the first message (the answer). */
function open(
  url: string,
  protocols: readonly string[],
  frame: Buffer,
  localAddress: string | undefined,
  timeoutMs: number,
): Promise<OpenResult & { sdk?: Sdk }> {
  const started = now();
  return new Promise((resolve) => {
    const ws = new WebSocket(url, [...protocols], {
      perMessageDeflate: false,
      maxPayload: 256 * 1024 * 1024,
      ...(localAddress !== undefined ? { localAddress } : {}),
    });
    const sdk: Sdk = { ws, index: -1 };
    let done = false;
    const finish = (result: OpenResult & { sdk?: Sdk }): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, ms: now() - started, bytes: 0, reason: 'timeout' });
      ws.terminate();
    }, timeoutMs);
    ws.on('upgrade', (res) => {
      sdk.socket = res.socket;
    });
    ws.on('open', () => ws.send(frame));
    ws.on('message', (data: Buffer) => {
      if (!done) {
        finish({ ok: true, ms: now() - started, bytes: data.length, sdk });
        return;
      }
      if (armed && sdk.index >= 0 && Number.isNaN(arrivals[sdk.index]!)) {
        arrivals[sdk.index] = now();
        arrivalBytes[sdk.index] = data.length;
        remaining -= 1;
        if (remaining === 0) onAllArrived?.();
      }
    });
    ws.on('error', (err) =>
      finish({ ok: false, ms: now() - started, bytes: 0, reason: err.message }),
    );
    ws.on('close', (code) =>
      finish({ ok: false, ms: now() - started, bytes: 0, reason: `closed ${code}` }),
    );
  });
}

function keep(sdk: Sdk | undefined): void {
  if (sdk === undefined) return;
  sdk.index = sockets.length;
  sockets.push(sdk);
}

function reasonsOf(results: readonly OpenResult[]): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const r of results) {
    if (!r.ok) reasons[r.reason ?? 'unknown'] = (reasons[r.reason ?? 'unknown'] ?? 0) + 1;
  }
  return reasons;
}

/** Runs `count` opens with at most `concurrency` in flight (Infinity: all at once). */
async function openMany(
  count: number,
  concurrency: number,
  start: (i: number) => Promise<OpenResult & { sdk?: Sdk }>,
): Promise<(OpenResult & { sdk?: Sdk })[]> {
  const results = new Array<OpenResult & { sdk?: Sdk }>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await start(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, concurrency) }, worker));
  return results;
}

async function handle(cmd: LoadCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'clock':
      return now();
    case 'connect': {
      // Opens and syncs sockets that stay open (for broadcasts); all at once when concurrency
      // is Infinity (JSON turns it into null).
      const frames = cmd.frames.map((f) => Buffer.from(f, 'base64'));
      const t0 = now();
      const results = await openMany(cmd.count, cmd.concurrency ?? Infinity, (i) =>
        open(cmd.url, cmd.protocols, frames[i % frames.length]!, cmd.localAddress, cmd.timeoutMs),
      );
      const elapsedMs = now() - t0;
      for (const r of results) if (r.ok) keep(r.sdk);
      const result: ConnectResult = {
        ok: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
        reasons: reasonsOf(results),
        elapsedMs,
        latenciesMs: results.filter((r) => r.ok).map((r) => r.ms),
        bytes: results.filter((r) => r.ok).map((r) => r.bytes),
        open: sockets.length,
      };
      return result;
    }
    case 'rate': {
      // Opens `rate` connections per second for `durationMs`, each syncing once; they stay
      // open until `reset`. Latency = open started → sync answer received.
      const frames = cmd.frames.map((f) => Buffer.from(f, 'base64'));
      const pending: Promise<OpenResult & { sdk?: Sdk }>[] = [];
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const elapsed = performance.now() - t0;
          const due = Math.min(
            Math.floor((cmd.rate * Math.min(elapsed, cmd.durationMs)) / 1000),
            Math.floor((cmd.rate * cmd.durationMs) / 1000),
          );
          while (pending.length < due) {
            const i = pending.length;
            pending.push(
              open(
                cmd.url,
                cmd.protocols,
                frames[i % frames.length]!,
                cmd.localAddress,
                cmd.timeoutMs,
              ),
            );
          }
          if (elapsed >= cmd.durationMs) resolve();
          else setTimeout(tick, 2);
        };
        tick();
      });
      const launchedMs = performance.now() - t0;
      const results = await Promise.all(pending);
      for (const r of results) if (r.ok) keep(r.sdk);
      const result: ConnectResult = {
        ok: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
        reasons: reasonsOf(results),
        elapsedMs: launchedMs,
        latenciesMs: results.filter((r) => r.ok).map((r) => r.ms),
        bytes: [],
        open: sockets.length,
      };
      return result;
    }
    case 'arm':
      // From now on, the first message on each open socket is timestamped.
      arrivals = new Float64Array(sockets.length).fill(Number.NaN);
      arrivalBytes = new Float64Array(sockets.length);
      remaining = sockets.length;
      armed = true;
      return sockets.length;
    case 'collect': {
      // Waits until every socket got its message or `timeoutMs` passed.
      if (remaining > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, cmd.timeoutMs);
          onAllArrived = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      armed = false;
      onAllArrived = undefined;
      const result: RoundResult = {
        arrivals: Array.from(arrivals),
        bytes: Array.from(arrivalBytes),
        missing: remaining,
      };
      return result;
    }
    case 'reset': {
      // Drops every socket with a TCP reset, so no TIME_WAIT is left on either side.
      const count = sockets.length;
      for (const sdk of sockets) {
        if (sdk.socket !== undefined) sdk.socket.resetAndDestroy();
        else sdk.ws.terminate();
      }
      sockets = [];
      await new Promise((r) => setTimeout(r, 200));
      return count;
    }
    case 'exit':
      setImmediate(() => process.exit(0));
      return true;
  }
}

process.on('message', (message: LoadCommand & { id: number }) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (err: unknown) => process.send?.({ id: message.id, error: String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, result: 'ready' });

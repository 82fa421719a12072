// Starts the load generator (`load-generator.ts`) in a child process with the hard limit of open
// files as its soft limit, and sends it commands.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ConnectResult, LoadCommand, RoundResult } from './load-protocol.js';

const here = dirname(fileURLToPath(import.meta.url));

type Distribute<T> = T extends unknown ? Omit<T, 'op'> : never;
type Args<Op extends LoadCommand['op']> = Distribute<Extract<LoadCommand, { op: Op }>>;

/** The open-file limits of this shell (soft, hard), as `ulimit -n` reports them. */
export function fileLimits(): { soft: string; hard: string } {
  const out = execFileSync('sh', ['-c', 'echo "$(ulimit -Sn) $(ulimit -Hn)"'], {
    encoding: 'utf8',
  });
  const [soft = '?', hard = '?'] = out.trim().split(' ');
  return { soft, hard };
}

/** The TIME_WAIT count in the text of /proc/net/sockstat (NaN if absent). */
export function parseTimeWait(sockstat: string): number {
  const match = /^TCP:.* tw (\d+)/m.exec(sockstat);
  return match ? Number(match[1]) : Number.NaN;
}

/** TIME_WAIT sockets on this machine (from /proc/net/sockstat). */
export function timeWaitCount(): number {
  return parseTimeWait(readFileSync('/proc/net/sockstat', 'utf8'));
}

/** Waits until fewer than `below` sockets are in TIME_WAIT (at most `maxMs`); returns the count. */
export async function drainTimeWait(below: number, maxMs = 65_000): Promise<number> {
  const deadline = Date.now() + maxMs;
  let tw = timeWaitCount();
  while (tw >= below && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    tw = timeWaitCount();
  }
  return tw;
}

/** The running load generator. */
export class LoadGenerator {
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  /** Load generator clock minus this process's clock, ms (set by `calibrate`). */
  offsetMs = 0;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.#pending.get(m.id);
      if (!waiter) return;
      this.#pending.delete(m.id);
      if (m.error !== undefined) waiter.reject(new Error(`load generator: ${m.error}`));
      else waiter.resolve(m.result);
    });
    child.on('exit', (code) => {
      for (const w of this.#pending.values()) w.reject(new Error(`load generator exited ${code}`));
      this.#pending.clear();
    });
  }

  /** Spawns the child (`ulimit -n` raised to the hard limit) and waits until it is ready. */
  static async start(): Promise<LoadGenerator> {
    const child = spawn(
      'sh',
      [
        '-c',
        'ulimit -n "$(ulimit -Hn)"; exec "$@"',
        'sh',
        process.execPath,
        '--import',
        'tsx',
        '--conditions=@vane/source',
        join(here, 'load-generator.ts'),
      ],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        cwd: join(here, '..'),
        serialization: 'advanced',
      },
    );
    const gen = new LoadGenerator(child);
    await new Promise<void>((resolve, reject) => {
      gen.#pending.set(0, { resolve: () => resolve(), reject });
      child.once('error', reject);
    });
    await gen.calibrate();
    return gen;
  }

  /** Estimates the clock offset from the 20 pings with the shortest round trip. */
  async calibrate(): Promise<void> {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 50; i += 1) {
      const t0 = performance.timeOrigin + performance.now();
      const remote = (await this.#send({ op: 'clock' })) as number;
      const t1 = performance.timeOrigin + performance.now();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
    }
    this.offsetMs = best.offset;
  }

  #send(cmd: LoadCommand): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.child.send({ ...cmd, id });
    });
  }

  /** Opens sockets that stay open, each syncing once. */
  connect(args: Args<'connect'>): Promise<ConnectResult> {
    return this.#send({ op: 'connect', ...args }) as Promise<ConnectResult>;
  }

  /** Opens sockets at a fixed rate; they stay open until `reset`. */
  rate(args: Args<'rate'>): Promise<ConnectResult> {
    return this.#send({ op: 'rate', ...args }) as Promise<ConnectResult>;
  }

  /** Starts timestamping the next message of every open socket. */
  async arm(): Promise<number> {
    return (await this.#send({ op: 'arm' })) as number;
  }

  /**
   * Waits for the armed messages; returns each socket's arrival in this process's clock minus
   * `since` (ms; NaN when it never came).
   */
  async collect(
    since: number,
    timeoutMs: number,
  ): Promise<{ latencies: number[]; bytes: number[]; missing: number }> {
    const r = (await this.#send({ op: 'collect', timeoutMs })) as RoundResult;
    return {
      latencies: r.arrivals.map((a) =>
        typeof a === 'number' ? a - this.offsetMs - since : Number.NaN,
      ),
      bytes: [...r.bytes],
      missing: r.missing,
    };
  }

  /** Drops every socket (TCP reset). */
  async reset(): Promise<number> {
    return (await this.#send({ op: 'reset' })) as number;
  }

  /** Ends the child. */
  async stop(): Promise<void> {
    await this.#send({ op: 'exit' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    if (this.child.exitCode === null) this.child.kill();
  }
}

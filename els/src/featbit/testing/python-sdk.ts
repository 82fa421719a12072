// FeatBit's Python server SDK (fb-python-sdk, unmodified) as a child process: its venv from
// scripts/python/featbit-venv.sh, one FBClient owned by featbit_python_driver.py, and an async
// typed API over the driver's line-delimited JSON (one command, one answer, in order).
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EndUser } from '@vane/core';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DRIVER = fileURLToPath(new URL('./featbit_python_driver.py', import.meta.url));

// Log lines of the SDK that say nothing about its connection or its data.
const NOISE = [
  /Feature Flag .*, Flag Value /,
  /put event to buffer|trigger flush|sending ok|paload size/,
  /urllib3\.connectionpool/,
];

/**
 * Creates (once) the SDK's venv and returns its python. Idempotent and fast when up to date;
 * the first run downloads the pinned packages, so give it a generous timeout.
 */
export function ensurePythonSdkVenv(timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [`${ROOT}scripts/python/featbit-venv.sh`],
      { cwd: ROOT, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`featbit-venv.sh failed: ${error.message}\n${stderr}`));
          return;
        }
        const python = stdout.trim().split('\n').pop();
        if (python === undefined || python === '') {
          reject(new Error(`featbit-venv.sh printed no python: ${stderr}`));
          return;
        }
        resolve(python);
      },
    );
  });
}

/** A user as the driver takes it (key, name, custom properties). */
export interface PythonUser {
  readonly keyId: string;
  readonly name: string;
  readonly props: Readonly<Record<string, string>>;
}

export function pythonUser(u: EndUser): PythonUser {
  const props: Record<string, string> = {};
  for (const p of u.customizedProperties ?? []) props[p.name] = p.value ?? '';
  return { keyId: u.keyId, name: u.name ?? u.keyId, props };
}

/** `DataUpdateStatusProvider.current_state` (StateType's name) and `FBClient.initialize`. */
export interface PythonSdkStatus {
  readonly state: 'INITIALIZING' | 'OK' | 'INTERRUPTED' | 'OFF';
  readonly error: { type: string; message: string } | null;
  readonly initialized: boolean;
}

/** `FBClient.variation_detail`: the value cast by the flag's type, the reason, the variation id. */
export interface PythonSdkDetail {
  readonly value: unknown;
  readonly reason: string;
  readonly variationId: string | null;
}

export interface DetailRequest {
  readonly flag: string;
  readonly user: PythonUser;
  readonly default: unknown;
}

export interface PythonSdkOptions {
  readonly secret: string;
  /** ELS's base URL (http://host:port); the SDK appends /streaming and the insight path. */
  readonly url: string;
  /** Seconds between event flushes (the SDK caps it at 3). */
  readonly flushIntervalS?: number;
  /** Per-command timeout. */
  readonly commandTimeoutMs?: number;
}

interface Pending {
  resolve(answer: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class PythonSdk {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;
  #log = '';
  #exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  private constructor(child: ChildProcessWithoutNullStreams, timeoutMs: number) {
    this.#child = child;
    this.#timeoutMs = timeoutMs;
    child.stderr.on('data', (d: Buffer) => {
      // The newest 200 KB of the SDK's log, for failure messages.
      this.#log = (this.#log + d.toString()).slice(-200_000);
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.#exitCode = code;
        for (const [id, p] of this.#pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`python driver exited (${code}) before answering #${id}`));
        }
        this.#pending.clear();
        resolve(code);
      });
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: Record<string, unknown>;
      try {
        answer = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.#log += `\n[python-sdk.ts] not JSON on stdout: ${line}\n`;
        return;
      }
      const id = typeof answer.id === 'number' ? answer.id : -1;
      const p = this.#pending.get(id);
      if (p === undefined) return;
      this.#pending.delete(id);
      clearTimeout(p.timer);
      if (answer.ok === true) p.resolve(answer);
      else p.reject(new Error(`python driver: ${String(answer.error)}`));
    });
  }

  /** Starts the driver (the venv must exist: `ensurePythonSdkVenv`). */
  static async start(python: string, options: PythonSdkOptions): Promise<PythonSdk> {
    const child = spawn(
      python,
      [
        '-u',
        DRIVER,
        options.secret,
        options.url.replace(/^http/, 'ws'),
        options.url,
        String(options.flushIntervalS ?? 1),
      ],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      },
    );
    const sdk = new PythonSdk(child, options.commandTimeoutMs ?? 20_000);
    // The driver answers #0 once FBClient is constructed (asynchronous start: start_wait=0).
    await sdk.#await(0, 'start');
    return sdk;
  }

  /** The SDK's log (stderr) so far. */
  get log(): string {
    return this.#log;
  }

  /**
   * The last `lines` lines of the log for failure messages: the per-evaluation and event-queue
   * lines left out (they drown the sync lines), each line cut at 500 characters.
   */
  logTail(lines = 40): string {
    return this.#log
      .split('\n')
      .filter((l) => !NOISE.some((n) => n.test(l)))
      .slice(-lines)
      .map((l) => (l.length > 500 ? `${l.slice(0, 500)}… (${l.length} chars)` : l))
      .join('\n');
  }

  #await(id: number, op: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.#exitCode !== undefined) {
        reject(new Error(`python driver exited (${this.#exitCode}); log:\n${this.logTail()}`));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`python driver: ${op} #${id} timed out; log:\n${this.logTail()}`));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
  }

  #command(op: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const answer = this.#await(id, op);
    this.#child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    return answer;
  }

  async status(): Promise<PythonSdkStatus> {
    const a = await this.#command('status');
    return {
      state: a.state as PythonSdkStatus['state'],
      error: a.error as PythonSdkStatus['error'],
      initialized: a.initialized === true,
    };
  }

  async detail(flag: string, user: PythonUser, defaultValue: unknown): Promise<PythonSdkDetail> {
    return (await this.#command('detail', {
      flag,
      user,
      default: defaultValue,
    })) as unknown as PythonSdkDetail;
  }

  /** Many evaluations in one command (one round trip). */
  async details(requests: readonly DetailRequest[]): Promise<PythonSdkDetail[]> {
    const a = await this.#command('details', { requests });
    return a.results as PythonSdkDetail[];
  }

  /** The keys of the flags the SDK's store serves (archived ones excluded). */
  async flags(): Promise<string[]> {
    return (await this.#command('flags')).flags as string[];
  }

  async track(user: PythonUser, event: string, value: number): Promise<void> {
    await this.#command('track', { user, event, value });
  }

  async identify(user: PythonUser): Promise<void> {
    await this.#command('identify', { user });
  }

  /** Asks for a flush (the SDK sends on its own thread, asynchronously). */
  async flush(): Promise<void> {
    await this.#command('flush');
  }

  /** `FBClient.stop()`, then the process exits; killed if it does not within 15 s. */
  async close(): Promise<void> {
    if (this.#exitCode !== undefined) return;
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    try {
      await this.#command('close').catch(() => undefined);
      this.#child.stdin.end();
      await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

// The api-server as a real child process from its composition root (services never import each
// other), with promise clients of its admin gRPC API, for ELS's end-to-end integration tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { vi } from 'vitest';
import { EnvironmentServiceService } from '@vane/gen/node/vane/admin/v1/environment_service';
import { EndUserServiceService } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { FeatureFlagServiceService } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceService } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceService } from '@vane/gen/node/vane/admin/v1/segment_service';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface MethodDef {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => unknown;
}

/** Each method of a generated service definition as a promise. */
export type PromiseClient<S> = {
  [K in keyof S]: S[K] extends {
    requestSerialize: (value: infer Req) => Buffer;
    responseDeserialize: (bytes: Buffer) => infer Res;
  }
    ? (request: Req) => Promise<Res>
    : never;
};

function promiseClient<S extends Record<string, MethodDef>>(
  client: Client,
  service: S,
  token: string,
): PromiseClient<S> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(service)) {
    out[name] = (request: unknown) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          def.path,
          (value: unknown) => def.requestSerialize(value as never),
          def.responseDeserialize,
          request,
          metadata,
          {},
          (err: ServiceError | null, response?: unknown) => (err ? reject(err) : resolve(response)),
        );
      });
    };
  }
  return out as PromiseClient<S>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What the api-server process is started with. */
export interface AdminApiSettings {
  readonly mongoUrl: string;
  readonly mongoDatabase: string;
  readonly kafkaBrokers: readonly string[];
  readonly topicPrefix: string;
}

/** A running api-server process and its admin clients (owner token). */
export class AdminApiProcess {
  #child: ChildProcess | undefined;
  #client: Client | undefined;
  readonly token = `vane_test_${randomBytes(16).toString('hex')}`;
  #ports: { grpc: number; http: number } | undefined;
  #log = '';

  private constructor(private readonly settings: AdminApiSettings) {}

  /** Starts the process and waits until it is healthy. */
  static async start(settings: AdminApiSettings): Promise<AdminApiProcess> {
    const api = new AdminApiProcess(settings);
    await api.restart();
    return api;
  }

  /** Clients of the admin services. */
  get clients() {
    const client = this.#client;
    if (client === undefined) throw new Error('api-server is not running');
    return {
      projects: promiseClient(client, ProjectServiceService, this.token),
      environments: promiseClient(client, EnvironmentServiceService, this.token),
      flags: promiseClient(client, FeatureFlagServiceService, this.token),
      segments: promiseClient(client, SegmentServiceService, this.token),
      endUsers: promiseClient(client, EndUserServiceService, this.token),
    };
  }

  /** (Re)starts the process on the same ports and database. */
  async restart(): Promise<void> {
    await this.stop();
    this.#ports ??= { grpc: await freePort(), http: await freePort() };
    const { grpc, http } = this.#ports;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@vane/source', 'api-server/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          VANE_MONGO_URL: this.settings.mongoUrl,
          VANE_MONGO_DATABASE: this.settings.mongoDatabase,
          VANE_KAFKA_BROKERS: this.settings.kafkaBrokers.join(','),
          VANE_TOPIC_PREFIX: this.settings.topicPrefix,
          VANE_BOOTSTRAP_TOKEN: this.token,
          API_HOST: '127.0.0.1',
          API_GRPC_PORT: String(grpc),
          API_HTTP_PORT: String(http),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => (this.#log = (this.#log + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (this.#log = (this.#log + d.toString()).slice(-4000)));
    this.#child = child;
    // Healthy within 45 s, or fail at once when the process exits first.
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`api-server exited with ${code}: ${this.#log}`)),
      ),
    );
    exited.catch(() => undefined); // it exits on stop() too, long after start-up
    await Promise.race([
      exited,
      vi.waitFor(
        async () => {
          const ok = await fetch(`http://127.0.0.1:${http}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
          if (!ok) throw new Error(`api-server did not start: ${this.#log}`);
        },
        { timeout: 45_000, interval: 200 },
      ),
    ]);
    this.#client = new Client(`127.0.0.1:${grpc}`, credentials.createInsecure());
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    this.#client?.close();
    this.#client = undefined;
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

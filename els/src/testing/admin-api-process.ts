// The api-server as a real child process from its composition root (services never import each
// other), with clients of its admin gRPC API, for ELS's end-to-end integration tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createVaneClient, vaneChannel } from '@vane/grpc-client';
import type { Channel } from '@vane/grpc-client';
import { vi } from 'vitest';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { EndUserServiceDefinition } from '@vane/gen/node/vane/admin/v1/end_user_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/segment_service';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The admin services' clients on one channel, as `token`. */
function adminClients(channel: Channel, token: string) {
  return {
    projects: createVaneClient(ProjectServiceDefinition, channel, { token }),
    environments: createVaneClient(EnvironmentServiceDefinition, channel, { token }),
    flags: createVaneClient(FeatureFlagServiceDefinition, channel, { token }),
    segments: createVaneClient(SegmentServiceDefinition, channel, { token }),
    endUsers: createVaneClient(EndUserServiceDefinition, channel, { token }),
  };
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
  #channel: Channel | undefined;
  #clients: ReturnType<typeof adminClients> | undefined;
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

  /** Clients of the admin services (requests are partial: unset fields are empty). */
  get clients(): ReturnType<typeof adminClients> {
    if (this.#clients === undefined) throw new Error('api-server is not running');
    return this.#clients;
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
    this.#channel = vaneChannel(`127.0.0.1:${grpc}`);
    this.#clients = adminClients(this.#channel, this.token);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    this.#channel?.close();
    this.#channel = undefined;
    this.#clients = undefined;
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

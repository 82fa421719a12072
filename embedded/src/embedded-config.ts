// Configuration of the embedded launcher: read once from the environment, validated, frozen.
import { fileURLToPath } from 'node:url';

/** Thrown for an invalid value; the message names the variable. */
export class EmbeddedConfigError extends Error {}

/** Settings of `npm start`. */
export interface EmbeddedConfig {
  /** Folder of the durable journal and the saved owner token. */
  readonly dataDir: string;
  readonly host: string;
  readonly apiGrpcPort: number;
  readonly apiHttpPort: number;
  readonly analyticsGrpcPort: number;
  readonly analyticsHttpPort: number;
  readonly elsPort: number;
  /** The public edge (admin UI, gRPC-web, SDK paths): Envoy's port in the compose stack. */
  readonly edgePort: number;
  /** The admin UI's build output served by the edge. */
  readonly webDist: string;
  readonly bootstrapToken: string | undefined;
  readonly logLevel: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new EmbeddedConfigError(
      `invalid configuration: ${name} must be a port number, got "${raw}"`,
    );
  }
  return value;
}

/** Reads the launcher's configuration (pass `process.env`). */
export function loadEmbeddedConfig(env: NodeJS.ProcessEnv): EmbeddedConfig {
  return Object.freeze({
    dataDir: env.VANE_DATA_DIR?.trim() || '.vane',
    host: env.VANE_HOST?.trim() || '127.0.0.1',
    apiGrpcPort: port(env, 'API_GRPC_PORT', 7070),
    apiHttpPort: port(env, 'API_HTTP_PORT', 7071),
    analyticsGrpcPort: port(env, 'ANALYTICS_GRPC_PORT', 7090),
    analyticsHttpPort: port(env, 'ANALYTICS_HTTP_PORT', 7091),
    elsPort: port(env, 'ELS_PORT', 7080),
    edgePort: port(env, 'VANE_EDGE_PORT', 8080),
    webDist: env.VANE_WEB_DIST?.trim() || fileURLToPath(new URL('../../web/dist', import.meta.url)),
    bootstrapToken: env.VANE_BOOTSTRAP_TOKEN?.trim() || undefined,
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
  });
}

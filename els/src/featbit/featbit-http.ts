// FeatBit's SDK HTTP endpoints (featbit.md §2.7): polling (`/api/public/sdk/server|client/latest-all`)
// and events (`/api/public/insight/track`), authenticated by the raw secret in `Authorization`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EnvironmentSource, SecretGrant } from '../environments/environment-source.js';
import { endUserToProto } from '@vane/core/proto';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import { userFromFeatBit } from './featbit-json.js';
import { clientPayload, serverPayload } from './featbit-payloads.js';
import { reportInsights } from './featbit-insights.js';
import type { FeatBitMetrics } from './featbit-metrics.js';
import { BodyError, readJsonBody, sendEmpty, sendJson } from './http-json.js';

/** Paths served here. */
export const FEATBIT_PATHS = {
  serverLatest: '/api/public/sdk/server/latest-all',
  clientLatest: '/api/public/sdk/client/latest-all',
  track: '/api/public/insight/track',
} as const;

const PATHS = new Set<string>(Object.values(FEATBIT_PATHS));

/** CORS headers: FeatBit's browser SDK calls these endpoints from any origin. */
export const FEATBIT_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, X-User-Agent, If-None-Match',
  'access-control-expose-headers': 'ETag',
  'access-control-max-age': '600',
} as const;

/** Settings of the HTTP endpoints. */
export interface FeatBitHttpOptions {
  /** Largest body of `client/latest-all` (a user). */
  readonly maxUserBodyBytes: number;
  /** Largest body of `insight/track`. */
  readonly maxTrackBodyBytes: number;
  /** What callers are told to wait when the store is unavailable, in seconds. */
  readonly retryAfterSeconds: number;
}

/** Dependencies of the HTTP endpoints. */
export interface FeatBitHttpDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  readonly metrics?: FeatBitMetrics;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Serves FeatBit's HTTP endpoints; `handle` returns false for other paths. */
export class FeatBitHttp {
  readonly #log: Logger;

  constructor(
    private readonly deps: FeatBitHttpDeps,
    private readonly options: FeatBitHttpOptions,
  ) {
    this.#log = deps.logger.child({ module: 'featbit-http' });
  }

  /** Takes requests for FeatBit's paths. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (!PATHS.has(url.pathname)) return false;
    const endpoint = url.pathname.slice('/api/public/'.length);
    res.on('finish', () =>
      this.deps.metrics?.requests.inc({ endpoint, status: String(res.statusCode) }),
    );
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204, FEATBIT_CORS);
      return true;
    }
    this.#serve(req, res, url).catch((error: unknown) => {
      if (error instanceof HttpFailure) {
        sendJson(
          res,
          error.status,
          { success: false, errors: [error.message] },
          {
            ...FEATBIT_CORS,
            ...error.headers,
          },
        );
        return;
      }
      if (error instanceof BodyError) {
        sendJson(res, error.status, { success: false, errors: [error.message] }, FEATBIT_CORS);
        return;
      }
      this.#log.error({ err: error, path: url.pathname }, 'FeatBit request failed');
      sendJson(res, 500, { success: false, errors: ['internal error'] }, FEATBIT_CORS);
    });
    return true;
  }

  async #serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = path === FEATBIT_PATHS.serverLatest ? 'GET' : 'POST';
    if (req.method !== method) {
      throw new HttpFailure(405, `use ${method}`, { allow: `${method}, OPTIONS` });
    }
    const grant = await this.#authenticate(req);
    if (path === FEATBIT_PATHS.track) {
      const body = await readJsonBody(req, this.options.maxTrackBodyBytes);
      const outcome = reportInsights(body, grant.envId, this.deps.reporter);
      if (outcome.skipped > 0) this.#log.debug({ ...outcome }, 'insight items skipped');
      sendEmpty(res, 200, FEATBIT_CORS);
      return;
    }
    const timestamp = parseTimestamp(url.searchParams.get('timestamp'));
    if (path === FEATBIT_PATHS.serverLatest) {
      if (grant.kind !== 'server') throw new HttpFailure(403, 'a server secret is required');
      const snapshot = await this.#snapshot(grant.envId);
      const payload = serverPayload(snapshot, timestamp);
      // No ETag: FeatBit's Node SDK replaces all its headers (the secret included) with
      // `If-None-Match` once it holds one, so its next poll would be refused; FeatBit sends none.
      if (
        payload.eventType === 'patch' &&
        payload.featureFlags.length + payload.segments.length === 0
      ) {
        sendEmpty(res, 200, FEATBIT_CORS);
        return;
      }
      sendJson(res, 200, { messageType: 'data-sync', data: payload }, FEATBIT_CORS);
      return;
    }
    if (grant.kind !== 'client') throw new HttpFailure(403, 'a client secret is required');
    const user = userFromFeatBit(await readJsonBody(req, this.options.maxUserBodyBytes));
    if (typeof user === 'string') throw new HttpFailure(400, user);
    const snapshot = await this.#snapshot(grant.envId);
    const { payload } = clientPayload(snapshot, user, timestamp);
    this.deps.reporter?.userSeen(grant.envId, endUserToProto(user));
    sendJson(res, 200, { messageType: 'data-sync', data: payload }, FEATBIT_CORS);
  }

  async #authenticate(req: IncomingMessage): Promise<SecretGrant> {
    const secret = (req.headers.authorization ?? '').trim();
    if (secret === '') throw new HttpFailure(401, 'Authorization header with the secret required');
    let grant;
    try {
      grant = await this.deps.source.findSecret(secret);
    } catch (error) {
      this.#log.warn({ err: error }, 'secret lookup failed');
      throw this.#unavailable();
    }
    if (grant === undefined) throw new HttpFailure(401, 'unknown secret');
    return grant;
  }

  async #snapshot(envId: string) {
    try {
      return await this.deps.snapshots.get(envId);
    } catch (error) {
      this.#log.warn({ err: error, envId }, 'environment unavailable');
      throw this.#unavailable();
    }
  }

  #unavailable(): HttpFailure {
    return new HttpFailure(503, 'flag store unavailable', {
      'retry-after': String(this.options.retryAfterSeconds),
    });
  }
}

// `timestamp` query value: a non-negative number of ms, anything else means 0 (everything).
function parseTimestamp(text: string | null): number {
  const n = Number(text ?? '0');
  return Number.isFinite(n) && n > 0 ? n : 0;
}

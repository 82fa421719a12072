// OFREP's evaluation endpoints (`POST /ofrep/v1/evaluate/flags[/{key}]`): authentication by
// `X-API-Key` or `Authorization: Bearer`, per-context ETag with 304 on bulk, CORS that exposes
// `ETag`, 429 with `Retry-After`, and `eventStreams` pointing at the SSE endpoint.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EndUser } from '@vane/core';
import type { EnvironmentSource, SecretGrant } from '../environments/environment-source.js';
import { endUserToProto } from '@vane/core/proto';
import type { SdkReporter } from '../outbound/sdk-reports.js';
import type { SnapshotRegistry } from '../sync/snapshot-registry.js';
import {
  BodyError,
  clientAddress,
  readJsonBody,
  sendEmpty,
  sendJson,
} from '../featbit/http-json.js';
import { contextToUser, toOfrep } from './ofrep-mapping.js';
import type { OfrepFailure, OfrepSuccess } from './ofrep-mapping.js';
import { OFREP_EVENTS_PATH } from './ofrep-events.js';
import type { OfrepEvents } from './ofrep-events.js';
import type { OfrepMetrics } from './ofrep-metrics.js';
import { FixedWindowLimiter } from './rate-limiter.js';

/** The bulk path; single flags are below it. */
export const OFREP_FLAGS_PATH = '/ofrep/v1/evaluate/flags';

/** Settings of the OFREP endpoints. */
export interface OfrepHttpOptions {
  /** Requests allowed per API key and caller address in each window. */
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly maxBodyBytes: number;
  /** What callers are told to wait when the store is unavailable, in seconds. */
  readonly retryAfterSeconds: number;
  /** `inactivityDelaySec` advertised with the event stream. */
  readonly inactivityDelaySec: number;
  readonly now?: () => number;
}

/** Dependencies of the OFREP endpoints. */
export interface OfrepHttpDeps {
  /** Secret lookups (ELS passes its secret cache). */
  readonly source: Pick<EnvironmentSource, 'findSecret'>;
  readonly snapshots: SnapshotRegistry;
  readonly events: OfrepEvents;
  readonly reporter?: SdkReporter;
  readonly logger: Logger;
  readonly metrics?: OfrepMetrics;
}

class OfrepError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(`OFREP ${status}`);
  }
}

// OFREP documents 401 without a body.
const UNAUTHORIZED = { 'www-authenticate': 'Bearer realm="ofrep", charset="UTF-8"' };

/** CORS headers for a request (the caller's origin is echoed; `ETag` is exposed). */
export function ofrepCors(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  return {
    'access-control-allow-origin': typeof origin === 'string' && origin !== '' ? origin : '*',
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    'access-control-allow-headers':
      'Content-Type, If-None-Match, Authorization, X-API-Key, Last-Event-ID',
    'access-control-expose-headers': 'ETag, Retry-After',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

/** Serves OFREP; `handle` returns false for other paths. */
export class OfrepHttp {
  readonly #limiter: FixedWindowLimiter;
  readonly #log: Logger;

  constructor(
    private readonly deps: OfrepHttpDeps,
    private readonly options: OfrepHttpOptions,
  ) {
    this.#limiter = new FixedWindowLimiter(options.rateLimit, options.rateWindowMs, options.now);
    this.#log = deps.logger.child({ module: 'ofrep' });
  }

  /** Takes requests under `/ofrep/`. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (!url.pathname.startsWith('/ofrep/')) return false;
    const endpoint =
      url.pathname === OFREP_EVENTS_PATH
        ? 'events'
        : url.pathname === OFREP_FLAGS_PATH
          ? 'bulk'
          : url.pathname.startsWith(`${OFREP_FLAGS_PATH}/`)
            ? 'single'
            : 'other';
    // Event streams are counted when they end.
    res.on('close', () =>
      this.deps.metrics?.requests.inc({ endpoint, status: String(res.statusCode) }),
    );
    const cors = ofrepCors(req);
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204, cors);
      return true;
    }
    if (url.pathname === OFREP_EVENTS_PATH) {
      if (req.method !== 'GET') sendEmpty(res, 405, { ...cors, allow: 'GET, OPTIONS' });
      else this.deps.events.open(req, res, url, cors);
      return true;
    }
    const key = flagKeyOf(url.pathname);
    if (key === undefined) {
      sendJson(res, 404, { errorDetails: 'not an OFREP path' }, cors);
      return true;
    }
    if (req.method !== 'POST') {
      sendEmpty(res, 405, { ...cors, allow: 'POST, OPTIONS' });
      return true;
    }
    this.#serve(req, res, key).catch((error: unknown) => {
      if (error instanceof OfrepError) {
        const headers = { ...cors, ...error.headers };
        if (error.body === undefined) sendEmpty(res, error.status, headers);
        else sendJson(res, error.status, error.body, headers);
        return;
      }
      if (error instanceof BodyError) {
        sendJson(
          res,
          error.status,
          { ...(key ? { key } : {}), errorCode: 'PARSE_ERROR', errorDetails: error.message },
          cors,
        );
        return;
      }
      this.#log.error({ err: error }, 'OFREP request failed');
      sendJson(res, 500, { errorDetails: 'internal error' }, cors);
    });
    return true;
  }

  // `key` is '' for the bulk endpoint.
  async #serve(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    const cors = ofrepCors(req);
    const { grant, apiKey } = await this.#authenticate(req);
    const verdict = this.#limiter.take(`${apiKey}|${clientAddress(req)}`);
    if (!verdict.allowed) {
      throw new OfrepError(429, undefined, { 'retry-after': String(verdict.retryAfterSeconds) });
    }
    const body = await readJsonBody(req, this.options.maxBodyBytes);
    const user = contextToUser(body);
    const keyPart = key ? { key } : {};
    if (typeof user === 'string') {
      throw new OfrepError(400, { ...keyPart, errorCode: 'INVALID_CONTEXT', errorDetails: user });
    }
    if (user.keyId.trim() === '') {
      throw new OfrepError(400, {
        ...keyPart,
        errorCode: 'TARGETING_KEY_MISSING',
        errorDetails: 'context.targetingKey is required',
      });
    }
    const snapshot = await this.deps.snapshots.get(grant.envId).catch((error: unknown) => {
      this.#log.warn({ err: error, envId: grant.envId }, 'environment unavailable');
      throw new OfrepError(
        503,
        { errorDetails: 'flag store unavailable' },
        { 'retry-after': String(this.options.retryAfterSeconds) },
      );
    });
    this.#seen(grant.envId, user);
    if (key) {
      const flag = snapshot.compiled.getFlag(key);
      const out = toOfrep(key, flag, snapshot.compiled.evaluate(key, user));
      const status = 'errorCode' in out ? (out.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400) : 200;
      sendJson(res, status, out, cors);
      return;
    }
    const flags: (OfrepSuccess | OfrepFailure)[] = snapshot.compiled
      .evaluateAll(user)
      .map(({ flag, result }) => toOfrep(flag.key, flag, result));
    const etag = etagOf(grant.envId, flags);
    if (matches(req.headers['if-none-match'], etag)) {
      sendEmpty(res, 304, { ...cors, etag });
      return;
    }
    sendJson(
      res,
      200,
      {
        flags,
        metadata: { version: snapshot.version },
        eventStreams: [
          {
            type: 'sse',
            endpoint: { requestUri: this.deps.events.requestUri(grant.envId, apiKey) },
            inactivityDelaySec: this.options.inactivityDelaySec,
          },
        ],
      },
      { ...cors, etag, 'cache-control': 'no-cache' },
    );
  }

  async #authenticate(req: IncomingMessage): Promise<{ grant: SecretGrant; apiKey: string }> {
    const header = req.headers['x-api-key'];
    const fromHeader = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    const apiKey = fromHeader || bearer;
    if (apiKey === '') {
      throw new OfrepError(401, undefined, UNAUTHORIZED);
    }
    let grant;
    try {
      grant = await this.deps.source.findSecret(apiKey);
    } catch (error) {
      this.#log.warn({ err: error }, 'secret lookup failed');
      throw new OfrepError(
        503,
        { errorDetails: 'flag store unavailable' },
        { 'retry-after': String(this.options.retryAfterSeconds) },
      );
    }
    if (grant === undefined) throw new OfrepError(401, undefined, UNAUTHORIZED);
    return { grant, apiKey };
  }

  #seen(envId: string, user: EndUser): void {
    this.deps.reporter?.userSeen(envId, endUserToProto(user));
  }
}

// '' for the bulk path, the decoded key for a single flag, undefined for anything else.
function flagKeyOf(path: string): string | undefined {
  if (path === OFREP_FLAGS_PATH) return '';
  if (!path.startsWith(`${OFREP_FLAGS_PATH}/`)) return undefined;
  const raw = path.slice(OFREP_FLAGS_PATH.length + 1);
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

// A weak ETag over what this context was served: the environment and every flag's result.
function etagOf(envId: string, flags: readonly (OfrepSuccess | OfrepFailure)[]): string {
  const hash = createHash('sha256').update(envId);
  for (const f of [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    hash.update('\u0000').update(JSON.stringify(f));
  }
  return `W/"${hash.digest('base64url').slice(0, 22)}"`;
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

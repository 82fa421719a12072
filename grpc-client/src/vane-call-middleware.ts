// The one client middleware of Vane's clients, for nice-grpc (Node) and nice-grpc-web (browser)
// alike: it sends the access token, applies a deadline and turns a failed call into a
// VaneCallError carrying the ErrorInfo of the `grpc-status-details-bin` trailer.
import { ClientError, Metadata, Status } from 'nice-grpc-common';
import type { CallOptions, ClientMiddleware } from 'nice-grpc-common';
import { decodeErrorInfo, ERROR_DETAILS_KEY } from './error-details.js';
import { VaneCallError } from './vane-call-error.js';

/** How every call of a client is made. */
export interface VaneCallSettings {
  /** Sent as `authorization: Bearer <token>` unless a call sets its own authorization. */
  readonly token?: string | undefined;
  /** Each call fails with DEADLINE_EXCEEDED (and is cancelled) after this many ms. */
  readonly deadlineMs?: number | undefined;
}

/** The middleware for `createClientFactory().use(…)` of nice-grpc or nice-grpc-web. */
export function vaneCallMiddleware(settings: VaneCallSettings = {}): ClientMiddleware {
  return async function* vaneCall(call, options: CallOptions) {
    const metadata = Metadata(options.metadata);
    if (settings.token !== undefined && !metadata.has('authorization')) {
      metadata.set('authorization', `Bearer ${settings.token}`);
    }
    const timeout =
      settings.deadlineMs === undefined ? undefined : AbortSignal.timeout(settings.deadlineMs);
    const signal =
      timeout === undefined
        ? options.signal
        : options.signal === undefined
          ? timeout
          : AbortSignal.any([options.signal, timeout]);
    let details: Uint8Array | undefined;
    const onTrailer = (trailer: Metadata) => {
      details = trailer.get(ERROR_DETAILS_KEY);
      options.onTrailer?.(trailer);
    };
    try {
      return yield* call.next(call.request, { ...options, metadata, signal, onTrailer });
    } catch (err) {
      if (err instanceof ClientError) {
        throw new VaneCallError(err.path, err.code, err.details, decodeErrorInfo(details));
      }
      if (timeout?.aborted && options.signal?.aborted !== true) {
        throw new VaneCallError(
          call.method.path,
          Status.DEADLINE_EXCEEDED,
          `no answer within ${settings.deadlineMs} ms`,
          undefined,
        );
      }
      throw err;
    }
  };
}

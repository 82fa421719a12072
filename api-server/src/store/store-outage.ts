// Which thrown errors mean "the store cannot be reached right now" (retry later), as opposed to a
// bug or a refused write: the gRPC layer answers those with UNAVAILABLE, as the contract says.
import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/**
 * Socket failures that the driver sometimes passes on unwrapped: a command written to a
 * connection that the server (or a proxy) has just closed fails with Node's own EPIPE error.
 */
const SOCKET_FAILURES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** True for a MongoDB connectivity failure (no server selectable, connection lost or closed). */
export function isStoreOutage(err: unknown): boolean {
  // The error, then what caused it, a few links deep (a cycle of causes ends there too).
  for (let e = err, depth = 0; e instanceof Error && depth < 4; depth += 1) {
    if (
      e instanceof MongoServerSelectionError ||
      e instanceof MongoNetworkError ||
      e instanceof MongoNotConnectedError ||
      e instanceof MongoTopologyClosedError
    ) {
      return true;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && SOCKET_FAILURES.has(code)) return true;
    // A bulk write reports the connectivity failure that stopped it as its response.
    e =
      e instanceof MongoBulkWriteError && e.errorResponse instanceof Error
        ? e.errorResponse
        : e.cause;
  }
  return false;
}

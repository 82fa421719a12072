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
  if (
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNetworkError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError
  ) {
    return true;
  }
  // A bulk write reports the connectivity failure that stopped it as its response.
  if (err instanceof MongoBulkWriteError && isStoreOutage(err.errorResponse)) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined && SOCKET_FAILURES.has(code)) || isStoreOutage(err.cause);
}

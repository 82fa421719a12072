// Which thrown errors mean "the store cannot be reached right now" (retry later), as opposed to a
// bug or a refused write: the gRPC layer answers those with UNAVAILABLE, as the contract says.
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/** True for a MongoDB connectivity failure (no server selectable, connection lost or closed). */
export function isStoreOutage(err: unknown): boolean {
  return (
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNetworkError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError
  );
}

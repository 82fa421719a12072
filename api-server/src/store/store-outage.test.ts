import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isStoreOutage } from './store-outage.js';

/** A Node system error, as a socket raises it. */
/** The driver's "no server selectable" error (its topology description is not read here). */
const noServer = (message: string) => new MongoServerSelectionError(message, {} as never);

const socketError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, errno: -32, syscall: 'write' });

describe('isStoreOutage', () => {
  it("takes the driver's connectivity errors", () => {
    expect(isStoreOutage(new MongoNetworkError('connection 4 closed'))).toBe(true);
    expect(isStoreOutage(noServer('no server'))).toBe(true);
  });

  it('takes the socket errors that the driver passes on unwrapped (EPIPE after a cut)', () => {
    expect(
      isStoreOutage(socketError('EPIPE', 'This socket has been ended by the other party')),
    ).toBe(true);
    expect(isStoreOutage(socketError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isStoreOutage(new Error('wrapped', { cause: socketError('EPIPE', 'x') }))).toBe(true);
  });

  it('takes a bulk write stopped by a lost connection', () => {
    const stopped = new MongoBulkWriteError(
      noServer('connection <monitor> closed'),
      // The partial result of the batch; only the response matters here.
      {
        insertedCount: 0,
        matchedCount: 0,
        modifiedCount: 0,
        deletedCount: 0,
        upsertedCount: 0,
        insertedIds: {},
        upsertedIds: {},
      } as never,
    );
    expect(isStoreOutage(stopped)).toBe(true);
  });

  it('leaves bugs and refused writes alone', () => {
    expect(isStoreOutage(new Error('boom'))).toBe(false);
    expect(isStoreOutage(new TypeError('x is undefined'))).toBe(false);
    expect(isStoreOutage(new MongoServerError({ message: 'duplicate key', code: 11000 }))).toBe(
      false,
    );
    expect(isStoreOutage(socketError('ENOENT', 'no such file'))).toBe(false);
    expect(isStoreOutage(undefined)).toBe(false);
    expect(isStoreOutage('EPIPE')).toBe(false);
    const cycle = new Error('a') as Error & { cause?: unknown };
    cycle.cause = cycle;
    expect(isStoreOutage(cycle)).toBe(false);
  });
});

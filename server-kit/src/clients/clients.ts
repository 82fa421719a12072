// The Kafka and Redis clients of every server, built one way: the same log level, the same
// behaviour while a server is down.
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** A Kafka client of `brokers` named `clientId` (`vane-api-server`, `vane-els`, …), logging WARN and up. */
export function kafkaClient(clientId: string, brokers: readonly string[]): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN });
}

/**
 * A Redis client of `url` whose commands fail at once while Redis is down (no offline queue, one
 * retry), so a server falls back to its store and memory instead of waiting; it reconnects by
 * itself with a capped backoff, and connection errors are logged at DEBUG (the callers report
 * the outage through their own health).
 */
export function redisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(5000, 100 * attempt),
  });
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  return redis;
}

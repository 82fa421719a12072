// Composition root of ELS: the only place that creates the MongoDB, Kafka and Redis clients. Reads the
// configuration, starts, and stops cleanly on SIGINT and SIGTERM (SDKs get close 1001).
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { kafkaClient, loadOrExit, redisClient } from '@vane/server-kit';
import { loadConfig } from './config.js';
import { startEls } from './els-server.js';
import { MongoEnvironmentSource } from './environments/mongo-environment-source.js';
import { KafkaChangeFeed } from './sync/kafka-change-feed.js';
import { KafkaEventSink } from './outbound/kafka-event-sink.js';
import { RedisFlagCache } from './cache/redis-flag-cache.js';

async function main(): Promise<void> {
  const config = loadOrExit(() => loadConfig(process.env));
  const logger = pino({ level: config.logLevel, base: { service: 'els' } });
  const mongo = new MongoClient(config.mongoUrl);
  await mongo.connect();
  const kafka = kafkaClient('vane-els', config.kafkaBrokers);
  const events = new KafkaEventSink(kafka, logger.child({ module: 'events' }));
  // While Redis is down ELS serves from MongoDB and memory, and repairs what it could not write.
  const redis = redisClient(config.redisUrl, logger);
  const els = await startEls(
    {
      source: new MongoEnvironmentSource(mongo.db(config.mongoDatabase)),
      feed: new KafkaChangeFeed(kafka, logger),
      events,
      cache: new RedisFlagCache(redis, { keyPrefix: config.redisKeyPrefix }),
      logger,
    },
    {
      port: config.port,
      host: config.host,
      topicPrefix: config.topicPrefix,
      maxConnections: config.maxConnections,
      maxConnectionsPerEnv: config.maxConnectionsPerEnv,
      maxBufferedBytes: config.maxBufferedBytes,
      idleTimeoutMs: config.idleTimeoutMs,
      tombstoneLimit: config.tombstoneLimit,
      catchUpIntervalMs: config.catchUpIntervalMs,
      ...(config.consumerGroup !== undefined ? { groupId: config.consumerGroup } : {}),
      secretCacheMs: config.secretCacheMs,
      secretRecheckMs: config.secretRecheckMs,
      rateLimits: config.rateLimits,
      featbit: {
        tokenWindowMs: config.featbitTokenWindowMs,
      },
      ofrep: {
        rateLimit: config.ofrepRateLimitPerMinute,
        rateWindowMs: 60_000,
        ...(config.ofrepStreamKey ? { signingKey: config.ofrepStreamKey } : {}),
      },
    },
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    els
      .stop()
      .then(() => events.close())
      .then(() => mongo.close())
      .then(() => void redis.disconnect())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean stop');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

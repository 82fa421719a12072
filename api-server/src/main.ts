// Composition root of the api-server: the only place that creates the MongoDB and Kafka clients.
// Reads the configuration, picks real or embedded adapters, starts, and stops cleanly on SIGINT
// and SIGTERM (in-flight calls drain, the relay flushes what it can, clients close).
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { startApiServer } from './api-server.js';
import type { ChangePublisher, MessageSource } from './bus/change-publisher.js';
import { KafkaChangePublisher, KafkaMessageSource } from './bus/kafka-bus.js';
import { MemoryChangePublisher, MemoryMessageSource } from './bus/memory-bus.js';
import { kafkaClient, loadOrExit, MemoryBroker } from '@vane/server-kit';
import { loadConfig } from './config.js';
import { grpcAnalyticsGateway } from './flags/grpc-analytics-gateway.js';
import type { DocumentStore } from './store/document-store.js';
import { MemoryDocumentStore } from './store/memory-document-store.js';
import { MongoDocumentStore } from './store/mongo-document-store.js';

async function main(): Promise<void> {
  const config = loadOrExit(() => loadConfig(process.env));
  const logger = pino({ level: config.logLevel, base: { service: 'api-server' } });

  let store: DocumentStore;
  let mongo: MongoClient | undefined;
  if (config.mongoUrl) {
    mongo = new MongoClient(config.mongoUrl);
    await mongo.connect();
    store = new MongoDocumentStore(mongo.db(config.mongoDatabase));
  } else {
    store = await MemoryDocumentStore.open({ dataDir: config.dataDir });
    logger.info({ dataDir: config.dataDir }, 'using the embedded document store');
  }

  let publisher: ChangePublisher;
  let source: MessageSource;
  if (config.kafkaBrokers.length > 0) {
    const kafka = kafkaClient('vane-api-server', config.kafkaBrokers);
    publisher = new KafkaChangePublisher(kafka);
    source = new KafkaMessageSource(kafka, logger.child({ module: 'kafka' }));
  } else {
    const broker = new MemoryBroker();
    publisher = new MemoryChangePublisher(broker);
    source = new MemoryMessageSource(broker);
    logger.info('using the embedded message bus');
  }

  const analytics = config.analyticsAddress
    ? grpcAnalyticsGateway(config.analyticsAddress, config.analyticsToken)
    : undefined;
  const server = await startApiServer(
    { store, publisher, source, logger, analytics },
    {
      grpcPort: config.grpcPort,
      httpPort: config.httpPort,
      host: config.host,
      bootstrapToken: config.bootstrapToken,
      topicPrefix: config.topicPrefix,
      maxRequestBytes: config.maxRequestBytes,
    },
  );
  if (server.bootstrapToken) {
    // Printed once, to the terminal only: never logged.
    process.stdout.write(
      `\nFirst run: an OWNER access token was created. Store it now; it is not shown again:\n\n  ${server.bootstrapToken}\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void server
      .stop()
      .then(() => {
        analytics?.close();
        return publisher.close();
      })
      .then(() => store.close())
      .then(() => mongo?.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();

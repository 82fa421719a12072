// `npm start`: Vane in one process with no external service. Prints a banner with the URLs and
// the owner token, and stops cleanly on Ctrl-C.
import { pino } from 'pino';
import { EmbeddedConfigError, loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';

let config;
try {
  config = loadEmbeddedConfig(process.env);
} catch (err) {
  if (err instanceof EmbeddedConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
const logger = pino({ level: config.logLevel });
const started = Date.now();
const vane = await startEmbedded(config, logger, (step) => process.stdout.write(`  … ${step}\n`));

process.stdout.write(
  [
    '',
    `Vane is running (embedded mode, data in ${config.dataDir}/) — started in ${Date.now() - started} ms`,
    '',
    `  Admin UI             ${vane.urls.edge}/`,
    `  Admin API (gRPC-web) ${vane.urls.edge}  (same paths as behind Envoy)`,
    `  Admin API (gRPC)     ${vane.urls.adminGrpc}`,
    `  SDK stream           ${vane.urls.edgeSdkStream}`,
    `  Health               ${vane.urls.apiHealth}`,
    `  Analytics (internal) ${vane.urls.analyticsGrpc}, health ${vane.urls.analyticsHealth}`,
    `  Owner access token   ${vane.ownerToken ?? '(set by VANE_BOOTSTRAP_TOKEN)'}`,
    `                       (kept in ${vane.ownerTokenFile}; send it as "authorization: Bearer <token>")`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping Vane…\n');
  vane.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'unclean stop');
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

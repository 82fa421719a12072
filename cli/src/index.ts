// @vane/cli: the `vane` command line, runnable in-process for tests and tools.
export { runCli, DEFAULT_ADDRESS } from './program.js';
export type { CliIo } from './program.js';
export { connectAdminApi, AdminApiError } from './admin-client.js';
export type { AdminApi } from './admin-client.js';
export {
  EXPORT_FORMAT,
  exportEnvironment,
  importEnvironment,
  parseExport,
} from './environment-transfer.js';

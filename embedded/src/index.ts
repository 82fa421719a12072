// @vane/embedded: every Vane service in one process on the embedded adapters.
export { startEmbedded } from './start-embedded.js';
export type { RunningVane } from './start-embedded.js';
export { loadEmbeddedConfig } from './embedded-config.js';
export type { EmbeddedConfig } from './embedded-config.js';

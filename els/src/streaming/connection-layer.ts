// What every protocol endpoint of ELS (Vane's stream, FeatBit's `/streaming`, OFREP's event
// stream) is given to manage its connections: one registry with its caps, the settings every
// connection is created with (send bound, idle timeout, close hook), and the frame rate limiter.
import type { ConnectionRegistry, Refusal } from './connection-registry.js';
import type { FrameRateLimiter } from './rate-limiter.js';
import type { ConnectionSettings } from './sdk-connection.js';

/** The shared connection layer. */
export interface ConnectionLayer {
  readonly connections: ConnectionRegistry;
  /** Settings of every connection; a protocol may override `idleTimeoutMs`. */
  readonly settings: ConnectionSettings;
  /** Frame rate limits (absent: unlimited). */
  readonly limiter?: FrameRateLimiter;
}

/** English reasons of the cap refusals, for close reasons and HTTP bodies. */
export const REFUSAL_MESSAGES: Readonly<Record<Refusal, string>> = {
  full: 'connection limit reached',
  env_full: 'too many connections for this environment',
};

// Bootstrap data: definitions as JSON (core's FeatureFlag/Segment shapes, FeatBit's server-SDK
// JSON plus Vane's `version` and `prerequisites`), to start without ELS or before it answers.
import type { FeatureFlag, Segment } from '@vane/core';

/** What `bootstrap` accepts and what `toBootstrap()` produces. */
export interface BootstrapData {
  /** The sync version the definitions are at (0 if unknown: the first sync is then a FULL). */
  readonly version?: number;
  readonly flags: readonly FeatureFlag[];
  readonly segments?: readonly Segment[];
}

/** Thrown by the constructor for bootstrap data that is not valid; names the problem. */
export class BootstrapError extends Error {
  constructor(message: string) {
    super(`invalid bootstrap data: ${message}`);
    this.name = 'BootstrapError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks the shape of bootstrap data (JSON text or an object). */
export function parseBootstrap(input: string | BootstrapData): BootstrapData {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new BootstrapError(`not JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(data)) throw new BootstrapError('expected an object');
  const { version = 0, flags, segments = [] } = data;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
    throw new BootstrapError('version must be a non-negative integer');
  if (!Array.isArray(flags)) throw new BootstrapError('flags must be an array');
  if (!Array.isArray(segments)) throw new BootstrapError('segments must be an array');
  flags.forEach((f: unknown, i) => {
    if (!isObject(f) || typeof f.key !== 'string' || typeof f.id !== 'string')
      throw new BootstrapError(`flags[${i}] needs string id and key`);
    if (!Array.isArray(f.variations))
      throw new BootstrapError(`flags[${i}].variations must be an array`);
  });
  segments.forEach((s: unknown, i) => {
    if (!isObject(s) || typeof s.id !== 'string')
      throw new BootstrapError(`segments[${i}] needs a string id`);
  });
  return {
    version,
    flags: flags as FeatureFlag[],
    segments: segments as Segment[],
  };
}

// The definitions a server SDK holds: a compiled environment plus its sync version, updated by
// FULL and PATCH responses, loaded from and exported as bootstrap data.
import { compileEnvironment } from '@vane/core';
import type { CompiledEnvironment, FeatureFlag } from '@vane/core';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type { DefinitionsPayload } from '@vane/gen/node/vane/sync/v1/sync';
import { BootstrapError } from './bootstrap.js';
import type { BootstrapData } from './bootstrap.js';
import { flagFromProto, segmentFromProto } from '@vane/core/proto';

/** See the module comment. */
export class DefinitionStore {
  #env: CompiledEnvironment | undefined;
  #version = 0;

  /** The compiled environment (undefined before any data). */
  get env(): CompiledEnvironment | undefined {
    return this.#env;
  }

  /** The sync version held (0 before any). */
  get version(): number {
    return this.#version;
  }

  /** Replaces everything with bootstrap data; throws `BootstrapError` if it does not compile. */
  load(data: BootstrapData): void {
    try {
      this.#env = compileEnvironment({
        flags: [...data.flags],
        segments: [...(data.segments ?? [])],
      });
    } catch (error) {
      throw new BootstrapError(`definitions do not compile (${String(error)})`);
    }
    this.#version = data.version ?? 0;
  }

  /**
   * Applies a sync response. Returns the keys of flags whose definition changed (deleted ones and
   * those using a changed segment included), or undefined for an unknown kind (ignored).
   */
  apply(kind: SyncKind, version: number, payload: DefinitionsPayload): Set<string> | undefined {
    const flags = payload.flags.map(flagFromProto);
    const segments = payload.segments.map(segmentFromProto);
    const before = this.#env;
    if (
      kind === SyncKind.SYNC_KIND_FULL ||
      (before === undefined && kind === SyncKind.SYNC_KIND_PATCH)
    ) {
      this.#env = compileEnvironment({ flags, segments });
      this.#version = version;
      return diffKeys(before, this.#env);
    }
    if (kind !== SyncKind.SYNC_KIND_PATCH || before === undefined) return undefined;
    const removedFlagKeys = payload.deletedFlags.map((t) => t.key);
    const removedSegmentIds = payload.deletedSegments.map((t) => t.id);
    const env = before.withChanges({ flags, segments, removedFlagKeys, removedSegmentIds });
    this.#env = env;
    const changed = new Set([
      ...flags.map((f) => f.key),
      ...removedFlagKeys.filter((k) => before.getFlag(k)),
    ]);
    const segmentIds = [...segments.map((s) => s.id), ...removedSegmentIds];
    if (segmentIds.length > 0)
      for (const key of env.flagKeys())
        if (usesSegment(env.getFlag(key), segmentIds)) changed.add(key);
    this.#version = Math.max(this.#version, version);
    return changed;
  }

  /** The definitions held, as bootstrap data. */
  toBootstrap(): BootstrapData {
    const env = this.#env;
    if (env === undefined) return { version: this.#version, flags: [], segments: [] };
    const flags = env
      .flagKeys()
      .map((k) => env.getFlag(k))
      .filter((f) => f !== undefined);
    const segmentIds = new Set<string>();
    for (const f of flags)
      for (const r of f.rules)
        for (const c of r.conditions)
          if (c.property.startsWith('User is ') && c.value)
            for (const id of safeIds(c.value)) segmentIds.add(id);
    const segments = [...segmentIds].map((id) => env.getSegment(id)).filter((s) => s !== undefined);
    return { version: this.#version, flags, segments };
  }
}

function diffKeys(
  before: CompiledEnvironment | undefined,
  after: CompiledEnvironment,
): Set<string> {
  const changed = new Set<string>();
  for (const key of after.flagKeys()) {
    const old = before?.getFlag(key);
    if (old === undefined || old.version !== after.getFlag(key)?.version) changed.add(key);
  }
  for (const key of before?.flagKeys() ?? [])
    if (after.getFlag(key) === undefined) changed.add(key);
  return changed;
}

function usesSegment(flag: FeatureFlag | undefined, ids: readonly string[]): boolean {
  return (
    flag?.rules.some((r) =>
      r.conditions.some(
        (c) => c.property.startsWith('User is ') && ids.some((id) => c.value?.includes(id)),
      ),
    ) ?? false
  );
}

function safeIds(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

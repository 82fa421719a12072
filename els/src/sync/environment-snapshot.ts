// One environment's definitions in memory: the compiled snapshot used for evaluation, the version
// of every item seen, and a bounded log of tombstones so that a PATCH can carry deletions.
import { compileEnvironment, IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '@vane/core';
import type { CompiledEnvironment, FeatureFlag } from '@vane/core';
import type {
  EnvironmentContents,
  VersionedFlag,
  VersionedSegment,
} from '../environments/environment-source.js';

/** A deleted or archived flag or segment (as `vane.model.v1.Tombstone`). */
export interface Tombstone {
  readonly id: string;
  readonly key: string;
  readonly version: number;
}

/** What a sync request gets: everything (FULL) or what changed after its version (PATCH). */
export interface DefinitionsView {
  readonly kind: 'full' | 'patch';
  /** The cursor to hand out: the snapshot's version. */
  readonly version: number;
  readonly flags: readonly VersionedFlag[];
  readonly segments: readonly VersionedSegment[];
  readonly deletedFlags: readonly Tombstone[];
  readonly deletedSegments: readonly Tombstone[];
}

/** One applied change: what to push, and which flags' results client SDKs must re-evaluate. */
export interface AppliedChange {
  readonly envId: string;
  readonly version: number;
  readonly flags: readonly VersionedFlag[];
  readonly segments: readonly VersionedSegment[];
  readonly deletedFlags: readonly Tombstone[];
  readonly deletedSegments: readonly Tombstone[];
  /** Active flags whose results may have changed (dependents through prerequisites included). */
  readonly affectedFlagKeys: readonly string[];
}

/** Options of a snapshot. */
export interface SnapshotOptions {
  /** Most tombstones kept; older requests get a FULL. */
  readonly tombstoneLimit: number;
  /**
   * The lowest version a PATCH can start from. Deletions made before the load are unknown (the
   * api-server purges relayed tombstones), so this is at least the load time: versions are
   * millisecond times (the api-server's counter never goes below the clock).
   */
  readonly floor: number;
  /**
   * Tombstones known since `floor` (a load from the cache): then `floor` is taken as is, since
   * the deletions after it are known.
   */
  readonly tombstones?: readonly LoggedTombstone[];
}

/** A tombstone with the kind of item it deletes. */
export interface LoggedTombstone extends Tombstone {
  readonly type: 'flag' | 'segment';
}

/** Everything a snapshot holds: active definitions and the tombstone log. */
export interface SnapshotContents {
  readonly flags: readonly VersionedFlag[];
  readonly segments: readonly VersionedSegment[];
  readonly tombstones: readonly LoggedTombstone[];
}

/** The mutable, per-environment state that `SnapshotRegistry` keeps; see the module comment. */
export class EnvironmentSnapshot {
  #compiled: CompiledEnvironment;
  #floor = 0;
  #version = 0;
  #newestItem = 0;
  readonly #flags = new Map<string, VersionedFlag>();
  readonly #segments = new Map<string, VersionedSegment>();
  readonly #versions = new Map<string, number>();
  #tombstones: LoggedTombstone[] = [];

  constructor(
    readonly envId: string,
    contents: EnvironmentContents,
    private readonly options: SnapshotOptions,
  ) {
    let max = 0;
    // Archived items are logged as tombstones too: FeatBit's protocol sends them in a PATCH.
    const removed: LoggedTombstone[] = [];
    for (const f of contents.flags) {
      this.#versions.set(`f:${f.id}`, f.version);
      max = Math.max(max, f.version);
      if (f.isArchived !== true) this.#flags.set(f.id, f);
      else removed.push({ type: 'flag', id: f.id, key: f.key, version: f.version });
    }
    for (const s of contents.segments) {
      this.#versions.set(`s:${s.id}`, s.version);
      max = Math.max(max, s.version);
      if (s.isArchived !== true) this.#segments.set(s.id, s);
      else removed.push({ type: 'segment', id: s.id, key: s.key ?? s.id, version: s.version });
    }
    for (const t of options.tombstones ?? []) {
      const key = `${t.type === 'flag' ? 'f' : 's'}:${t.id}`;
      if ((this.#versions.get(key) ?? -1) >= t.version) continue;
      this.#versions.set(key, t.version);
      max = Math.max(max, t.version);
      if (t.type === 'flag') this.#flags.delete(t.id);
      else this.#segments.delete(t.id);
      removed.push(t);
    }
    const newest = new Map<string, LoggedTombstone>();
    for (const t of removed) {
      const key = `${t.type}:${t.id}`;
      if ((newest.get(key)?.version ?? -1) < t.version) newest.set(key, t);
    }
    for (const t of [...newest.values()].sort((a, b) => a.version - b.version)) this.#log(t);
    this.#newestItem = max;
    if (options.tombstones === undefined) {
      // Deletions before the load are unknown, so no PATCH starts before it.
      this.#floor = Math.max(max, options.floor);
      this.#version = this.#floor;
    } else {
      this.#floor = Math.max(this.#floor, options.floor);
      this.#version = Math.max(max, this.#floor);
    }
    this.#compiled = compileEnvironment({
      flags: [...this.#flags.values()],
      segments: [...this.#segments.values()],
    });
  }

  /** The compiled environment to evaluate against (replaced, never mutated, on change). */
  get compiled(): CompiledEnvironment {
    return this.#compiled;
  }

  /** The greatest version this snapshot accounts for. */
  get version(): number {
    return this.#version;
  }

  /**
   * The newest version of any item or tombstone held (the floor aside): where a catch-up from
   * the store starts, so that a clock ahead of the api-server's loses nothing.
   */
  get newestItemVersion(): number {
    return this.#newestItem;
  }

  /** The lowest version a PATCH can start from. */
  get floor(): number {
    return this.#floor;
  }

  /** The active definitions and the tombstone log (to repair the cache from memory). */
  contents(): SnapshotContents {
    return {
      flags: [...this.#flags.values()],
      segments: [...this.#segments.values()],
      tombstones: [...this.#tombstones],
    };
  }

  /** Whether a request holding `version` gets a PATCH (else a FULL). */
  canPatch(version: number): boolean {
    return version > 0 && version >= this.#floor && version <= this.#version;
  }

  /** The active definitions; every one for a FULL, those newer than `since` for a PATCH. */
  definitionsSince(since: number): DefinitionsView {
    const full = !this.canPatch(since);
    const after = full ? -Infinity : since;
    const newer = <T extends { version: number }>(items: Iterable<T>): T[] =>
      [...items].filter((i) => i.version > after);
    const dead = (type: 'flag' | 'segment'): Tombstone[] =>
      full ? [] : this.#tombstones.filter((t) => t.type === type && t.version > since).map(strip);
    return {
      kind: full ? 'full' : 'patch',
      version: this.#version,
      flags: newer(this.#flags.values()),
      segments: newer(this.#segments.values()),
      deletedFlags: dead('flag'),
      deletedSegments: dead('segment'),
    };
  }

  /**
   * Everything newer than `since`, whatever the floor: active items and the tombstones still
   * logged (deletions before the floor are unknown, so they are missing). FeatBit's protocol
   * answers every non-zero cursor this way, where Vane's would send a FULL.
   */
  newerThan(since: number): Omit<DefinitionsView, 'kind'> {
    const newer = <T extends { version: number }>(items: Iterable<T>): T[] =>
      [...items].filter((i) => i.version > since);
    const dead = (type: 'flag' | 'segment'): Tombstone[] =>
      this.#tombstones.filter((t) => t.type === type && t.version > since).map(strip);
    return {
      version: this.#version,
      flags: newer(this.#flags.values()),
      segments: newer(this.#segments.values()),
      deletedFlags: dead('flag'),
      deletedSegments: dead('segment'),
    };
  }

  /** Keys of the active flags whose client results may differ from those at `since`. */
  flagKeysChangedSince(since: number): string[] {
    const view = this.definitionsSince(since);
    if (view.kind === 'full') return [...this.#flags.values()].map((f) => f.key);
    const segmentIds = [
      ...view.segments.map((s) => s.id),
      ...view.deletedSegments.map((t) => t.id),
    ];
    const keys = [...view.flags.map((f) => f.key), ...view.deletedFlags.map((t) => t.key)];
    return this.#affected(keys, segmentIds, []);
  }

  /** Applies a flag upsert or deletion; undefined when it is not newer than what is held. */
  applyFlag(
    version: number,
    flag: FeatureFlag | undefined,
    deleted: Tombstone | undefined,
  ): AppliedChange | undefined {
    const id = flag?.id ?? deleted?.id;
    if (id === undefined || !this.#isNewer(`f:${id}`, version)) return undefined;
    this.#versions.set(`f:${id}`, version);
    this.#bump(version);
    this.#tombstones = this.#tombstones.filter((t) => !(t.type === 'flag' && t.id === id));
    const previous = this.#flags.get(id);
    if (flag !== undefined && flag.isArchived !== true) {
      const versioned: VersionedFlag = { ...flag, version };
      this.#flags.set(id, versioned);
      this.#compiled = this.#compiled.withChanges({ flags: [versioned] });
      return this.#change(version, {
        flags: [versioned],
        affected: this.#affected([flag.key], [], []),
      });
    }
    const key = flag?.key ?? deleted?.key ?? previous?.key ?? '';
    const tombstone = { id, key, version };
    this.#flags.delete(id);
    this.#log({ ...tombstone, type: 'flag' });
    this.#compiled = this.#compiled.withChanges({ removedFlagKeys: [key] });
    return this.#change(version, {
      deletedFlags: [tombstone],
      affected: this.#affected([key], [], []),
    });
  }

  /** Applies a segment upsert or deletion; `affectedFlagIds` come from `SegmentChanged`. */
  applySegment(
    version: number,
    segment: VersionedSegment | undefined,
    deleted: Tombstone | undefined,
    affectedFlagIds: readonly string[],
  ): AppliedChange | undefined {
    const id = segment?.id ?? deleted?.id;
    if (id === undefined || !this.#isNewer(`s:${id}`, version)) return undefined;
    this.#versions.set(`s:${id}`, version);
    this.#bump(version);
    this.#tombstones = this.#tombstones.filter((t) => !(t.type === 'segment' && t.id === id));
    const affected = this.#affected([], [id], affectedFlagIds);
    if (segment !== undefined && segment.isArchived !== true) {
      const versioned: VersionedSegment = { ...segment, version };
      this.#segments.set(id, versioned);
      this.#compiled = this.#compiled.withChanges({ segments: [versioned] });
      return this.#change(version, { segments: [versioned], affected });
    }
    const tombstone = {
      id,
      key: segment?.key ?? deleted?.key ?? this.#segments.get(id)?.key ?? '',
      version,
    };
    this.#segments.delete(id);
    this.#log({ ...tombstone, type: 'segment' });
    this.#compiled = this.#compiled.withChanges({ removedSegmentIds: [id] });
    return this.#change(version, { deletedSegments: [tombstone], affected });
  }

  #isNewer(key: string, version: number): boolean {
    const held = this.#versions.get(key);
    return held === undefined || version > held;
  }

  #bump(version: number): void {
    this.#version = Math.max(this.#version, version);
    this.#newestItem = Math.max(this.#newestItem, version);
  }

  #log(t: LoggedTombstone): void {
    this.#tombstones.push(t);
    while (this.#tombstones.length > this.options.tombstoneLimit) {
      const evicted = this.#tombstones.shift();
      if (evicted !== undefined) this.#floor = Math.max(this.#floor, evicted.version);
    }
  }

  // Active flag keys affected by changed flags and segments, closed over prerequisites.
  #affected(
    flagKeys: readonly string[],
    segmentIds: readonly string[],
    flagIds: readonly string[],
  ): string[] {
    const changed = new Set(flagKeys);
    const segs = new Set(segmentIds);
    const ids = new Set(flagIds);
    // A flag change names no segment: no need to parse every flag's segment conditions.
    if (segs.size > 0 || ids.size > 0) {
      for (const f of this.#flags.values()) {
        if (ids.has(f.id) || segmentIdsOf(f).some((s) => segs.has(s))) changed.add(f.key);
      }
    }
    let grew = true;
    while (grew) {
      grew = false;
      for (const f of this.#flags.values()) {
        if (changed.has(f.key)) continue;
        if ((f.prerequisites ?? []).some((p) => changed.has(p.flagKey))) {
          changed.add(f.key);
          grew = true;
        }
      }
    }
    const active = new Set([...this.#flags.values()].map((f) => f.key));
    return [...changed].filter((k) => active.has(k));
  }

  #change(
    version: number,
    parts: Partial<Omit<AppliedChange, 'envId' | 'version' | 'affectedFlagKeys'>> & {
      affected: string[];
    },
  ): AppliedChange {
    return {
      envId: this.envId,
      version,
      flags: parts.flags ?? [],
      segments: parts.segments ?? [],
      deletedFlags: parts.deletedFlags ?? [],
      deletedSegments: parts.deletedSegments ?? [],
      affectedFlagKeys: parts.affected,
    };
  }
}

function strip(t: LoggedTombstone): Tombstone {
  return { id: t.id, key: t.key, version: t.version };
}

// Ids of the segments a flag's rules reference (JSON arrays in segment conditions).
function segmentIdsOf(flag: FeatureFlag): string[] {
  const ids: string[] = [];
  for (const rule of flag.rules) {
    for (const c of rule.conditions) {
      if (c.property !== IS_IN_SEGMENT && c.property !== IS_NOT_IN_SEGMENT) continue;
      try {
        const parsed: unknown = JSON.parse(c.value ?? '[]');
        if (Array.isArray(parsed))
          for (const id of parsed) if (typeof id === 'string') ids.push(id);
      } catch {
        // A malformed list references nothing; evaluation reports it.
      }
    }
  }
  return ids;
}

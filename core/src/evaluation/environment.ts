import type { EndUser } from '../model/end-user.js';
import type { FeatureFlag } from '../model/feature-flag.js';
import type { Segment } from '../model/segment.js';
import { compileSegment } from './compile-condition.js';
import type { CompiledSegment } from './compiled-condition.js';
import { compileFlag } from './compile-flag.js';
import type { CompiledFlag } from './compile-flag.js';
import { evaluateCompiled } from './evaluate-flag.js';
import type { FlagResolver } from './evaluate-flag.js';
import { errorResult } from './evaluation-result.js';
import type { EvaluationResult } from './evaluation-result.js';
import { findPrerequisiteCycles } from './prerequisite-cycles.js';

// An immutable, compiled snapshot of one environment's flags and segments: what ELS
// evaluates client users against and what the server SDK evaluates locally.

/** The definitions of one environment. */
export interface EnvironmentData {
  readonly flags: readonly FeatureFlag[];
  readonly segments?: readonly Segment[];
}

/** Changes to apply to a snapshot; an upsert with a lower `version` than the stored one is ignored. */
export interface EnvironmentChanges {
  readonly flags?: readonly FeatureFlag[];
  readonly segments?: readonly Segment[];
  readonly removedFlagKeys?: readonly string[];
  readonly removedSegmentIds?: readonly string[];
}

/** One flag's result within `evaluateAll`. */
export interface FlagEvaluation {
  readonly flag: FeatureFlag;
  readonly result: EvaluationResult;
}

/** Compiles flags and segments into a snapshot; never throws on malformed definitions. */
export function compileEnvironment(data: EnvironmentData): CompiledEnvironment {
  const segments = new Map<string, CompiledSegment>();
  const segmentSources = new Map<string, Segment>();
  for (const s of data.segments ?? []) {
    if (s == null || typeof s.id !== 'string') continue;
    segmentSources.set(s.id, s);
    segments.set(s.id, compileSegment(s));
  }
  const lookup = (id: string): CompiledSegment | undefined => segments.get(id);
  const flags = new Map<string, CompiledFlag>();
  for (const f of data.flags) {
    const compiled = compileFlag(f, lookup);
    flags.set(compiled.key, compiled);
  }
  return new CompiledEnvironment(flags, segments, segmentSources);
}

/** A compiled environment snapshot; see `compileEnvironment`. Immutable. */
export class CompiledEnvironment implements FlagResolver {
  private readonly cyclic: ReadonlySet<string>;
  /** Groups of flag keys that depend on each other through prerequisites. */
  readonly cycles: readonly (readonly string[])[];

  constructor(
    private readonly flags: ReadonlyMap<string, CompiledFlag>,
    private readonly segments: ReadonlyMap<string, CompiledSegment>,
    private readonly segmentSources: ReadonlyMap<string, Segment>,
  ) {
    this.cycles = findPrerequisiteCycles(flags);
    this.cyclic = new Set(this.cycles.flat());
  }

  /** Evaluates one flag for a user; unknown keys give a `flag-not-found` result. Never throws. */
  evaluate(flagKey: string, user: EndUser): EvaluationResult {
    const flag = this.flags.get(flagKey);
    if (flag === undefined) return errorResult('FLAG_NOT_FOUND', `flag not found: ${flagKey}`);
    return evaluateCompiled(flag, user, this);
  }

  /** Evaluates every non-archived flag for a user, in load order (what client SDKs receive). */
  evaluateAll(user: EndUser): FlagEvaluation[] {
    const out: FlagEvaluation[] = [];
    for (const flag of this.flags.values()) {
      if (flag.archived) continue;
      out.push({ flag: flag.source, result: evaluateCompiled(flag, user, this) });
    }
    return out;
  }

  /** The flag definition with this key, as loaded. */
  getFlag(key: string): FeatureFlag | undefined {
    return this.flags.get(key)?.source;
  }

  /** The segment definition with this id, as loaded. */
  getSegment(id: string): Segment | undefined {
    return this.segmentSources.get(id);
  }

  /** Every flag key in load order. */
  flagKeys(): string[] {
    return [...this.flags.keys()];
  }

  /** @internal FlagResolver for prerequisites. */
  flag(key: string): CompiledFlag | undefined {
    return this.flags.get(key);
  }

  /** @internal FlagResolver for prerequisites. */
  isInCycle(key: string): boolean {
    return this.cyclic.has(key);
  }

  /** A new snapshot with the changes applied; only affected flags are recompiled. */
  withChanges(changes: EnvironmentChanges): CompiledEnvironment {
    const segments = new Map(this.segments);
    const sources = new Map(this.segmentSources);
    const touched = new Set<string>();
    for (const id of changes.removedSegmentIds ?? []) {
      segments.delete(id);
      sources.delete(id);
      touched.add(id);
    }
    for (const s of changes.segments ?? []) {
      if (s == null || typeof s.id !== 'string' || isStale(sources.get(s.id), s)) continue;
      segments.set(s.id, compileSegment(s));
      sources.set(s.id, s);
      touched.add(s.id);
    }
    const lookup = (id: string): CompiledSegment | undefined => segments.get(id);
    const flags = new Map(this.flags);
    for (const key of changes.removedFlagKeys ?? []) flags.delete(key);
    if (touched.size > 0) {
      for (const [key, f] of flags) {
        if ([...f.segmentIds].some((id) => touched.has(id)))
          flags.set(key, compileFlag(f.source, lookup));
      }
    }
    for (const f of changes.flags ?? []) {
      const compiled = compileFlag(f, lookup);
      if (isStale(flags.get(compiled.key)?.source, f)) continue;
      flags.set(compiled.key, compiled);
    }
    return new CompiledEnvironment(flags, segments, sources);
  }
}

function isStale(
  stored: { version?: number } | undefined,
  incoming: { version?: number },
): boolean {
  return (
    typeof stored?.version === 'number' &&
    typeof incoming.version === 'number' &&
    incoming.version < stored.version
  );
}

/**
 * Compiles and evaluates one flag, with the segments and other flags it may need
 * (tools and tests; hot paths compile once with `compileEnvironment`).
 */
export function evaluateFlag(
  flag: FeatureFlag,
  user: EndUser,
  context: { readonly segments?: readonly Segment[]; readonly flags?: readonly FeatureFlag[] } = {},
): EvaluationResult {
  const others = (context.flags ?? []).filter((f) => f?.key !== flag?.key);
  const env = compileEnvironment({ flags: [...others, flag], segments: context.segments ?? [] });
  return env.evaluate(typeof flag?.key === 'string' ? flag.key : '', user);
}

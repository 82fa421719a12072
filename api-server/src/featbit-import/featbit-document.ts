// Reading a FeatBit environment document (the server SDK's `latest-all` JSON, or its bare `data`)
// and converting its flags and segments into Vane's stored shape. Pure: no store, no I/O. What is
// kept and what is not is specified on `ImportFeatBitEnvironmentRequest.document` in the proto.
import { createHash } from 'node:crypto';
import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT, jsonDepth } from '@vane/core';
import type {
  Condition,
  Fallthrough,
  MatchRule,
  RolloutVariation,
  TargetRule,
  TargetUser,
  Variation,
  VariationType,
} from '@vane/core';

/** Deepest JSON nesting accepted (FeatBit's documents nest about 7 levels). */
export const MAX_DOCUMENT_DEPTH = 64;
/** Most flags, and separately segments, one document may carry. */
export const MAX_DOCUMENT_ITEMS = 10_000;

/** The two lists of a document, items still unchecked. */
export interface FeatBitDocument {
  readonly flags: readonly unknown[];
  readonly segments: readonly unknown[];
}

/** Parses a document; a string says why it is not one. */
export function parseFeatBitDocument(text: string): FeatBitDocument | string {
  if (text.trim() === '') return 'is required (FeatBit latest-all JSON)';
  if (jsonDepth(text) > MAX_DOCUMENT_DEPTH) {
    return `is nested deeper than ${MAX_DOCUMENT_DEPTH} levels`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `is not valid JSON (${(err as Error).message})`;
  }
  if (!isRecord(json)) return 'must be a JSON object';
  const data = isRecord(json.data) ? json.data : json;
  const flags = data.featureFlags ?? [];
  const segments = data.segments ?? [];
  if (!Array.isArray(flags)) return 'featureFlags must be an array';
  if (!Array.isArray(segments)) return 'segments must be an array';
  if (data === json && json.featureFlags === undefined && json.segments === undefined) {
    return 'has neither data.featureFlags nor featureFlags: not a FeatBit latest-all document';
  }
  if (flags.length > MAX_DOCUMENT_ITEMS) {
    return `has ${flags.length} flags; at most ${MAX_DOCUMENT_ITEMS}`;
  }
  if (segments.length > MAX_DOCUMENT_ITEMS) {
    return `has ${segments.length} segments; at most ${MAX_DOCUMENT_ITEMS}`;
  }
  return { flags, segments };
}

/** A plain JSON object. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The problems found while converting one item, with paths relative to the item. */
export class ItemProblems {
  /** `<path>: <message>` (or the message alone for the item itself). */
  readonly list: string[] = [];
  /** The same problems, with the path apart. */
  readonly entries: { path: string; message: string }[] = [];
  add(path: string, message: string): void {
    this.entries.push({ path, message });
    this.list.push(path === '' ? message : `${path}: ${message}`);
  }
}

const text = (x: unknown): string => (typeof x === 'string' ? x : '');
const list = (p: ItemProblems, path: string, x: unknown): unknown[] => {
  if (x === undefined || x === null) return [];
  if (Array.isArray(x)) return x;
  p.add(path, 'must be an array');
  return [];
};
const record = (x: unknown): Record<string, unknown> => (isRecord(x) ? x : {});
const strings = (p: ItemProblems, path: string, x: unknown): string[] =>
  list(p, path, x).map((s, i) => {
    if (typeof s !== 'string') p.add(`${path}[${i}]`, 'must be a string');
    return text(s);
  });

/** A UUID derived from `seed`, for ids FeatBit left empty: stable across re-imports. */
export function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The key of a FeatBit flag or segment (segments without one use their id), or ''. */
export function keyOf(item: unknown, isSegment: boolean): string {
  const r = record(item);
  return text(r.key) || (isSegment ? text(r.id) : '');
}

/** How the segment ids of the document map to Vane: a Vane id, or why a reference fails. */
export type SegmentResolver = (featbitId: string) => { vaneId: string } | { problem: string };

function conditions(
  p: ItemProblems,
  path: string,
  x: unknown,
  seed: string,
  segments: SegmentResolver | null,
): Condition[] {
  return list(p, path, x).map((raw, i) => {
    const c = record(raw);
    const cpath = `${path}[${i}]`;
    const property = text(c.property);
    const op = typeof c.op === 'string' && c.op !== '' ? c.op : null;
    let value = typeof c.value === 'string' ? c.value : null;
    if (c.value !== undefined && c.value !== null && typeof c.value !== 'string') {
      p.add(`${cpath}.value`, 'must be a string');
    }
    if (segments && (property === IS_IN_SEGMENT || property === IS_NOT_IN_SEGMENT)) {
      value = rewriteSegmentList(p, `${cpath}.value`, value, segments);
    }
    return { id: text(c.id) || stableId(`${seed}/${cpath}`), property, op, value };
  });
}

function rewriteSegmentList(
  p: ItemProblems,
  path: string,
  value: string | null,
  segments: SegmentResolver,
): string | null {
  let ids: unknown;
  try {
    ids = JSON.parse(value ?? '');
  } catch {
    ids = undefined;
  }
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    p.add(path, 'must be a JSON array of segment ids');
    return value;
  }
  const out: string[] = [];
  for (const id of ids as string[]) {
    const resolved = segments(id);
    if ('problem' in resolved) p.add(path, resolved.problem);
    else out.push(resolved.vaneId);
  }
  return JSON.stringify(out);
}

function rollout(p: ItemProblems, path: string, x: unknown): RolloutVariation[] {
  return list(p, path, x).map((raw, i) => {
    const r = record(raw);
    const range = Array.isArray(r.rollout) ? r.rollout : [];
    const [start, end] = range as unknown[];
    if (range.length !== 2 || typeof start !== 'number' || typeof end !== 'number') {
      p.add(`${path}[${i}].rollout`, 'must be [start, end] numbers');
    }
    return {
      id: text(r.id),
      rollout: [typeof start === 'number' ? start : 0, typeof end === 'number' ? end : 0] as const,
      exptRollout: typeof r.exptRollout === 'number' ? r.exptRollout : 1,
    };
  });
}

const dispatchKey = (x: unknown): string | null =>
  typeof x === 'string' && x.trim() !== '' ? x : null;

/** The fields the importer writes on a flag, in stored form. */
export interface ImportedFlagFields {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variationType: VariationType;
  readonly variations: readonly Variation[];
  readonly isEnabled: boolean;
  readonly disabledVariationId: string;
  readonly targetUsers: readonly TargetUser[];
  readonly rules: readonly TargetRule[];
  readonly fallthrough: Fallthrough;
  readonly exptIncludeAllTargets: boolean;
  readonly isArchived: boolean;
}

/** The fields the importer writes on a segment, in stored form. */
export interface ImportedSegmentFields {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly included: readonly string[];
  readonly excluded: readonly string[];
  readonly rules: readonly MatchRule[];
  readonly isArchived: boolean;
}

const TYPES = new Set(['boolean', 'string', 'number', 'json']);

/** Converts a FeatBit flag; shape problems go to `p` (core validation runs afterwards). */
export function flagFromFeatBit(
  raw: unknown,
  p: ItemProblems,
  segments: SegmentResolver,
): ImportedFlagFields {
  if (!isRecord(raw)) p.add('', 'must be an object');
  const f = record(raw);
  const key = text(f.key);
  const type = text(f.variationType);
  if (!TYPES.has(type)) {
    p.add(
      'variationType',
      `${JSON.stringify(f.variationType)} is not boolean, string, number or json`,
    );
  }
  const ft = record(f.fallthrough);
  return {
    key,
    name: text(f.name).trim() || key,
    description: text(f.description),
    tags: strings(p, 'tags', f.tags),
    variationType: (TYPES.has(type) ? type : 'string') as VariationType,
    variations: list(p, 'variations', f.variations).map((raw, i) => {
      const v = record(raw);
      if (typeof v.value !== 'string') p.add(`variations[${i}].value`, 'must be a string');
      return { id: text(v.id), name: text(v.name), value: text(v.value) };
    }),
    isEnabled: f.isEnabled === true,
    disabledVariationId: text(f.disabledVariationId),
    targetUsers: list(p, 'targetUsers', f.targetUsers).map((raw, i) => {
      const t = record(raw);
      return {
        keyIds: strings(p, `targetUsers[${i}].keyIds`, t.keyIds),
        variationId: text(t.variationId),
      };
    }),
    rules: list(p, 'rules', f.rules).map((raw, i) => {
      const r = record(raw);
      const path = `rules[${i}]`;
      return {
        id: text(r.id) || stableId(`flag/${key}/${path}`),
        name: text(r.name),
        dispatchKey: dispatchKey(r.dispatchKey),
        includedInExpt: r.includedInExpt === true,
        conditions: conditions(p, `${path}.conditions`, r.conditions, `flag/${key}`, segments),
        variations: rollout(p, `${path}.variations`, r.variations),
      };
    }),
    fallthrough: {
      dispatchKey: dispatchKey(ft.dispatchKey),
      includedInExpt: ft.includedInExpt !== false,
      variations: rollout(p, 'fallthrough.variations', ft.variations),
    },
    exptIncludeAllTargets: f.exptIncludeAllTargets !== false,
    isArchived: f.isArchived === true,
  };
}

/** Converts a FeatBit segment; shape problems go to `p`. */
export function segmentFromFeatBit(raw: unknown, p: ItemProblems): ImportedSegmentFields {
  if (!isRecord(raw)) p.add('', 'must be an object');
  const s = record(raw);
  const key = keyOf(raw, true);
  return {
    key,
    name: text(s.name).trim() || key,
    description: text(s.description),
    tags: strings(p, 'tags', s.tags),
    included: strings(p, 'included', s.included),
    excluded: strings(p, 'excluded', s.excluded),
    rules: list(p, 'rules', s.rules).map((raw, i) => {
      const r = record(raw);
      const path = `rules[${i}]`;
      return {
        id: text(r.id) || stableId(`segment/${key}/${path}`),
        name: text(r.name),
        conditions: conditions(p, `${path}.conditions`, r.conditions, `segment/${key}`, null),
      };
    }),
    isArchived: s.isArchived === true,
  };
}

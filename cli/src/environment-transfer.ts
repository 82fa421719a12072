// Export and import of an environment's flags and segments as JSON (the Protobuf JSON mapping of
// `vane.model.v1.FeatureFlag` and `Segment`). Import creates what is missing and updates what
// exists (matched by key), in an order that respects references: segments first, then flags
// with their prerequisites before them. Segment ids in flag rules are rewritten to the target
// environment's ids (matched by segment key), so an export can be imported into another
// environment.
import { IS_IN_SEGMENT, IS_NOT_IN_SEGMENT } from '@vane/core';
import { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { Segment } from '@vane/gen/node/vane/model/v1/segment';
import type { AdminApi } from './admin-client.js';
import { UsageError, listAllFlags, listAllSegments } from './resolve.js';
import type { ListOptions } from './resolve.js';

/** The `format` field of an export file. */
export const EXPORT_FORMAT = 'vane.environment.v1';

/** An export file. */
export interface EnvironmentExport {
  readonly format: typeof EXPORT_FORMAT;
  readonly environment: string;
  readonly exportedAt: string;
  readonly segments: unknown[];
  readonly flags: unknown[];
}

/** Exports every flag and segment (archived ones too) of an environment, reading every page. */
export async function exportEnvironment(
  api: AdminApi,
  envId: string,
  ref: string,
  options: ListOptions = {},
): Promise<EnvironmentExport> {
  const [flags, segments] = await Promise.all([
    listAllFlags(api, envId, options),
    listAllSegments(api, envId, options),
  ]);
  return {
    format: EXPORT_FORMAT,
    environment: ref,
    exportedAt: new Date().toISOString(),
    segments: segments.sort((a, b) => a.key.localeCompare(b.key)).map((s) => Segment.toJSON(s)),
    flags: flags.sort((a, b) => a.key.localeCompare(b.key)).map((f) => FeatureFlag.toJSON(f)),
  };
}

/** Parses and checks an export file's text; throws a UsageError saying what is wrong. */
export function parseExport(
  text: string,
  file: string,
): { flags: FeatureFlag[]; segments: Segment[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const d = doc as Partial<EnvironmentExport>;
  if (typeof doc !== 'object' || doc === null || d.format !== EXPORT_FORMAT) {
    throw new UsageError(`${file} is not a Vane environment export (format "${EXPORT_FORMAT}")`);
  }
  if (!Array.isArray(d.flags) || !Array.isArray(d.segments)) {
    throw new UsageError(`${file}: "flags" and "segments" must be arrays`);
  }
  const flags = d.flags.map((f, i) => {
    const flag = FeatureFlag.fromJSON(f);
    if (!flag.key) throw new UsageError(`${file}: flags[${i}] has no key`);
    return flag;
  });
  const segments = d.segments.map((s, i) => {
    const segment = Segment.fromJSON(s);
    if (!segment.key) throw new UsageError(`${file}: segments[${i}] has no key`);
    return segment;
  });
  for (const [what, keys] of [
    ['flag', flags.map((f) => f.key)],
    ['segment', segments.map((s) => s.key)],
  ] as const) {
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) throw new UsageError(`${file}: ${what} key "${dup}" appears twice`);
  }
  return { flags, segments };
}

/** Flags ordered so that every prerequisite comes before the flags that need it. */
function prerequisitesFirst(flags: readonly FeatureFlag[]): FeatureFlag[] {
  const byKey = new Map(flags.map((f) => [f.key, f]));
  const out: FeatureFlag[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (flag: FeatureFlag): void => {
    if (state.get(flag.key)) return; // done, or a cycle (the server rejects those)
    state.set(flag.key, 'visiting');
    for (const p of flag.prerequisites) {
      const dep = byKey.get(p.flagKey);
      if (dep) visit(dep);
    }
    state.set(flag.key, 'done');
    out.push(flag);
  };
  flags.forEach(visit);
  return out;
}

const FLAG_FIELDS = [
  'name',
  'description',
  'tags',
  'variations',
  'disabled_variation_id',
  'target_users',
  'rules',
  'fallthrough',
  'expt_include_all_targets',
  'prerequisites',
];
const SEGMENT_FIELDS = ['name', 'description', 'tags', 'included', 'excluded', 'rules'];

/** What an import did. */
export interface ImportSummary {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: string[];
}

/** Imports an export into environment `envId`. */
export async function importEnvironment(
  api: AdminApi,
  envId: string,
  data: { flags: FeatureFlag[]; segments: Segment[] },
  comment: string,
  options: ListOptions = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: [], updated: [], unchanged: [] };
  const existingSegments = await listAllSegments(api, envId, options);
  const segmentByKey = new Map(existingSegments.map((s) => [s.key, s]));
  const segmentIdMap = new Map<string, string>();

  // Archives wait until everything is written, dependants first: the server refuses to archive a
  // flag that an active flag needs, or a segment that an active flag uses.
  const toArchive: (() => Promise<unknown>)[] = [];

  for (const segment of data.segments) {
    const current = segmentByKey.get(segment.key);
    let saved: Segment | undefined;
    if (!current) {
      ({ segment: saved } = await api.segments.createSegment({ envId, segment, comment }));
      summary.created.push(`segment ${segment.key}`);
    } else {
      saved = current;
      const edit = !sameSegment(current, segment);
      // An archived segment is read-only: restore it to write the file's version.
      if (current.isArchived && (edit || !segment.isArchived)) {
        ({ segment: saved } = await api.segments.restoreSegment({
          envId,
          key: segment.key,
          expectedRevision: current.revision,
          comment,
        }));
      }
      if (saved && edit) {
        ({ segment: saved } = await api.segments.updateSegment({
          envId,
          key: segment.key,
          segment,
          updateMask: SEGMENT_FIELDS,
          expectedRevision: saved.revision,
          comment,
        }));
      }
      const archives = segment.isArchived && saved?.isArchived === false;
      (saved === current && !archives ? summary.unchanged : summary.updated).push(
        `segment ${segment.key}`,
      );
    }
    if (saved && segment.id) segmentIdMap.set(segment.id, saved.id);
    if (saved && segment.isArchived && !saved.isArchived) {
      const revision = saved.revision;
      toArchive.push(() =>
        api.segments.archiveSegment({
          envId,
          key: segment.key,
          expectedRevision: revision,
          comment,
        }),
      );
    }
  }

  // Read after the segments: a segment's targeting change gives its flags a new revision.
  const existingFlags = await listAllFlags(api, envId, options);
  const flagByKey = new Map(existingFlags.map((f) => [f.key, f]));
  const flagArchives: (() => Promise<unknown>)[] = [];
  for (const original of prerequisitesFirst(data.flags)) {
    const flag = withSegmentIds(original, segmentIdMap);
    const current = flagByKey.get(flag.key);
    let saved: FeatureFlag | undefined;
    if (!current) {
      // An archived flag is created off (and archived at the end), never served meanwhile.
      const created = flag.isArchived ? { ...flag, isEnabled: false } : flag;
      ({ flag: saved } = await api.flags.createFeatureFlag({ envId, flag: created, comment }));
      summary.created.push(`flag ${flag.key}`);
    } else {
      let changed = false;
      saved = current;
      const edit = !sameFlag(current, flag);
      // An archived flag is read-only (and comes back off): restore it to write or switch it.
      if (current.isArchived && (edit || !flag.isArchived)) {
        ({ flag: saved } = await api.flags.restoreFeatureFlag({
          envId,
          key: flag.key,
          expectedRevision: current.revision,
          comment,
        }));
        changed = true;
      }
      if (saved && edit) {
        ({ flag: saved } = await api.flags.updateFeatureFlag({
          envId,
          key: flag.key,
          flag,
          updateMask: FLAG_FIELDS,
          expectedRevision: saved.revision,
          comment,
        }));
        changed = true;
      }
      if (saved && !flag.isArchived && saved.isEnabled !== flag.isEnabled) {
        ({ flag: saved } = await api.flags.toggleFeatureFlag({
          envId,
          key: flag.key,
          enabled: flag.isEnabled,
          expectedRevision: saved.revision,
          comment,
        }));
        changed = true;
      }
      const archives = flag.isArchived && saved?.isArchived === false;
      (changed || archives ? summary.updated : summary.unchanged).push(`flag ${flag.key}`);
    }
    if (saved && flag.isArchived && !saved.isArchived) {
      const revision = saved.revision;
      flagArchives.push(() =>
        api.flags.archiveFeatureFlag({ envId, key: flag.key, expectedRevision: revision, comment }),
      );
    }
  }
  for (const archive of [...flagArchives.reverse(), ...toArchive]) await archive();
  return summary;
}

/** The flag with segment ids in its rules replaced through `ids` (old → new). */
function withSegmentIds(flag: FeatureFlag, ids: ReadonlyMap<string, string>): FeatureFlag {
  return {
    ...flag,
    rules: flag.rules.map((rule) => ({
      ...rule,
      conditions: rule.conditions.map((c) => {
        if (c.property !== IS_IN_SEGMENT && c.property !== IS_NOT_IN_SEGMENT) return c;
        let list: unknown;
        try {
          list = JSON.parse(c.value);
        } catch {
          return c;
        }
        if (!Array.isArray(list)) return c;
        return {
          ...c,
          value: JSON.stringify((list as unknown[]).map((id) => ids.get(String(id)) ?? id)),
        };
      }),
    })),
  };
}

function comparableFlag(f: FeatureFlag): unknown {
  // Rule and condition ids are assigned by the server when a file leaves them empty.
  const rules = f.rules.map((r) => ({
    ...r,
    id: '',
    conditions: r.conditions.map((c) => ({ ...c, id: '' })),
  }));
  const json = FeatureFlag.toJSON({ ...f, rules }) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(json).filter(
      ([k]) =>
        ![
          'id',
          'envId',
          'createdAt',
          'updatedAt',
          'creatorId',
          'updaterId',
          'revision',
          'version',
          'isEnabled',
          'isArchived',
        ].includes(k),
    ),
  );
}

function sameFlag(a: FeatureFlag, b: FeatureFlag): boolean {
  return JSON.stringify(comparableFlag(a)) === JSON.stringify(comparableFlag(b));
}

function sameSegment(a: Segment, b: Segment): boolean {
  const pick = (s: Segment) =>
    JSON.stringify([
      s.name,
      s.description,
      s.tags,
      s.included,
      s.excluded,
      s.rules.map((r) => ({
        ...r,
        id: '',
        conditions: r.conditions.map((c) => ({ ...c, id: '' })),
      })),
    ]);
  return pick(a) === pick(b);
}

// Reading a whole environment (all flags and segments) for validation and evaluation previews.
import { compileEnvironment } from '@vane/core';
import type { CompiledEnvironment } from '@vane/core';
import { coreFlag, coreSegment } from '@vane/server-kit/documents';
import type { Collection, Filter, StoredDocument } from '../store/document-store.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';

/** Every live document of a collection matching the filter, read page by page. */
export async function listAll<T extends StoredDocument>(
  c: Collection<T>,
  filter: Filter,
): Promise<T[]> {
  const out: T[] = [];
  let after: { value: string; id: string } | undefined;
  for (;;) {
    const page = await c.list({ filter, orderBy: '_id', limit: 500, after });
    out.push(...page.items);
    const last = page.items[page.items.length - 1];
    if (!page.hasMore || !last) return out;
    after = { value: last._id, id: last._id };
  }
}

/** All flags and segments of an environment. */
export async function environmentContents(
  flags: Collection<FlagDoc>,
  segments: Collection<SegmentDoc>,
  envId: string,
): Promise<{ flags: FlagDoc[]; segments: SegmentDoc[] }> {
  const [f, s] = await Promise.all([listAll(flags, { envId }), listAll(segments, { envId })]);
  return { flags: f, segments: s };
}

/** An environment compiled for evaluation. */
export async function compiledEnvironment(
  flags: Collection<FlagDoc>,
  segments: Collection<SegmentDoc>,
  envId: string,
): Promise<CompiledEnvironment> {
  const contents = await environmentContents(flags, segments, envId);
  return compileEnvironment({
    flags: contents.flags.map(coreFlag),
    segments: contents.segments.map(coreSegment),
  });
}

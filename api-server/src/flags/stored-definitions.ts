// The start-up check of what is already stored. Definitions written before a limit existed (or
// replayed from an old journal, or put into MongoDB by hand) may break the contract. Start-up must
// not fail on them, nothing may be dropped, and none may be served without anyone knowing: each
// one is logged at WARN with its problems and counted in a metric. It keeps being served as
// stored; archive, restore, toggle and delete still work on it, and the next update must bring
// it within the limits (the admin API validates the whole result of every update).
import { validateFlag, validateSegment } from '@vane/core';
import type { ValidationProblem } from '@vane/core';
import type { Logger } from 'pino';
import type { Collection } from '../store/document-store.js';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { coreFlag, coreSegment } from '@vane/server-kit/documents';
import { listAll } from './environment-contents.js';

/** Problems listed per document in the log (the rest are counted). */
const LOGGED_PROBLEMS = 10;

/** One stored definition that breaks the contract. */
export interface InvalidDefinition {
  readonly collection: 'flags' | 'segments';
  readonly id: string;
  readonly envId: string;
  readonly key: string;
  readonly problems: readonly ValidationProblem[];
}

/**
 * Checks every stored flag and segment against core's validators (shape and limits; references
 * are not checked, since an archived flag may keep naming a deleted segment) and logs each one
 * that fails. Resolves with what it found.
 */
export async function checkStoredDefinitions(
  flags: Collection<FlagDoc>,
  segments: Collection<SegmentDoc>,
  logger: Logger,
): Promise<InvalidDefinition[]> {
  const found: InvalidDefinition[] = [];
  for (const doc of await listAll(flags, {})) {
    const problems = validateFlag(coreFlag(doc));
    if (problems.length > 0) found.push(invalid('flags', doc, problems));
  }
  for (const doc of await listAll(segments, {})) {
    const problems = validateSegment(coreSegment(doc));
    if (problems.length > 0) found.push(invalid('segments', doc, problems));
  }
  for (const d of found) {
    logger.warn(
      {
        collection: d.collection,
        id: d.id,
        envId: d.envId,
        key: d.key,
        problems: d.problems.slice(0, LOGGED_PROBLEMS).map((p) => `${p.path}: ${p.message}`),
        moreProblems: Math.max(0, d.problems.length - LOGGED_PROBLEMS),
      },
      'a stored definition breaks the contract; it is served as stored until an update fixes it',
    );
  }
  return found;
}

function invalid(
  collection: InvalidDefinition['collection'],
  doc: FlagDoc | SegmentDoc,
  problems: ValidationProblem[],
): InvalidDefinition {
  return { collection, id: doc._id, envId: doc.envId, key: doc.key, problems };
}

// Validation of a segment definition by core, reported as request field violations.
import { validateSegment } from '@vane/core';
import { problemsError } from '../flags/flag-validation.js';
import type { SegmentDoc } from '@vane/server-kit/documents';

/** Throws INVALID_ARGUMENT with every problem core finds in the segment (limits too), if any. */
export function assertValidSegment(doc: SegmentDoc): void {
  const problems = validateSegment({ ...doc, id: doc._id });
  if (problems.length > 0) throw problemsError('segment', problems);
}

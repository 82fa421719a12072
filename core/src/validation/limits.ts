// The size limits of the contract, defined once. Each value is the number a proto comment
// promises (`limits.test.ts` reads the comments and fails when a number here drifts from them);
// every write path (admin API, CLI import through it, stored-definition checks at start-up)
// enforces them through core's validators or the api-server's request checks.

/** Every documented limit, by name; the proto field whose comment states it is in `LIMIT_SOURCES`. */
export const LIMITS = Object.freeze({
  /** Characters of a flag, segment, project or environment key. */
  keyLength: 128,
  /** Characters of a display name (flags, segments, rules, variations, metrics, …). */
  nameLength: 256,
  /** Characters of a free-text description. */
  descriptionLength: 4096,
  /** Characters of one tag. */
  tagLength: 64,
  /** Tags of one flag or segment. */
  tags: 32,
  /** Variations of one flag. */
  variations: 100,
  /** UTF-8 bytes of one variation value (64 KiB). */
  variationValueBytes: 64 * 1024,
  /** End-user keys in a flag's `target_users`, all entries together. */
  targetUserKeys: 10_000,
  /** Targeting rules of one flag. */
  flagRules: 100,
  /** Conditions of one flag or segment rule. */
  conditions: 50,
  /** Prerequisites of one flag. */
  prerequisites: 10,
  /** End-user keys in a segment's `included`, and separately in its `excluded`. */
  segmentKeys: 10_000,
  /** Rules of one segment. */
  segmentRules: 100,
  /** Characters of the comment a write stores with its revision and audit-log entry. */
  commentLength: 1024,
  /** Segment ids one `ListSegments` call may filter by. */
  listSegmentIds: 100,
  /** Largest page of a list call (larger requested sizes are clamped to it). */
  pageSize: 500,
  /** Characters of an end-user key. */
  userKeyLength: 512,
  /** Characters of an end-user attribute name. */
  userPropertyNameLength: 128,
  /** Characters of an end-user attribute value. */
  userPropertyValueLength: 4096,
  /** Characters of a metric's unit. */
  metricUnitLength: 32,
  /** Characters of an experiment iteration's note. */
  iterationNoteLength: 1024,
});

/** The name of one limit. */
export type LimitName = keyof typeof LIMITS;

/**
 * Where each limit is promised: `file` (under `proto/vane/`), the `Message.field` whose comment
 * states it, and the phrase of that comment that carries the number.
 */
export const LIMIT_SOURCES: Readonly<
  Record<LimitName, { file: string; field: string; phrase: string }>
> = Object.freeze({
  keyLength: { file: 'model/v1/flag.proto', field: 'FeatureFlag.key', phrase: '1–128 characters' },
  nameLength: {
    file: 'model/v1/flag.proto',
    field: 'FeatureFlag.name',
    phrase: '1–256 characters',
  },
  descriptionLength: {
    file: 'model/v1/flag.proto',
    field: 'FeatureFlag.description',
    phrase: 'at most 4096 characters',
  },
  tagLength: {
    file: 'model/v1/flag.proto',
    field: 'FeatureFlag.tags',
    phrase: 'each 1–64 characters',
  },
  tags: { file: 'model/v1/flag.proto', field: 'FeatureFlag.tags', phrase: 'at most 32' },
  variations: {
    file: 'model/v1/flag.proto',
    field: 'FeatureFlag.variations',
    phrase: 'at most 100',
  },
  variationValueBytes: {
    file: 'model/v1/flag.proto',
    field: 'Variation.value',
    phrase: 'at most 64 KiB',
  },
  targetUserKeys: {
    file: 'model/v1/flag.proto',
    field: 'TargetUser.key_ids',
    phrase: 'at most 10 000 per flag in total',
  },
  flagRules: { file: 'model/v1/flag.proto', field: 'FeatureFlag.rules', phrase: 'At most 100.' },
  conditions: {
    file: 'model/v1/flag.proto',
    field: 'TargetingRule.conditions',
    phrase: 'at least one, at most 50',
  },
  prerequisites: {
    file: 'model/v1/flag.proto',
    field: 'FeatureFlag.prerequisites',
    phrase: 'at most 10.',
  },
  segmentKeys: {
    file: 'model/v1/segment.proto',
    field: 'Segment.included',
    phrase: 'at most 10 000',
  },
  segmentRules: { file: 'model/v1/segment.proto', field: 'Segment.rules', phrase: 'At most 100.' },
  commentLength: {
    file: 'admin/v1/feature_flag_service.proto',
    field: 'UpdateFeatureFlagRequest.comment',
    phrase: 'at most 1024 characters',
  },
  listSegmentIds: {
    file: 'admin/v1/segment_service.proto',
    field: 'ListSegmentsRequest.ids',
    phrase: 'at most 100',
  },
  pageSize: {
    file: 'common/v1/query.proto',
    field: 'PageRequest.page_size',
    phrase: 'clamped to 500',
  },
  userKeyLength: {
    file: 'model/v1/end_user.proto',
    field: 'EndUser.key_id',
    phrase: '1–512 characters',
  },
  userPropertyNameLength: {
    file: 'model/v1/end_user.proto',
    field: 'CustomProperty.name',
    phrase: '1–128 characters',
  },
  userPropertyValueLength: {
    file: 'model/v1/end_user.proto',
    field: 'CustomProperty.value',
    phrase: 'at most 4096 characters',
  },
  metricUnitLength: {
    file: 'admin/v1/metric_service.proto',
    field: 'Metric.unit',
    phrase: 'at most 32 characters',
  },
  iterationNoteLength: {
    file: 'admin/v1/experiment_service.proto',
    field: 'StartIterationRequest.description',
    phrase: 'at most 1024 characters',
  },
});

/**
 * Keys of flags, segments, projects and environments: letters, digits, `.`, `_` and `-`, but not
 * `.` or `..`, which URL paths cannot carry as a segment (clients normalise them away, so e.g.
 * OFREP's `/ofrep/v1/evaluate/flags/{key}` could never address such a flag).
 */
export const KEY_PATTERN = /^(?!\.\.?$)[a-zA-Z0-9._-]+$/;

/** What a key must look like, for error messages. */
export const KEY_RULE =
  'must contain only letters, digits, ".", "_" and "-", and must not be "." or ".."';

/** Length in characters (Unicode code points), as the proto counts them. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    // A low surrogate after a high one completes a code point already counted.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = s.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    n += 1;
  }
  return n;
}

/** Length of a string's UTF-8 encoding, in bytes. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i += 1;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** The problem text of a list longer than its limit, e.g. `at most 100 rules (got 101)`. */
export function tooMany(limit: number, what: string, got: number): string {
  return `at most ${limit} ${what} (got ${got})`;
}

/** The problem text of a string longer than its limit, e.g. `at most 256 characters (got 300)`. */
export function tooLong(limit: number, unit: string, got: number): string {
  return `must be at most ${limit} ${unit} (got ${got})`;
}

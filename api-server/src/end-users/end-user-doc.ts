// The stored form of an end user of an environment, and the merge rule for SDK sightings.
import type { StoredDocument } from '../store/document-store.js';

/**
 * Collection name and unique indexes of end users. The id `<envId>:<keyId>` is the uniqueness
 * (one record per user and environment), so no further unique index is needed.
 */
export const END_USERS = { name: 'end_users', unique: [] } as const;

/** One custom attribute as stored. */
export interface EndUserPropertyDoc {
  readonly name: string;
  readonly value: string;
}

/** An end user as recorded for an environment. */
export interface EndUserDoc extends StoredDocument {
  readonly envId: string;
  readonly keyId: string;
  readonly name: string;
  /** Custom attributes in the order reported; names are unique. The source of truth. */
  readonly properties: readonly EndUserPropertyDoc[];
  /**
   * The same attributes as a map keyed by `propField(name)`, so that the store can filter on one
   * attribute (`{ 'props.<encoded name>': value }`).
   */
  readonly props: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** The document id of a user of an environment. */
export function endUserId(envId: string, keyId: string): string {
  return `${envId}:${keyId}`;
}

/**
 * The map key of an attribute name. `.` and a leading `$` have meaning in MongoDB field paths, so
 * they (and `%`, the escape character) are percent-encoded; the encoding is reversible.
 */
export function propKey(name: string): string {
  return name.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The filter field path of a custom attribute. */
export function propField(name: string): string {
  return `props.${propKey(name)}`;
}

/** The attribute map of a property list. */
export function propsOf(properties: readonly EndUserPropertyDoc[]): Record<string, string> {
  const props: Record<string, string> = {};
  for (const p of properties) props[propKey(p.name)] = p.value;
  return props;
}

/** Properties with unique, non-empty names (the first of a repeated name wins, as in evaluation). */
export function uniqueProperties(properties: readonly EndUserPropertyDoc[]): EndUserPropertyDoc[] {
  const seen = new Set<string>();
  const out: EndUserPropertyDoc[] = [];
  for (const p of properties) {
    if (p.name === '' || seen.has(p.name)) continue;
    seen.add(p.name);
    out.push({ name: p.name, value: p.value });
  }
  return out;
}

/** The user-facing fields of an end-user record (everything but bookkeeping). */
export type EndUserState = Pick<
  EndUserDoc,
  'envId' | 'keyId' | 'name' | 'properties' | 'firstSeenAt' | 'lastSeenAt'
>;

/** One SDK report of a user. */
export interface Sighting {
  readonly envId: string;
  readonly keyId: string;
  readonly name: string;
  readonly properties: readonly EndUserPropertyDoc[];
  /** Milliseconds since the epoch. */
  readonly seenAt: number;
}

/**
 * Applies a sighting to the stored state; idempotent (applying it again changes nothing). A
 * sighting that is not older than `lastSeenAt` wins: its properties overwrite (others are kept),
 * its name replaces the stored one unless empty. An older one never overwrites newer data: it only
 * fills in properties the record lacks, an empty name, and an earlier `firstSeenAt`.
 */
export function applySighting(current: EndUserState | undefined, seen: Sighting): EndUserState {
  const reported = uniqueProperties(seen.properties);
  if (!current) {
    return {
      envId: seen.envId,
      keyId: seen.keyId,
      name: seen.name,
      properties: reported,
      firstSeenAt: seen.seenAt,
      lastSeenAt: seen.seenAt,
    };
  }
  const newer = seen.seenAt >= current.lastSeenAt;
  const byName = new Map(current.properties.map((p) => [p.name, p.value]));
  for (const p of reported) {
    if (newer || !byName.has(p.name)) byName.set(p.name, p.value);
  }
  return {
    envId: current.envId,
    keyId: current.keyId,
    name: seen.name !== '' && (newer || current.name === '') ? seen.name : current.name,
    properties: [...byName].map(([name, value]) => ({ name, value })),
    firstSeenAt: Math.min(current.firstSeenAt, seen.seenAt),
    lastSeenAt: Math.max(current.lastSeenAt, seen.seenAt),
  };
}

/** Whether two states record the same user data (a write would change nothing). */
export function sameState(a: EndUserState, b: EndUserState): boolean {
  return (
    a.name === b.name &&
    a.firstSeenAt === b.firstSeenAt &&
    a.lastSeenAt === b.lastSeenAt &&
    a.properties.length === b.properties.length &&
    a.properties.every(
      (p, i) => p.name === b.properties[i]?.name && p.value === b.properties[i]?.value,
    )
  );
}

// Translation of the port's filters, cursors and orderings into MongoDB query documents, limited to
// operators FerretDB 1.24 implements ($in, $all, $ne, $gt/$gte/$lt, $regex, $or, $and, $nin).
import type { Document } from 'mongodb';
import type { FieldCondition, Filter, PageQuery } from './document-store.js';

/** Matches only live documents (tombstones have `deleted: true`). */
export const LIVE: Document = { deleted: { $ne: true } };

/** Matches nothing; stands in for an empty `anyOf`, which MongoDB rejects as `$or: []`. */
export const NOTHING: Document = { _id: { $in: [] } };

/** Escapes every regular-expression metacharacter, so the text matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function condition(value: FieldCondition): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('in' in value) return { $in: [...value.in] };
  // MongoDB's `$all: []` matches nothing; spelled out so it cannot differ between servers.
  if ('all' in value) return value.all.length === 0 ? { $in: [] } : { $all: [...value.all] };
  if ('ne' in value) return { $ne: value.ne };
  if ('gt' in value) return { $gt: value.gt };
  if ('gte' in value) return { $gte: value.gte };
  if ('lt' in value) return { $lt: value.lt };
  if ('contains' in value) return { $regex: escapeRegex(value.contains), $options: 'i' };
  throw new TypeError(`unknown field condition ${JSON.stringify(value)}`);
}

/** The Mongo query for a port filter (field conditions AND-ed, `anyOf` as `$or`, `allOf` as `$and`). */
export function toMongoFilter(filter: Filter): Document {
  const parts: Document[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (field === 'anyOf') {
      const branches = value as readonly Filter[];
      parts.push(branches.length === 0 ? NOTHING : { $or: branches.map(toMongoFilter) });
      continue;
    }
    if (field === 'allOf') {
      parts.push(...(value as readonly Filter[]).map(toMongoFilter));
      continue;
    }
    if (Array.isArray(value)) {
      throw new TypeError(`filter field ${field}: only anyOf and allOf take a list of filters`);
    }
    parts.push({ [field]: condition(value as FieldCondition) });
  }
  if (parts.length === 0) return {};
  return parts.length === 1 ? (parts[0] as Document) : { $and: parts };
}

/** The query for items after a page cursor: past its value, or at it with a later `_id`. */
export function afterCursor(query: PageQuery): Document | undefined {
  const { after, orderBy } = query;
  if (!after) return undefined;
  const op = query.descending ? '$lt' : '$gt';
  if (orderBy === '_id') return { _id: { [op]: after.id } };
  return {
    $or: [
      { [orderBy]: { [op]: after.value } },
      { [orderBy]: after.value, _id: { [op]: after.id } },
    ],
  };
}

/** The sort of a page query: its field, then `_id`, both in the query's direction. */
export function sortOf(query: PageQuery): Record<string, 1 | -1> {
  const direction = query.descending ? -1 : 1;
  return query.orderBy === '_id'
    ? { _id: direction }
    : { [query.orderBy]: direction, _id: direction };
}

/** AND of query documents, skipping empty and undefined ones. */
export function allOf(...parts: (Document | undefined)[]): Document {
  const kept = parts.filter((p): p is Document => p !== undefined && Object.keys(p).length > 0);
  if (kept.length === 0) return {};
  return kept.length === 1 ? (kept[0] as Document) : { $and: kept };
}

// Cursor paging (AIP-158) over the store's ordered lists: page-size rules and opaque page tokens
// bound to the filters they were issued for.
import { LIMITS } from '@vane/core';
import { createHash } from 'node:crypto';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import type { PageRequest, PageResponse } from '@vane/gen/node/vane/common/v1/query';
import type { Collection, Filter, StoredDocument } from '../store/document-store.js';
import { InvalidArgument } from '@vane/server-kit';

/** Default and maximum page sizes of every list call. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = LIMITS.pageSize;

interface Cursor {
  /** Order value of the last item served. */
  readonly v: string | number;
  /** Id of the last item served. */
  readonly i: string;
  /** Fingerprint of the filters the token was issued for. */
  readonly f: string;
}

function fingerprint(scope: unknown): string {
  return createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 16);
}

/** Page size of a request: 0 → default, > max → max, negative → INVALID_ARGUMENT. */
export function pageSize(page: PageRequest | undefined, field = 'page.page_size'): number {
  const size = page?.pageSize ?? 0;
  if (size < 0) throw new InvalidArgument([{ field, description: 'must not be negative' }]);
  if (size === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

function decodeToken(token: string, scope: string): Cursor {
  const invalid = new InvalidArgument(
    [{ field: 'page.page_token', description: 'is not a token issued for these filters' }],
    ErrorReason.ERROR_REASON_INVALID_PAGE_TOKEN,
  );
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const c = cursor as Partial<Cursor> | null;
  if (
    !c ||
    typeof c.i !== 'string' ||
    (typeof c.v !== 'string' && typeof c.v !== 'number') ||
    c.f !== scope
  ) {
    throw invalid;
  }
  return c as Cursor;
}

/**
 * A list request without its paging half: what a token's scope may hold. (A scope that held the
 * request's own `page` would make every token valid only for the call that carries it.)
 */
export function filtersOf<R extends { readonly page?: unknown }>(request: R): Omit<R, 'page'> {
  const { page: _page, ...filters } = request;
  return filters;
}

/** Options of one paged list call. */
export interface PagedListOptions {
  readonly filter: Filter;
  readonly orderBy: string;
  readonly descending?: boolean;
  /** Everything that makes a token valid only for the same call (filters, parent ids). */
  readonly scope: unknown;
  /** Count all matches (for `total_size`); skip where counting is expensive. */
  readonly count?: boolean;
}

/** Reads one page from a collection and builds the response's paging half. */
export async function listPage<T extends StoredDocument>(
  collection: Collection<T>,
  page: PageRequest | undefined,
  options: PagedListOptions,
): Promise<{ items: T[]; page: PageResponse }> {
  const limit = pageSize(page);
  const scope = fingerprint(options.scope);
  const token = page?.pageToken ?? '';
  const after = token === '' ? undefined : decodeToken(token, scope);
  const result = await collection.list({
    filter: options.filter,
    orderBy: options.orderBy,
    descending: options.descending ?? false,
    limit,
    after: after ? { value: after.v, id: after.i } : undefined,
  });
  const last = result.items[result.items.length - 1];
  let nextPageToken = '';
  if (result.hasMore && last) {
    const value = (last as unknown as Record<string, unknown>)[options.orderBy];
    const cursor: Cursor = {
      v: typeof value === 'number' || typeof value === 'string' ? value : '',
      i: last._id,
      f: scope,
    };
    nextPageToken = Buffer.from(JSON.stringify(cursor)).toString('base64url');
  }
  const totalSize = options.count ? await collection.count(options.filter) : undefined;
  return { items: result.items, page: { nextPageToken, totalSize } };
}

import { InvalidArgument } from '@vane/server-kit';
// Update masks (AIP-134): which fields of the sent resource an Update call replaces.

/**
 * The validated mask paths: every path must be one of `allowed` (snake_case, as in the proto), or
 * `*` for all of them. An empty (or missing) mask is INVALID_ARGUMENT, as the contract says: an
 * update that names nothing must not replace everything (and wipe what the caller did not send).
 */
export function maskPaths<P extends string>(
  mask: readonly string[] | undefined,
  allowed: readonly P[],
  field = 'update_mask',
): readonly P[] {
  if (!mask || mask.length === 0) {
    throw new InvalidArgument([
      {
        field,
        description: `is required: name the fields to change (${allowed.join(', ')}) or "*" for all of them`,
      },
    ]);
  }
  const unknown = mask.filter((p) => p !== '*' && !(allowed as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new InvalidArgument(
      unknown.map((p) => ({
        field,
        description: `"${p}" cannot be updated; updatable fields: ${allowed.join(', ')}`,
      })),
    );
  }
  if (mask.includes('*')) return allowed;
  return [...new Set(mask as P[])];
}

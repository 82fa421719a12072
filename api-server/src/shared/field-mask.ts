// Update masks (AIP-134): which fields of the sent resource an Update call replaces.
import { InvalidArgument } from '../errors/domain-errors.js';

/**
 * The validated mask paths: every path must be one of `allowed` (snake_case, as in the proto).
 * An empty mask, or `*`, means every allowed field.
 */
export function maskPaths<P extends string>(
  mask: readonly string[] | undefined,
  allowed: readonly P[],
  field = 'update_mask',
): readonly P[] {
  if (!mask || mask.length === 0 || mask.includes('*')) return allowed;
  const unknown = mask.filter((p) => !(allowed as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new InvalidArgument(
      unknown.map((p) => ({
        field,
        description: `"${p}" cannot be updated; updatable fields: ${allowed.join(', ')}`,
      })),
    );
  }
  return [...new Set(mask as P[])];
}

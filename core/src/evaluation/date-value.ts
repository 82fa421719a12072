// Instants for Vane's DateBefore/DateAfter operators: an ISO 8601 date (UTC midnight), an
// ISO 8601 date-time with "Z" or an offset, or integer epoch milliseconds. Local times
// without an offset are rejected because they would depend on the evaluating machine.

const ISO =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;
const EPOCH_MS = /^-?\d{1,16}$/;

/** Milliseconds since the epoch, or NaN when `s` is not a supported instant. */
export function parseInstant(s: string): number {
  const t = s.trim();
  if (EPOCH_MS.test(t)) return Number(t);
  if (!ISO.test(t)) return NaN;
  let iso = t.replace(' ', 'T');
  // Date.parse handles at most millisecond precision: cut longer fractions.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return ms;
}

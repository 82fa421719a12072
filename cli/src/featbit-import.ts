// `vane import featbit`: reads a FeatBit environment (a latest-all JSON file, or fetched from a
// running FeatBit with a server secret) and sends it to `FeatBitImportService`. The CLI fetches,
// not the api-server: the admin API then opens no outbound connections on a caller's behalf
// (no SSRF), and the FeatBit secret used for fetching stays on this machine unless adopted.
import { ImportOutcome } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import type {
  ImportCounts,
  ImportFeatBitEnvironmentResponse,
} from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { importItemKindName } from './enum-names.js';
import { UsageError } from './resolve.js';

/** FeatBit's server-SDK endpoint for the whole environment. */
export const LATEST_ALL_PATH = '/api/public/sdk/server/latest-all';
/** Largest FeatBit response read (bytes). */
export const MAX_FEATBIT_BYTES = 32 * 1024 * 1024;
/** How long a fetch from FeatBit may take (ms). */
export const FEATBIT_FETCH_TIMEOUT_MS = 30_000;

/** A failure talking to FeatBit (exit code 1). */
export class FeatBitFetchError extends Error {}

/**
 * The URL to fetch: `url` as given when it already ends with `/latest-all`, else FeatBit's
 * evaluation-server base URL with `LATEST_ALL_PATH` appended. Only http and https.
 */
export function latestAllUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be http or https, got ${parsed.protocol}`);
  }
  if (!parsed.pathname.endsWith('/latest-all')) {
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}${LATEST_ALL_PATH}`;
  }
  return parsed;
}

/** GETs the document from FeatBit with `Authorization: <secret>`, capped in size and time. */
export async function fetchFeatBitDocument(
  url: string,
  secret: string,
  options: { maxBytes?: number; timeoutMs?: number } = {},
): Promise<string> {
  const target = latestAllUrl(url);
  const maxBytes = options.maxBytes ?? MAX_FEATBIT_BYTES;
  let response: Response;
  try {
    response = await fetch(target, {
      headers: { authorization: secret, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? FEATBIT_FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new FeatBitFetchError(`cannot fetch ${target.origin}${target.pathname}: ${cause}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FeatBitFetchError(
      `FeatBit answered ${response.status} ${response.statusText} for ${target.pathname}` +
        (response.status === 401 || response.status === 403 ? ' (check --secret)' : ''),
    );
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new FeatBitFetchError(`FeatBit's response is ${declared} bytes; at most ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Node's web streams are async iterables of bytes.
  const body = (response.body ?? []) as AsyncIterable<Uint8Array>;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new FeatBitFetchError(`FeatBit's response exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const SIGN: Record<number, string> = {
  [ImportOutcome.IMPORT_OUTCOME_CREATED]: '+',
  [ImportOutcome.IMPORT_OUTCOME_UPDATED]: '~',
  [ImportOutcome.IMPORT_OUTCOME_SKIPPED]: '!',
};

function countsText(name: string, c: ImportCounts | undefined): string {
  const n = c ?? { created: 0, updated: 0, unchanged: 0, skipped: 0 };
  return `${name} ${n.created} created, ${n.updated} updated, ${n.unchanged} unchanged, ${n.skipped} skipped`;
}

/** The text report of an import: the counts, then one line per created, updated or skipped item. */
export function describeImport(ref: string, r: ImportFeatBitEnvironmentResponse): string {
  const head = r.dryRun
    ? `dry run (nothing written): importing into ${ref} would give`
    : `imported FeatBit environment into ${ref}:`;
  const lines = [
    `${head} ${countsText('flags', r.flags)}; ${countsText('segments', r.segments)}; ${countsText('secrets', r.secrets)}`,
  ];
  for (const item of r.items) {
    const sign = SIGN[item.outcome];
    if (!sign) continue;
    const what = `${importItemKindName(item.kind)} ${item.key}`;
    if (item.outcome === ImportOutcome.IMPORT_OUTCOME_UPDATED) {
      lines.push(`  ${sign} ${what} (${item.changedFields.join(', ')})`);
    } else if (item.outcome === ImportOutcome.IMPORT_OUTCOME_SKIPPED) {
      lines.push(`  ${sign} ${what} skipped:`, ...item.problems.map((p) => `      ${p}`));
    } else {
      lines.push(`  ${sign} ${what}`);
    }
  }
  return lines.join('\n');
}

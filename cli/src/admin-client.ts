// The CLI's connection to the admin API: clients from Vane's client library (@vane/grpc-client),
// sending `authorization: Bearer <token>` like every other client, with failures as AdminApiError.
import { status } from '@grpc/grpc-js';
import { vaneChannel, vaneClientFactory, VaneCallError } from '@vane/grpc-client';
import type { Client, ClientMiddleware } from '@vane/grpc-client';
import { EnvironmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatBitImportServiceDefinition } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceDefinition } from '@vane/gen/node/vane/admin/v1/segment_service';
import type { ErrorInfo } from '@vane/gen/node/vane/common/v1/errors';

/** A failed call, with the server's structured details when it sent them. */
export class AdminApiError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
    readonly info: ErrorInfo | undefined,
    readonly address: string,
  ) {
    super(details);
  }

  /** A message for a person: what failed, why, and what to do about it. */
  describe(): string {
    const name = status[this.code] ?? String(this.code);
    const lines = [`error: ${name}: ${this.details}`];
    for (const v of this.info?.fieldViolations ?? []) {
      lines.push(`  ${v.field}: ${v.description}`);
    }
    if (this.info?.currentRevision) lines.push(`  current revision: ${this.info.currentRevision}`);
    if (this.code === status.UNAVAILABLE) {
      lines.push(
        `  is Vane running at ${this.address}? (npm start, or set --address / VANE_ADDRESS)`,
      );
    }
    if (this.code === status.UNAUTHENTICATED) {
      lines.push('  pass an access token with --token or VANE_TOKEN');
    }
    return lines.join('\n');
  }
}

/** Names the address in every failure (the shared VaneCallError does not know it). */
function adminApiErrors(address: string): ClientMiddleware {
  return async function* (call, options) {
    try {
      return yield* call.next(call.request, options);
    } catch (err) {
      if (!(err instanceof VaneCallError)) throw err;
      throw new AdminApiError(err.code, err.details, err.info, address);
    }
  };
}

/** Clients of the admin services the CLI uses (requests are partial: unset fields are empty). */
export interface AdminApi {
  readonly projects: Client<typeof ProjectServiceDefinition>;
  readonly environments: Client<typeof EnvironmentServiceDefinition>;
  readonly flags: Client<typeof FeatureFlagServiceDefinition>;
  readonly segments: Client<typeof SegmentServiceDefinition>;
  /** With a longer deadline (`IMPORT_TIMEOUT_MS`): a large import writes every item. */
  readonly featbitImport: Client<typeof FeatBitImportServiceDefinition>;
  close(): void;
}

/** The deadline of an import call (ms). */
export const IMPORT_TIMEOUT_MS = 10 * 60_000;

/** Connects (lazily) to the admin API at `address` (`host:port`). */
export function connectAdminApi(
  address: string,
  token: string | undefined,
  timeoutMs = 15_000,
): AdminApi {
  const channel = vaneChannel(address);
  const factory = (deadlineMs: number) =>
    vaneClientFactory({ token: token || undefined, deadlineMs }).use(adminApiErrors(address));
  const calls = factory(timeoutMs);
  return {
    projects: calls.create(ProjectServiceDefinition, channel),
    environments: calls.create(EnvironmentServiceDefinition, channel),
    flags: calls.create(FeatureFlagServiceDefinition, channel),
    segments: calls.create(SegmentServiceDefinition, channel),
    featbitImport: factory(Math.max(timeoutMs, IMPORT_TIMEOUT_MS)).create(
      FeatBitImportServiceDefinition,
      channel,
    ),
    close: () => channel.close(),
  };
}

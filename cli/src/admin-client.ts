// The CLI's connection to the admin API: promise-returning clients over the generated grpc-js
// service definitions, sending `authorization: Bearer <token>` like every other client.
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { EnvironmentServiceService } from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatBitImportServiceService } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { FeatureFlagServiceService } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceService } from '@vane/gen/node/vane/admin/v1/project_service';
import { SegmentServiceService } from '@vane/gen/node/vane/admin/v1/segment_service';
import { ErrorInfo, RpcStatus } from '@vane/gen/node/vane/common/v1/errors';

interface MethodDef {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => unknown;
}

/** Each method of a service definition as `(request) => Promise<response>`. */
export type Rpc<S> = {
  [K in keyof S]: S[K] extends {
    requestSerialize: (value: infer Req) => Buffer;
    responseDeserialize: (bytes: Buffer) => infer Res;
  }
    ? (request: Req) => Promise<Res>
    : never;
};

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

function errorInfoOf(err: ServiceError): ErrorInfo | undefined {
  const raw = err.metadata?.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Buffer)) return undefined;
  try {
    const detail = RpcStatus.decode(raw).details.find(
      (d) => d.typeUrl === 'type.googleapis.com/vane.common.v1.ErrorInfo',
    );
    return detail ? ErrorInfo.decode(detail.value) : undefined;
  } catch {
    return undefined;
  }
}

function rpc<S extends Record<string, MethodDef>>(
  client: Client,
  service: S,
  token: string | undefined,
  address: string,
  timeoutMs: number,
): Rpc<S> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(service)) {
    out[name] = (request: unknown) =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        if (token) metadata.set('authorization', `Bearer ${token}`);
        client.makeUnaryRequest(
          def.path,
          (value: unknown) => def.requestSerialize(value as never),
          def.responseDeserialize,
          request,
          metadata,
          { deadline: new Date(Date.now() + timeoutMs) },
          (err: ServiceError | null, response?: unknown) =>
            err
              ? reject(new AdminApiError(err.code, err.details, errorInfoOf(err), address))
              : resolve(response),
        );
      });
  }
  return out as Rpc<S>;
}

/** Clients of the admin services the CLI uses. */
export interface AdminApi {
  readonly projects: Rpc<typeof ProjectServiceService>;
  readonly environments: Rpc<typeof EnvironmentServiceService>;
  readonly flags: Rpc<typeof FeatureFlagServiceService>;
  readonly segments: Rpc<typeof SegmentServiceService>;
  /** With a longer deadline (`IMPORT_TIMEOUT_MS`): a large import writes every item. */
  readonly featbitImport: Rpc<typeof FeatBitImportServiceService>;
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
  const client = new Client(address, credentials.createInsecure());
  return {
    projects: rpc(client, ProjectServiceService, token, address, timeoutMs),
    environments: rpc(client, EnvironmentServiceService, token, address, timeoutMs),
    flags: rpc(client, FeatureFlagServiceService, token, address, timeoutMs),
    segments: rpc(client, SegmentServiceService, token, address, timeoutMs),
    featbitImport: rpc(
      client,
      FeatBitImportServiceService,
      token,
      address,
      Math.max(timeoutMs, IMPORT_TIMEOUT_MS),
    ),
    close: () => client.close(),
  };
}

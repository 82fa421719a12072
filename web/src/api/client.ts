// The admin API over gRPC-web: one client per service, all sending the access token and decoding
// Vane's error details (see errors.ts). Works in browsers and in Node ≥ 20 (fetch transport).
import { ClientError, createChannel, createClientFactory, Metadata } from 'nice-grpc-web';
import type { CallOptions, ClientMiddleware, CompatServiceDefinition } from 'nice-grpc-web';
import { AccessTokenServiceDefinition } from '@vane/gen/web/vane/admin/v1/access_token_service';
import { AuditLogServiceDefinition } from '@vane/gen/web/vane/admin/v1/audit_log_service';
import { EndUserServiceDefinition } from '@vane/gen/web/vane/admin/v1/end_user_service';
import { EnvironmentServiceDefinition } from '@vane/gen/web/vane/admin/v1/environment_service';
import { ExperimentServiceDefinition } from '@vane/gen/web/vane/admin/v1/experiment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/web/vane/admin/v1/feature_flag_service';
import { MetricServiceDefinition } from '@vane/gen/web/vane/admin/v1/metric_service';
import { ProjectServiceDefinition } from '@vane/gen/web/vane/admin/v1/project_service';
import { SegmentServiceDefinition } from '@vane/gen/web/vane/admin/v1/segment_service';
import { toApiError } from './errors.js';

type Decoded<T> = T extends { decode(input: Uint8Array): infer M } ? M : never;
type Method = { requestType: unknown; responseType: unknown };

/**
 * A unary client typed from a ts-proto generic definition: request and response are the
 * generated message types. (nice-grpc-web's own `Client` derives the request type from ts-proto's
 * generic `fromPartial`, which this TypeScript version resolves to `never`.)
 */
export type Client<D extends { methods: Record<string, Method> }> = {
  readonly [K in keyof D['methods']]: (
    request: Decoded<D['methods'][K]['requestType']>,
    options?: CallOptions,
  ) => Promise<Decoded<D['methods'][K]['responseType']>>;
};

/** Every admin service the UI uses. */
export interface Api {
  readonly projects: Client<typeof ProjectServiceDefinition>;
  readonly environments: Client<typeof EnvironmentServiceDefinition>;
  readonly flags: Client<typeof FeatureFlagServiceDefinition>;
  readonly segments: Client<typeof SegmentServiceDefinition>;
  readonly endUsers: Client<typeof EndUserServiceDefinition>;
  readonly metrics: Client<typeof MetricServiceDefinition>;
  readonly experiments: Client<typeof ExperimentServiceDefinition>;
  readonly accessTokens: Client<typeof AccessTokenServiceDefinition>;
  readonly auditLog: Client<typeof AuditLogServiceDefinition>;
}

/** Catches the trailer of every call so a failure carries its `grpc-status-details-bin`. */
const errorDetails: ClientMiddleware = async function* (call, options: CallOptions) {
  let details: Uint8Array | undefined;
  const onTrailer = (trailer: Metadata) => {
    details = trailer.get('grpc-status-details-bin');
    options.onTrailer?.(trailer);
  };
  try {
    return yield* call.next(call.request, { ...options, onTrailer });
  } catch (err) {
    if (err instanceof ClientError) throw toApiError(err, details);
    throw err;
  }
};

/** Clients for the admin API at `baseUrl` (the page's own origin in the UI), as `token`. */
export function createApi(baseUrl: string, token: string): Api {
  const channel = createChannel(baseUrl.replace(/\/$/, ''));
  const factory = createClientFactory().use(errorDetails);
  const defaults = { '*': { metadata: Metadata({ authorization: `Bearer ${token}` }) } };
  const client = <D extends CompatServiceDefinition & { methods: Record<string, Method> }>(
    definition: D,
  ): Client<D> => factory.create(definition, channel, defaults) as unknown as Client<D>;
  return {
    projects: client(ProjectServiceDefinition),
    environments: client(EnvironmentServiceDefinition),
    flags: client(FeatureFlagServiceDefinition),
    segments: client(SegmentServiceDefinition),
    endUsers: client(EndUserServiceDefinition),
    metrics: client(MetricServiceDefinition),
    experiments: client(ExperimentServiceDefinition),
    accessTokens: client(AccessTokenServiceDefinition),
    auditLog: client(AuditLogServiceDefinition),
  };
}

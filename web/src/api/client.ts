// The admin API over gRPC-web: one client per service, all with Vane's one client middleware
// (@vane/grpc-client/web: the access token, failures as VaneCallError with the decoded ErrorInfo).
// Works in browsers and in Node ≥ 20 (fetch transport).
import { createChannel, createClientFactory } from 'nice-grpc-web';
import type { Client } from 'nice-grpc-web';
import { vaneCallMiddleware } from '@vane/grpc-client/web';
import { AccessTokenServiceDefinition } from '@vane/gen/web/vane/admin/v1/access_token_service';
import { AuditLogServiceDefinition } from '@vane/gen/web/vane/admin/v1/audit_log_service';
import { EndUserServiceDefinition } from '@vane/gen/web/vane/admin/v1/end_user_service';
import { EnvironmentServiceDefinition } from '@vane/gen/web/vane/admin/v1/environment_service';
import { ExperimentServiceDefinition } from '@vane/gen/web/vane/admin/v1/experiment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/web/vane/admin/v1/feature_flag_service';
import { MetricServiceDefinition } from '@vane/gen/web/vane/admin/v1/metric_service';
import { ProjectServiceDefinition } from '@vane/gen/web/vane/admin/v1/project_service';
import { SegmentServiceDefinition } from '@vane/gen/web/vane/admin/v1/segment_service';

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

/** Clients for the admin API at `baseUrl` (the page's own origin in the UI), as `token`. */
export function createApi(baseUrl: string, token: string): Api {
  const channel = createChannel(baseUrl.replace(/\/$/, ''));
  const factory = createClientFactory().use(vaneCallMiddleware({ token }));
  return {
    projects: factory.create(ProjectServiceDefinition, channel),
    environments: factory.create(EnvironmentServiceDefinition, channel),
    flags: factory.create(FeatureFlagServiceDefinition, channel),
    segments: factory.create(SegmentServiceDefinition, channel),
    endUsers: factory.create(EndUserServiceDefinition, channel),
    metrics: factory.create(MetricServiceDefinition, channel),
    experiments: factory.create(ExperimentServiceDefinition, channel),
    accessTokens: factory.create(AccessTokenServiceDefinition, channel),
    auditLog: factory.create(AuditLogServiceDefinition, channel),
  };
}

// Authorization for environment-scoped calls (flags, segments, end users, metrics, experiments):
// the environment must exist and its project must be in the caller's scope with enough role.
import type { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import { inScope, requireRole } from '../auth/principal.js';
import { NotFound } from '../errors/domain-errors.js';
import { validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import type { EnvironmentDoc } from './environment-doc.js';

/** Checks access to an environment and returns it. */
export type EnvAccess = (
  envId: string,
  principal: Principal,
  role: Role,
) => Promise<EnvironmentDoc>;

/** Builds the access check over the environments collection. */
export function envAccess(environments: Collection<EnvironmentDoc>): EnvAccess {
  return async (envId, principal, role) => {
    validate((v) => v.required(envId, 'env_id'));
    requireRole(principal, role);
    const env = await environments.get(envId);
    // Out-of-scope environments look missing, so that scope does not leak which ids exist.
    if (!env || !inScope(principal, env.projectId)) {
      throw new NotFound(ResourceType.RESOURCE_TYPE_ENVIRONMENT, envId, 'environment');
    }
    requireRole(principal, role, env.projectId);
    return env;
  };
}

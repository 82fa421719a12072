// Authorization for environment-scoped calls (flags, segments, end users, metrics, experiments):
// the environment must exist and its project must be in the caller's scope with enough role.
import type { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import { inScope, requireRole } from '../auth/principal.js';
import { validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import type { EnvironmentDoc } from '@vane/server-kit/documents';
import { NotFound } from '@vane/server-kit';

/** Checks access to an environment and returns it. */
export interface EnvAccess {
  (envId: string, principal: Principal, role: Role): Promise<EnvironmentDoc>;
  /**
   * The same check for a call on something stored in the environment (a flag, a segment), which
   * proves that it exists: an environment cannot be deleted while it holds flags or segments. Its
   * project never changes, so once read it is known without a read. Returns false when the
   * project is not known yet (then check with the call itself).
   */
  knownScope(envId: string, principal: Principal, role: Role): boolean;
}

/** Most environments whose project is remembered. */
const MAX_KNOWN = 100_000;

/** Builds the access check over the environments collection. */
export function envAccess(environments: Collection<EnvironmentDoc>): EnvAccess {
  const projects = new Map<string, string>();
  const denied = (envId: string) =>
    new NotFound(ResourceType.RESOURCE_TYPE_ENVIRONMENT, envId, 'environment');
  const check = async (envId: string, principal: Principal, role: Role) => {
    validate((v) => v.required(envId, 'env_id'));
    requireRole(principal, role);
    const env = await environments.get(envId);
    if (env) {
      if (projects.size >= MAX_KNOWN) projects.clear();
      projects.set(envId, env.projectId);
    }
    // Out-of-scope environments look missing, so that scope does not leak which ids exist.
    if (!env || !inScope(principal, env.projectId)) throw denied(envId);
    requireRole(principal, role, env.projectId);
    return env;
  };
  const knownScope = (envId: string, principal: Principal, role: Role): boolean => {
    validate((v) => v.required(envId, 'env_id'));
    requireRole(principal, role);
    const projectId = projects.get(envId);
    if (projectId === undefined) return false;
    if (!inScope(principal, projectId)) throw denied(envId);
    requireRole(principal, role, projectId);
    return true;
  };
  return Object.assign(check, { knownScope });
}

// Who is calling, and what they may do: the authenticated access token.
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { PermissionDenied } from '@vane/server-kit';

/** The authenticated caller of an admin RPC. */
export interface Principal {
  /** Access-token id; recorded as the actor of every change. */
  readonly tokenId: string;
  readonly tokenName: string;
  readonly role: Role;
  /** True when the token may act on every project, including ones created later. */
  readonly allProjects: boolean;
  readonly projectIds: readonly string[];
}

/** The principal of internal writes (the end-user consumer, bootstrap). */
export const SYSTEM: Principal = Object.freeze({
  tokenId: 'system',
  tokenName: 'system',
  role: Role.ROLE_OWNER,
  allProjects: true,
  projectIds: [],
});

const ROLE_NAMES: Record<number, string> = {
  [Role.ROLE_VIEWER]: 'VIEWER',
  [Role.ROLE_EDITOR]: 'EDITOR',
  [Role.ROLE_ADMIN]: 'ADMIN',
  [Role.ROLE_OWNER]: 'OWNER',
};

/** The role's name as the contract spells it (VIEWER … OWNER). */
export function roleName(role: Role): string {
  return ROLE_NAMES[role] ?? 'UNKNOWN';
}

/** Whether the principal's scope covers the project. */
export function inScope(principal: Principal, projectId: string): boolean {
  return principal.allProjects || principal.projectIds.includes(projectId);
}

/** Throws PERMISSION_DENIED unless the principal has at least `role` (on `projectId`, if given). */
export function requireRole(principal: Principal, role: Role, projectId?: string): void {
  if (principal.role < role) {
    throw new PermissionDenied(
      ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT,
      `this call needs role ${roleName(role)}; the token has ${roleName(principal.role)}`,
    );
  }
  if (projectId !== undefined && !inScope(principal, projectId)) {
    throw new PermissionDenied(
      ErrorReason.ERROR_REASON_OUT_OF_SCOPE,
      `the token's project scope does not include project ${projectId}`,
    );
  }
}

/** Throws PERMISSION_DENIED unless the principal may act on every project. */
export function requireAllProjects(principal: Principal): void {
  if (!principal.allProjects) {
    throw new PermissionDenied(
      ErrorReason.ERROR_REASON_OUT_OF_SCOPE,
      'this call needs a token scoped to all projects',
    );
  }
}

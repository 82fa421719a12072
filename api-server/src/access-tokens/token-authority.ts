// Who may see and manage which access token. A caller's authority covers a token when the token's
// role is at most the caller's and its project scope lies within the caller's (an all-projects
// token lies only within an all-projects caller). Tokens outside it look missing, the way projects
// outside a token's scope do, so that neither scope nor role reveals which ids exist.
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import type { Filter } from '../store/document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';
import { FailedPrecondition } from '@vane/server-kit';

/** Every assignable role, lowest first. */
export const ROLES: readonly Role[] = [
  Role.ROLE_VIEWER,
  Role.ROLE_EDITOR,
  Role.ROLE_ADMIN,
  Role.ROLE_OWNER,
];

/** The token fields that decide authority. */
type Scoped = Pick<AccessTokenDoc, 'role' | 'allProjects' | 'projectIds'>;

/** Whether the caller may see, and (with ADMIN) revoke, this token. */
export function withinAuthority(principal: Principal, token: Scoped): boolean {
  const role: Role = token.role; // stored as the contract's enum number
  if (role > principal.role) return false;
  if (principal.allProjects) return true;
  return !token.allProjects && token.projectIds.every((p) => principal.projectIds.includes(p));
}

/**
 * A store filter that every token within the caller's authority matches. It is exact for
 * all-projects callers; for a project-scoped caller it also matches tokens that span other
 * projects too, which `withinAuthority` then removes (the store cannot express "a subset of").
 */
export function authorityFilter(principal: Principal): Filter {
  const role = { in: ROLES.filter((r) => r <= principal.role) };
  if (principal.allProjects) return { role };
  return { role, allProjects: false, projectIds: { in: [...principal.projectIds] } };
}

/** Tokens that still authenticate at `now`: not revoked and not expired. */
export function usableFilter(now: number): Filter {
  return { revokedAt: null, anyOf: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

/** Whether the token still authenticates at `now`. */
export function isUsable(token: AccessTokenDoc, now: number): boolean {
  return token.revokedAt === undefined && (token.expiresAt === undefined || token.expiresAt > now);
}

/** Whether the token is one of those that keep the deployment administrable. */
export function isRootOwner(token: AccessTokenDoc, now: number): boolean {
  const role: Role = token.role;
  return role === Role.ROLE_OWNER && token.allProjects && isUsable(token, now);
}

/** Usable OWNER tokens scoped to all projects: at least one must remain. */
export function rootOwnersFilter(now: number): Filter {
  return { ...usableFilter(now), role: Role.ROLE_OWNER, allProjects: true };
}

/** The refusal to revoke the last usable all-projects OWNER token. */
export function lastOwnerError(tokenId: string): FailedPrecondition {
  return new FailedPrecondition(
    ErrorReason.ERROR_REASON_INVALID_STATE,
    'cannot revoke the last usable OWNER token scoped to all projects: without one nobody can ' +
      'create projects or manage OWNER tokens; create another such token first',
    ResourceType.RESOURCE_TYPE_ACCESS_TOKEN,
    tokenId,
    { rule: 'last_owner_token' },
  );
}

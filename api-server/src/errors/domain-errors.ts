// The few typed errors that services throw. One place (`grpc/grpc-errors.ts`) maps them to gRPC
// status codes and structured details; anything else becomes INTERNAL with a generic message.
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import type { ResourceType } from '@vane/gen/node/vane/common/v1/resource';

/** One invalid field: its path in the request and why it is invalid. */
export interface Violation {
  readonly field: string;
  readonly description: string;
}

/** Base class of every error that is the caller's to fix (mapped to a non-INTERNAL status). */
export abstract class DomainError extends Error {
  abstract readonly reason: ErrorReason;
}

/** INVALID_ARGUMENT: one or more request fields are invalid. */
export class InvalidArgument extends DomainError {
  readonly reason: ErrorReason;
  constructor(
    readonly violations: readonly Violation[],
    reason: ErrorReason = ErrorReason.ERROR_REASON_VALIDATION_FAILED,
  ) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
    this.reason = reason;
  }
}

/** NOT_FOUND: the addressed resource does not exist (or is outside the caller's scope). */
export class NotFound extends DomainError {
  readonly reason = ErrorReason.ERROR_REASON_NOT_FOUND;
  constructor(
    readonly resourceType: ResourceType,
    readonly resourceId: string,
    label = 'resource',
  ) {
    super(`${label} ${resourceId} not found`);
  }
}

/** ALREADY_EXISTS: a key (or id) is taken. */
export class AlreadyExists extends DomainError {
  readonly reason = ErrorReason.ERROR_REASON_ALREADY_EXISTS;
  constructor(
    readonly resourceType: ResourceType,
    readonly resourceId: string,
    label = 'resource',
  ) {
    super(`${label} ${resourceId} already exists`);
  }
}

/** ABORTED: the caller's expected revision is stale; `currentRevision` is what is stored now. */
export class RevisionConflict extends DomainError {
  readonly reason = ErrorReason.ERROR_REASON_REVISION_CONFLICT;
  constructor(
    readonly resourceType: ResourceType,
    readonly resourceId: string,
    readonly currentRevision: number,
  ) {
    super(
      `revision conflict on ${resourceId}: someone else saved first (current revision ${currentRevision})`,
    );
  }
}

/** FAILED_PRECONDITION: the resource is not in a state that allows the operation. */
export class FailedPrecondition extends DomainError {
  constructor(
    readonly reason: ErrorReason,
    message: string,
    readonly resourceType?: ResourceType,
    readonly resourceId?: string,
    readonly metadata: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** UNAUTHENTICATED: no, unknown, revoked or expired access token. */
export class Unauthenticated extends DomainError {
  constructor(
    readonly reason: ErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** PERMISSION_DENIED: the token's role or project scope does not allow the call. */
export class PermissionDenied extends DomainError {
  constructor(
    readonly reason: ErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** UNAVAILABLE: a dependency (database) is down; the caller may retry. */
export class Unavailable extends DomainError {
  readonly reason = ErrorReason.ERROR_REASON_UNAVAILABLE;
}

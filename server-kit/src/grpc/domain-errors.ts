// The typed errors that every Vane gRPC service throws, and the one collector of invalid fields.
// One place (`status-details.ts`) maps them to gRPC statuses with `ErrorInfo`; anything else
// becomes INTERNAL with a generic message.
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

/** UNAUTHENTICATED: a missing, unknown, revoked or expired token (the reason says which). */
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

/** UNAVAILABLE: a dependency (a database, an event store) is down; the caller may retry. */
export class Unavailable extends DomainError {
  readonly reason = ErrorReason.ERROR_REASON_UNAVAILABLE;
}

/** Most violations one error lists (the rest are counted in the last), so trailers stay small. */
export const MAX_VIOLATIONS = 20;
/** Longest violation description sent (longer ones are cut short with `…`). */
export const MAX_DESCRIPTION_SENT = 300;

/**
 * INVALID_ARGUMENT for `violations`, bounded: at most `MAX_VIOLATIONS` (then one that counts the
 * rest) and each description cut to `MAX_DESCRIPTION_SENT` characters, since they travel in
 * trailers.
 */
export function invalidArgument(violations: readonly Violation[]): InvalidArgument {
  const limit = violations.length > MAX_VIOLATIONS ? MAX_VIOLATIONS - 1 : MAX_VIOLATIONS;
  const shown = violations.slice(0, limit).map((v) => ({
    field: v.field,
    description:
      v.description.length <= MAX_DESCRIPTION_SENT
        ? v.description
        : `${v.description.slice(0, MAX_DESCRIPTION_SENT - 1)}…`,
  }));
  const rest = violations.length - shown.length;
  const last = shown[shown.length - 1];
  if (rest > 0 && last) shown.push({ field: last.field, description: `and ${rest} more problems` });
  return new InvalidArgument(shown);
}

/** Collects the violations of one request, then throws them together as one INVALID_ARGUMENT. */
export class Violations {
  readonly #list: Violation[] = [];

  /** Records a violation. */
  add(field: string, description: string): this {
    this.#list.push({ field, description });
    return this;
  }

  /** Records `description` for `field` unless `ok`. */
  check(ok: boolean, field: string, description: string): this {
    if (!ok) this.add(field, description);
    return this;
  }

  /** Throws `invalidArgument` of every recorded violation, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw invalidArgument(this.#list);
  }
}

// The one mapping of domain errors to gRPC statuses with the contract's structured details: a
// `vane.common.v1.RpcStatus` (wire-compatible with google.rpc.Status) holding one ErrorInfo, in
// the standard `grpc-status-details-bin` trailer (encoded by @vane/grpc-client's codec, which its
// clients decode). Unknown errors become INTERNAL with a generic message; their cause is logged,
// never sent.
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { encodeErrorDetails, ERROR_DETAILS_KEY } from '@vane/grpc-client/web';
import type { ErrorInfo } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import {
  AlreadyExists,
  DomainError,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  RevisionConflict,
  Unauthenticated,
  Unavailable,
} from './domain-errors.js';

/** How a server reads errors that are not domain errors. */
export interface ErrorMapping {
  /**
   * True for an error that means a dependency is down (the server's store): it is logged at WARN
   * and sent as UNAVAILABLE with `unavailableMessage`, so the caller retries.
   */
  readonly isOutage?: (err: unknown) => boolean;
  readonly unavailableMessage?: string;
}

function codeOf(err: DomainError): status {
  if (err instanceof InvalidArgument) return status.INVALID_ARGUMENT;
  if (err instanceof NotFound) return status.NOT_FOUND;
  if (err instanceof AlreadyExists) return status.ALREADY_EXISTS;
  if (err instanceof RevisionConflict) return status.ABORTED;
  if (err instanceof FailedPrecondition) return status.FAILED_PRECONDITION;
  if (err instanceof Unauthenticated) return status.UNAUTHENTICATED;
  if (err instanceof PermissionDenied) return status.PERMISSION_DENIED;
  if (err instanceof Unavailable) return status.UNAVAILABLE;
  return status.INTERNAL;
}

/** The ErrorInfo of a domain error: its reason and whatever the error names. */
export function errorInfoOf(err: DomainError): ErrorInfo {
  const info: ErrorInfo = {
    reason: err.reason,
    fieldViolations: [],
    currentRevision: 0,
    resourceType: ResourceType.RESOURCE_TYPE_UNSPECIFIED,
    resourceId: '',
    metadata: {},
  };
  if (err instanceof InvalidArgument) info.fieldViolations = [...err.violations];
  if (err instanceof NotFound || err instanceof AlreadyExists || err instanceof RevisionConflict) {
    info.resourceType = err.resourceType;
    info.resourceId = err.resourceId;
  }
  if (err instanceof RevisionConflict) info.currentRevision = err.currentRevision;
  if (err instanceof FailedPrecondition) {
    info.resourceType = err.resourceType ?? ResourceType.RESOURCE_TYPE_UNSPECIFIED;
    info.resourceId = err.resourceId ?? '';
    info.metadata = { ...err.metadata };
  }
  return info;
}

/** The gRPC error to send for any thrown value. */
export function toServiceError(
  err: unknown,
  logger: Logger,
  method: string,
  mapping: ErrorMapping = {},
): Partial<ServiceError> {
  if (mapping.isOutage?.(err)) {
    // Self-healing once the dependency is back: WARN, and UNAVAILABLE tells the caller to retry.
    logger.warn({ err, method }, 'a dependency is unavailable');
    err = new Unavailable(mapping.unavailableMessage ?? 'the store is unavailable; retry shortly');
  } else if (err instanceof Unavailable) {
    logger.warn({ err, method }, 'a dependency is unavailable');
  }
  if (!(err instanceof DomainError)) {
    logger.error({ err, method }, 'unexpected error in gRPC handler');
    return { code: status.INTERNAL, details: 'internal error' };
  }
  const code = codeOf(err);
  const metadata = new Metadata();
  metadata.set(
    ERROR_DETAILS_KEY,
    Buffer.from(encodeErrorDetails(code, err.message, errorInfoOf(err))),
  );
  return { code, details: err.message, metadata };
}

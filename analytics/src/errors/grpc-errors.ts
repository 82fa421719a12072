// Maps domain errors to gRPC statuses with the contract's structured details: a
// `vane.common.v1.RpcStatus` holding one `ErrorInfo` in the `grpc-status-details-bin` trailer.
// Unknown errors become INTERNAL with a generic message; the cause is logged, never sent.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ErrorInfo, ErrorReason, RpcStatus } from '@vane/gen/node/vane/common/v1/errors';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { DomainError, InvalidArgument, Unauthenticated, Unavailable } from './domain-errors.js';

/** `type_url` of the ErrorInfo detail. */
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/vane.common.v1.ErrorInfo';

/** The gRPC error to send for any thrown value. */
export function toServiceError(
  err: unknown,
  logger: Logger,
  method: string,
): Partial<ServiceError> {
  if (!(err instanceof DomainError)) {
    logger.error({ err, method }, 'unexpected error in gRPC handler');
    return { code: status.INTERNAL, details: 'internal error' };
  }
  const [code, reason] =
    err instanceof InvalidArgument
      ? [status.INVALID_ARGUMENT, ErrorReason.ERROR_REASON_VALIDATION_FAILED]
      : err instanceof Unauthenticated
        ? [
            status.UNAUTHENTICATED,
            err.missing
              ? ErrorReason.ERROR_REASON_TOKEN_MISSING
              : ErrorReason.ERROR_REASON_TOKEN_INVALID,
          ]
        : [status.UNAVAILABLE, ErrorReason.ERROR_REASON_UNAVAILABLE];
  if (err instanceof Unavailable) logger.warn({ err, method }, 'dependency unavailable');
  const info: ErrorInfo = {
    reason,
    fieldViolations: err instanceof InvalidArgument ? [...err.violations] : [],
    currentRevision: 0,
    resourceType: ResourceType.RESOURCE_TYPE_UNSPECIFIED,
    resourceId: '',
    metadata: {},
  };
  const details = RpcStatus.encode({
    code,
    message: err.message,
    details: [
      { typeUrl: ERROR_INFO_TYPE_URL, value: Buffer.from(ErrorInfo.encode(info).finish()) },
    ],
  }).finish();
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(details));
  return { code, details: err.message, metadata };
}

/** Decodes the ErrorInfo of a failed call's trailers (clients and tests), or undefined. */
export function errorInfoFromMetadata(metadata: Metadata | undefined): ErrorInfo | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!(raw instanceof Buffer)) return undefined;
  const detail = RpcStatus.decode(raw).details.find((d) => d.typeUrl === ERROR_INFO_TYPE_URL);
  return detail ? ErrorInfo.decode(detail.value) : undefined;
}

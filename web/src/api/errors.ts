// Turns gRPC failures into something a person can act on: the status and Vane's ErrorInfo (which
// @vane/grpc-client's middleware decoded into a VaneCallError) as one plain-word message.
import { ClientError, Status } from 'nice-grpc-web';
import { VaneCallError } from '@vane/grpc-client/web';
import { ErrorReason } from '@vane/gen/web/vane/common/v1/errors';

const PLAIN: Partial<Record<Status, string>> = {
  [Status.UNAUTHENTICATED]: 'Your access token was not accepted. Sign in again with a valid token.',
  [Status.PERMISSION_DENIED]: 'Your access token does not allow this.',
  [Status.NOT_FOUND]: 'It does not exist (any more), or your token cannot see it.',
  [Status.ALREADY_EXISTS]: 'That key is already taken. Choose another one.',
  [Status.ABORTED]:
    'Someone else saved a change first. Reload to see their version, then make your change again.',
  [Status.UNAVAILABLE]: 'The server cannot be reached right now. Try again in a moment.',
  [Status.RESOURCE_EXHAUSTED]: 'The request is too large.',
  [Status.DEADLINE_EXCEEDED]: 'The server took too long to answer. Try again.',
};

const REASONS: Partial<Record<ErrorReason, string>> = {
  [ErrorReason.ERROR_REASON_VALIDATION_FAILED]:
    'Some fields are not valid; see the messages next to them.',
  [ErrorReason.ERROR_REASON_ARCHIVED]: 'It is archived. Restore it before changing it.',
  [ErrorReason.ERROR_REASON_NOT_ARCHIVED]: 'Only archived items can be deleted. Archive it first.',
  [ErrorReason.ERROR_REASON_IN_USE]: 'It is still in use, so it cannot be archived or deleted.',
  [ErrorReason.ERROR_REASON_NOT_EMPTY]: 'It is not empty. Remove what it contains first.',
  [ErrorReason.ERROR_REASON_INVALID_STATE]: 'That is not possible in its current state.',
  [ErrorReason.ERROR_REASON_TOKEN_EXPIRED]:
    'Your access token has expired. Sign in with a new one.',
  [ErrorReason.ERROR_REASON_TOKEN_REVOKED]:
    'Your access token was revoked. Sign in with a new one.',
  [ErrorReason.ERROR_REASON_ROLE_INSUFFICIENT]: 'Your access token’s role is too low for this.',
  [ErrorReason.ERROR_REASON_OUT_OF_SCOPE]: 'Your access token does not cover this project.',
  [ErrorReason.ERROR_REASON_UNAVAILABLE]: 'The analytics service is not reachable right now.',
};

/** One sentence for people: what went wrong and what to do, with the server's words after it. */
export function describeError(err: unknown): string {
  if (err instanceof VaneCallError) {
    const plain =
      (err.info ? REASONS[err.info.reason] : undefined) ??
      PLAIN[err.code] ??
      (err.code === Status.INVALID_ARGUMENT
        ? 'Some values are not valid.'
        : 'Something went wrong.');
    return err.details && err.details !== plain ? `${plain} (${err.details})` : plain;
  }
  if (err instanceof ClientError) {
    return describeError(new VaneCallError(err.path, err.code, err.details, undefined));
  }
  if (err instanceof Error) {
    if (/fetch|network/i.test(err.message))
      return 'The server cannot be reached. Check that Vane is running.';
    return err.message;
  }
  return String(err);
}

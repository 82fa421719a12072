import { describe, expect, it } from 'vitest';
import { ClientError, Status } from 'nice-grpc-web';
import { VaneCallError } from '@vane/grpc-client/web';
import { ErrorInfo, ErrorReason } from '@vane/gen/web/vane/common/v1/errors';
import { describeError } from './errors.js';

function failure(code: Status, details: string, info?: Partial<ErrorInfo>): VaneCallError {
  return new VaneCallError('/x', code, details, info ? ErrorInfo.fromPartial(info) : undefined);
}

describe('describeError', () => {
  it('words a validation failure by its reason, with the server’s words after it', () => {
    const err = failure(Status.INVALID_ARGUMENT, 'invalid', {
      reason: ErrorReason.ERROR_REASON_VALIDATION_FAILED,
      fieldViolations: [{ field: 'flag.key', description: 'taken' }],
    });
    expect(describeError(err)).toBe(
      'Some fields are not valid; see the messages next to them. (invalid)',
    );
  });

  it('words a revision conflict', () => {
    const err = failure(Status.ABORTED, 'stale', {
      reason: ErrorReason.ERROR_REASON_REVISION_CONFLICT,
      currentRevision: 7,
    });
    expect(describeError(err)).toMatch(/^Someone else saved a change first/);
  });

  it('words a failure without details by its status', () => {
    expect(describeError(failure(Status.UNAUTHENTICATED, 'no token'))).toMatch(
      /access token was not accepted/,
    );
    expect(describeError(new ClientError('/x', Status.UNAUTHENTICATED, 'no token'))).toMatch(
      /access token was not accepted/,
    );
  });

  it('words other failures plainly', () => {
    expect(describeError(failure(Status.INTERNAL, ''))).toBe('Something went wrong.');
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
    expect(describeError('x')).toBe('x');
  });
});

// The one error type both SDKs reject or report with.

/** Why an SDK failed: a permanent close code from ELS, a timeout, or being closed. */
export type SdkErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PROTOCOL_ERROR'
  | 'TIMEOUT'
  | 'CLOSED'
  | 'INVALID_ARGUMENT';

/** An SDK error with a stable `code`; permanent errors stop the SDK from reconnecting. */
export class VaneSdkError extends Error {
  constructor(
    readonly code: SdkErrorCode,
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'VaneSdkError';
  }
}

/** The error of a close code after which the SDK stops (see `PERMANENT_CLOSE_CODES`). */
export function closeError(code: number, reason: string): VaneSdkError {
  const what =
    code === 4001
      ? 'UNAUTHENTICATED'
      : code === 4003
        ? 'FORBIDDEN'
        : code === 4000
          ? 'BAD_REQUEST'
          : code === 1000
            ? 'CLOSED'
            : 'PROTOCOL_ERROR';
  return new VaneSdkError(
    what,
    `ELS closed the stream with ${code}${reason ? ` (${reason})` : ''}`,
    true,
  );
}

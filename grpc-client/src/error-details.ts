// The contract's error-details trailer, written and read in one place: `grpc-status-details-bin`
// holds a `vane.common.v1.RpcStatus` (wire-compatible with google.rpc.Status) whose one detail is
// Vane's ErrorInfo. Works on Uint8Array alone (no Buffer), so servers, Node clients and the
// browser UI share it.
import { ErrorInfo, RpcStatus } from '@vane/gen/web/vane/common/v1/errors';

/** The trailer that carries the details of a failed call. */
export const ERROR_DETAILS_KEY = 'grpc-status-details-bin';

const ERROR_INFO_TYPE = 'vane.common.v1.ErrorInfo';

/** `type_url` of the ErrorInfo detail that Vane's servers send. */
export const ERROR_INFO_TYPE_URL = `type.googleapis.com/${ERROR_INFO_TYPE}`;

/** The trailer value a server sends with a failed call: status, message and one ErrorInfo. */
export function encodeErrorDetails(code: number, message: string, info: ErrorInfo): Uint8Array {
  return RpcStatus.encode({
    code,
    message,
    details: [{ typeUrl: ERROR_INFO_TYPE_URL, value: ErrorInfo.encode(info).finish() }],
  }).finish();
}

/**
 * The ErrorInfo in a trailer value, or undefined when there is none, it holds no ErrorInfo or it
 * does not decode (a proxy's or another server's trailer must not turn into a crash).
 */
export function decodeErrorInfo(bin: Uint8Array | undefined): ErrorInfo | undefined {
  if (bin === undefined || bin.length === 0) return undefined;
  try {
    // Any host before the type name is accepted, as google.protobuf.Any allows.
    const detail = RpcStatus.decode(bin).details.find((d) =>
      d.typeUrl.endsWith(`/${ERROR_INFO_TYPE}`),
    );
    return detail ? ErrorInfo.decode(detail.value) : undefined;
  } catch {
    return undefined;
  }
}

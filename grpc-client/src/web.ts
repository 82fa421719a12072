// @vane/grpc-client/web: what gRPC-web clients share with the Node ones (no Node APIs, no
// @grpc/grpc-js): the middleware, the error it throws and the error-details codec.
export {
  decodeErrorInfo,
  encodeErrorDetails,
  ERROR_DETAILS_KEY,
  ERROR_INFO_TYPE_URL,
} from './error-details.js';
export { VaneCallError } from './vane-call-error.js';
export { vaneCallMiddleware } from './vane-call-middleware.js';
export type { VaneCallSettings } from './vane-call-middleware.js';
export { ClientError, Metadata, Status } from 'nice-grpc-common';
export type { CallOptions, ClientMiddleware } from 'nice-grpc-common';

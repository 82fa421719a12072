// @vane/sdk/client: the browser client SDK (also works in Node 22+, or with `createSocket`).
export { VaneClient } from './vane-client.js';
export type {
  CacheStorage,
  ClientEvents,
  ClientState,
  ClientUser,
  HeldResult,
  VaneClientOptions,
} from './vane-client.js';
export type { EvaluationDetail, ReasonKind } from '../shared/evaluation-detail.js';
export { VaneSdkError } from '../shared/sdk-error.js';

// @vane/sdk/server: the Node server SDK.
export { VaneServerClient } from './vane-server-client.js';
export type { ClientState, ServerClientEvents } from './vane-server-client.js';
export type { VaneLogger, VaneServerOptions } from './server-options.js';
export { BootstrapError, parseBootstrap } from './bootstrap.js';
export type { BootstrapData } from './bootstrap.js';
export type { AttributeValue, VaneUser } from './users.js';
export type { EvaluationDetail, ReasonKind } from '../shared/evaluation-detail.js';
export type { EventQueueOptions } from '../shared/event-queue.js';
export type { ReconnectOptions } from '../shared/reconnect.js';
export { VaneSdkError } from '../shared/sdk-error.js';
export type { SdkErrorCode } from '../shared/sdk-error.js';
export type { SocketFactory, WebSocketLike } from '../shared/stream-connection.js';

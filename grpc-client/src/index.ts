// @vane/grpc-client: the one gRPC client library of Vane's Node side (servers calling servers, the
// CLI, tests and tools). Browsers import `@vane/grpc-client/web`.
export * from './web.js';
export { createVaneClient, vaneChannel, vaneClientFactory } from './vane-client.js';
export type { Channel, Client, ClientFactory } from 'nice-grpc';

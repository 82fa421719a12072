// Node clients of Vane's services: nice-grpc over @grpc/grpc-js with the one middleware, typed
// from gen's generic definitions, so requests are partial (`{ id }`, not every empty field).
import { createChannel, createClientFactory } from 'nice-grpc';
import type { Channel, Client, ClientFactory, CompatServiceDefinition } from 'nice-grpc';
import { vaneCallMiddleware } from './vane-call-middleware.js';
import type { VaneCallSettings } from './vane-call-middleware.js';

/**
 * nice-grpc's client factory with the one middleware attached, for a caller that adds its own
 * outer middleware (`.use(…)` sees VaneCallError) before `.create(definition, channel)`.
 */
export function vaneClientFactory(settings: VaneCallSettings = {}): ClientFactory {
  return createClientFactory().use(vaneCallMiddleware(settings));
}

/** A client of `definition` (e.g. `ProjectServiceDefinition`) on `channel`. */
export function createVaneClient<D extends CompatServiceDefinition>(
  definition: D,
  channel: Channel,
  settings: VaneCallSettings = {},
): Client<D> {
  return vaneClientFactory(settings).create(definition, channel);
}

/** An insecure channel to `address` (`host:port`); connects lazily, close it when done. */
export function vaneChannel(address: string): Channel {
  return createChannel(address);
}

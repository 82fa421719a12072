// What the server and web providers share about their client's lifecycle: SDK events become
// provider events, and the first sync decides how `initialize` ends.
import { ErrorCode, GeneralError, ProviderFatalError } from '@openfeature/core';
import { VaneSdkError } from '../shared/sdk-error.js';

/** The client events a provider listens to (both SDKs emit them with these payloads). */
interface LifecycleEvents {
  ready: undefined;
  stale: unknown;
  change: { readonly flagKeys: readonly string[] };
  error: VaneSdkError;
}

/** The part of `VaneServerClient` and `VaneClient` a provider drives. */
export interface LifecycleClient {
  on<K extends keyof LifecycleEvents>(
    event: K,
    listener: (payload: LifecycleEvents[K]) => void,
  ): unknown;
  waitForReady(timeoutMs: number): Promise<void>;
}

/** The provider's event emitter (`OpenFeatureEventEmitter` of either OpenFeature SDK). */
export interface ProviderEventSink<E> {
  emit(
    event: E,
    details?: { message?: string; errorCode?: ErrorCode; flagsChanged?: string[] },
  ): void;
}

/** The members of the SDK's `ProviderEvents` enum a provider emits (each SDK has its own). */
export interface ProviderEventKinds<E> {
  readonly Ready: E;
  readonly Stale: E;
  readonly ConfigurationChanged: E;
  readonly Error: E;
}

/**
 * Turns the client's events into provider events (STALE, READY after the first sync,
 * CONFIGURATION_CHANGED, ERROR with FATAL for permanent failures) and waits for the first sync:
 * a permanent failure rejects with `ProviderFatalError`, anything else (a timeout) with
 * `GeneralError`.
 */
export async function connectProvider<E>(
  client: LifecycleClient,
  events: ProviderEventSink<E>,
  kinds: ProviderEventKinds<E>,
  timeoutMs: number,
): Promise<void> {
  let initialized = false;
  client.on('stale', () => events.emit(kinds.Stale, { message: 'connection to ELS lost' }));
  client.on('ready', () => {
    if (initialized) events.emit(kinds.Ready);
  });
  client.on('change', ({ flagKeys }) =>
    events.emit(kinds.ConfigurationChanged, { flagsChanged: [...flagKeys] }),
  );
  client.on('error', (error) => {
    if (initialized)
      events.emit(kinds.Error, {
        message: error.message,
        ...(error.permanent ? { errorCode: ErrorCode.PROVIDER_FATAL } : {}),
      });
  });
  try {
    await client.waitForReady(timeoutMs);
  } catch (error) {
    if (error instanceof VaneSdkError && error.permanent)
      throw new ProviderFatalError(error.message);
    throw new GeneralError(error instanceof Error ? error.message : String(error));
  } finally {
    initialized = true;
  }
}

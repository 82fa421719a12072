// OpenFeature provider for the Node server SDK (`@openfeature/server-sdk`): evaluates locally
// through a `VaneServerClient` and turns its states into provider events.
import { OpenFeatureEventEmitter, ProviderEvents } from '@openfeature/server-sdk';
import type {
  EvaluationContext,
  JsonValue,
  Provider,
  ProviderMetadata,
  ResolutionDetails,
  TrackingEventDetails,
} from '@openfeature/server-sdk';
import type { FeatureFlag } from '@vane/core';
import type { EvaluationDetail } from '../shared/evaluation-detail.js';
import type { VaneServerOptions } from '../server/server-options.js';
import { VaneServerClient } from '../server/vane-server-client.js';
import type { VaneUser } from '../server/users.js';
import { connectProvider } from './provider-lifecycle.js';
import { missingKey, toResolution, userOfContext } from './resolution.js';
import type { ContextOptions, FallthroughReason } from './resolution.js';

/** Options of the server provider: the SDK's options, or an existing client, plus these. */
export type VaneServerProviderOptions = (
  VaneServerOptions | { readonly client: VaneServerClient }
) &
  ContextOptions & {
    /** How long `initialize` waits for the first sync (default 10000 ms); then ERROR. */
    readonly initTimeoutMs?: number;
  };

/** How a fallthrough is reported: STATIC for a flag with one outcome, SPLIT for a percentage split. */
function fallthroughReason(flag: FeatureFlag | undefined): FallthroughReason {
  if (flag === undefined) return 'DEFAULT';
  const served = flag.fallthrough.variations.filter((v) => v.rollout[1] > v.rollout[0]);
  if (served.length > 1) return 'SPLIT';
  const targeted = flag.targetUsers.some((t) => t.keyIds.length > 0) || flag.rules.length > 0;
  return targeted || (flag.prerequisites?.length ?? 0) > 0 ? 'DEFAULT' : 'STATIC';
}

/** See the module comment. */
export class VaneServerProvider implements Provider {
  readonly metadata: ProviderMetadata = { name: 'vane-server' };
  readonly runsOn = 'server';
  readonly events = new OpenFeatureEventEmitter();
  readonly #options: VaneServerProviderOptions;
  #client: VaneServerClient | undefined;

  constructor(options: VaneServerProviderOptions) {
    this.#options = options;
  }

  /** The SDK client (created by `initialize` unless one was given). */
  get client(): VaneServerClient | undefined {
    return this.#client;
  }

  /** Connects and waits for the first sync; FATAL on a permanent failure, ERROR on timeout. */
  async initialize(): Promise<void> {
    const client =
      'client' in this.#options ? this.#options.client : new VaneServerClient(this.#options);
    this.#client = client;
    await connectProvider(
      client,
      this.events,
      ProviderEvents,
      this.#options.initTimeoutMs ?? 10_000,
    );
  }

  /** OpenFeature tracking: a metric event for the context's user (`details.value`, default 1). */
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    const user = userOfContext(context, this.#options);
    if (user !== undefined) this.#client?.track(user, eventName, details.value ?? 1);
  }

  /** Flushes events and closes the stream. */
  async onClose(): Promise<void> {
    await this.#client?.close();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.#resolve(flagKey, defaultValue, context, (c, u) =>
      c.boolVariationDetail(flagKey, u, defaultValue),
    );
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.#resolve(flagKey, defaultValue, context, (c, u) =>
      c.stringVariationDetail(flagKey, u, defaultValue),
    );
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.#resolve(flagKey, defaultValue, context, (c, u) =>
      c.numberVariationDetail(flagKey, u, defaultValue),
    );
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.#resolve(flagKey, defaultValue, context, (c, u) =>
      c.jsonVariationDetail<T>(flagKey, u, defaultValue),
    );
  }

  #resolve<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    evaluate: (client: VaneServerClient, user: VaneUser) => EvaluationDetail<T>,
  ): Promise<ResolutionDetails<T>> {
    const client = this.#client;
    if (client === undefined)
      return Promise.resolve(
        toResolution(
          {
            flagKey,
            value: defaultValue,
            variationId: null,
            kind: 'ClientNotReady',
            reason: 'not initialized',
          },
          'DEFAULT',
        ),
      );
    const user = userOfContext(context, this.#options);
    if (user === undefined) return Promise.resolve(missingKey(flagKey, defaultValue));
    const detail = evaluate(client, user);
    return Promise.resolve(toResolution(detail, fallthroughReason(client.flagDefinition(flagKey))));
  }
}

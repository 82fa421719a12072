// OpenFeature provider for the browser client SDK (`@openfeature/web-sdk`): results evaluated by
// ELS for the context's user; a context change is an `identify`.
import { OpenFeatureEventEmitter, ProviderEvents, ProviderFatalError } from '@openfeature/web-sdk';
import type {
  EvaluationContext,
  JsonValue,
  Provider,
  ProviderMetadata,
  ResolutionDetails,
  TrackingEventDetails,
} from '@openfeature/web-sdk';
import { VaneClient } from '../client/vane-client.js';
import type { VaneClientOptions } from '../client/vane-client.js';
import type { EvaluationDetail } from '../shared/evaluation-detail.js';
import { connectProvider } from './provider-lifecycle.js';
import { missingKey, toResolution, userOfContext } from './resolution.js';
import type { ContextOptions } from './resolution.js';

/** Options of the web provider: the client SDK's options without `user` (it comes from the context). */
export type VaneWebProviderOptions = Omit<VaneClientOptions, 'user'> &
  ContextOptions & {
    /** How long `initialize` waits for ELS's first answer (default 10000 ms); then ERROR. */
    readonly initTimeoutMs?: number;
  };

/** See the module comment. */
export class VaneWebProvider implements Provider {
  readonly metadata: ProviderMetadata = { name: 'vane-web' };
  readonly runsOn = 'client';
  readonly events = new OpenFeatureEventEmitter();
  readonly #options: VaneWebProviderOptions;
  #client: VaneClient | undefined;

  constructor(options: VaneWebProviderOptions) {
    this.#options = options;
  }

  /** The SDK client, once initialized. */
  get client(): VaneClient | undefined {
    return this.#client;
  }

  /** Connects as the context's user; FATAL on a permanent failure, ERROR on timeout. */
  async initialize(context: EvaluationContext = {}): Promise<void> {
    const user = userOfContext(context, this.#options);
    if (user === undefined)
      throw new ProviderFatalError('the evaluation context needs a targetingKey');
    const client = new VaneClient({ ...this.#options, user });
    this.#client = client;
    await connectProvider(
      client,
      this.events,
      ProviderEvents,
      this.#options.initTimeoutMs ?? 10_000,
    );
  }

  /** Identifies as the new context's user; resolves when ELS answered for them. */
  async onContextChange(old: EvaluationContext, context: EvaluationContext): Promise<void> {
    const user = userOfContext(context, this.#options);
    if (user === undefined || this.#client === undefined) return;
    const before = userOfContext(old, this.#options);
    if (JSON.stringify(before) === JSON.stringify(user)) return; // same user: nothing to fetch
    await this.#client.identify(user);
  }

  /** OpenFeature tracking: a metric event for the current user (`details.value`, default 1). */
  track(eventName: string, _context: EvaluationContext, details: TrackingEventDetails = {}): void {
    this.#client?.track(eventName, details.value ?? 1);
  }

  /** Flushes events and closes the stream. */
  async onClose(): Promise<void> {
    await this.#client?.close();
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): ResolutionDetails<boolean> {
    return this.#resolve(flagKey, defaultValue, context, (c) =>
      c.boolVariationDetail(flagKey, defaultValue),
    );
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): ResolutionDetails<string> {
    return this.#resolve(flagKey, defaultValue, context, (c) =>
      c.stringVariationDetail(flagKey, defaultValue),
    );
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): ResolutionDetails<number> {
    return this.#resolve(flagKey, defaultValue, context, (c) =>
      c.numberVariationDetail(flagKey, defaultValue),
    );
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    return this.#resolve(flagKey, defaultValue, context, (c) =>
      c.jsonVariationDetail<T>(flagKey, defaultValue),
    );
  }

  #resolve<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    evaluate: (client: VaneClient) => EvaluationDetail<T>,
  ): ResolutionDetails<T> {
    const client = this.#client;
    if (client === undefined)
      return toResolution(
        {
          flagKey,
          value: defaultValue,
          variationId: null,
          kind: 'ClientNotReady',
          reason: 'not initialized',
        },
        'DEFAULT',
      );
    if (userOfContext(context, this.#options) === undefined)
      return missingKey(flagKey, defaultValue);
    // A client SDK sees results, not rules: a fallthrough is reported as DEFAULT.
    return toResolution(evaluate(client), 'DEFAULT', client.result(flagKey)?.cached === true);
  }
}

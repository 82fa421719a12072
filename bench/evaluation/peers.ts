// Adapters for the two peers measured beside Vane: the evaluator inside the published
// @featbit/node-server-sdk (an internal class, reached through its CommonJS build) and
// @openfeature/flagd-core.
import * as nodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import { FlagdCore } from '@openfeature/flagd-core';
import type { FeatureFlag, Segment } from '@vane/core';

const require = createRequire(import.meta.url);
type FbEvaluator = {
  evaluate(key: string, ctx: unknown): [{ kind: string; value: string }, unknown];
};
const Evaluator = (
  require('@featbit/node-server-sdk/dist/cjs/evaluation/Evaluator.js') as {
    default: new (p: unknown, s: unknown) => FbEvaluator;
  }
).default;
const Context = (
  require('@featbit/node-server-sdk/dist/cjs/Context.js') as {
    default: { fromUser(u: unknown): unknown };
  }
).default;

/** FeatBit's Node evaluator over an in-memory store holding these flags and segments. */
export function featbitEvaluator(
  flags: FeatureFlag[],
  segments: Segment[],
): { evaluate(key: string, ctx: unknown): string } {
  const f = new Map(flags.map((x) => [x.key, x]));
  const s = new Map(segments.map((x) => [x.id, x]));
  const store = {
    get: (kind: { namespace: string }, key: string) =>
      kind.namespace === 'flags' ? f.get(key) : s.get(key),
  };
  const evaluator = new Evaluator({ crypto: nodeCrypto }, store);
  return { evaluate: (key, ctx) => evaluator.evaluate(key, ctx)[0].value };
}

/** FeatBit's evaluation context for a user (built once per user, outside the timing). */
export function featbitContext(user: unknown): unknown {
  return Context.fromUser(user);
}

/** flagd-core loaded with a flagd flag configuration. */
export function flagdCore(config: object): FlagdCore {
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify(config));
  return core;
}

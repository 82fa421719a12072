// Runs the OpenFeature specification's evaluation scenarios (`spec-assets/evaluation_v2.feature`,
// parsed with @cucumber/gherkin) against both Vane providers, through the real OpenFeature SDKs,
// with the spec's flag set loaded into a real ELS (in-process, memory adapters).
//
// A few scenarios or steps do not apply to Vane; each is listed in EXCLUDED with the reason, and
// the last test checks that every exclusion was used (none is stale or silently broad).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import type { Pickle } from '@cucumber/messages';
import { OpenFeature as ServerOpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { EvaluationContext, EvaluationDetails, JsonValue } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature, ProviderEvents as WebEvents } from '@openfeature/web-sdk';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketLike } from '../shared/stream-connection.js';
import { ElsHarness, HARNESS_ENV } from '../testing/els-harness.js';
import { VaneServerProvider } from './server-provider.js';
import { specFlagsToVane } from './spec-flags.js';
import { VaneWebProvider } from './web-provider.js';

type Kind = 'server' | 'web';

/** What does not apply, by scenario (whole) or by step; `kinds` limits it to one provider. */
const EXCLUDED: { scenario: string; step?: RegExp; kinds?: Kind[]; why: string }[] = [
  {
    scenario: 'Flag metadata in evaluation details',
    why: 'Vane flags carry no flag metadata; providers return none',
  },
  {
    scenario: 'CACHED reason',
    why: 'the server provider evaluates every call locally; the web provider reports CACHED only for results restored from localStorage before ELS answers (tested in openfeature-providers.test.ts)',
  },
  {
    scenario: 'DISABLED reason',
    step: /^the resolved details value should be/,
    why: "a disabled Vane flag serves its off variation (FeatBit semantics), not the caller's default; the reason DISABLED is still checked",
  },
  {
    scenario: 'Evaluation options with hooks',
    why: "tests the OpenFeature SDK's hook machinery, not the provider",
  },
  {
    scenario: 'Evaluation context immutability',
    why: "tests the OpenFeature SDK's context handling, not the provider",
  },
  {
    scenario: 'Asynchronous flag evaluation',
    kinds: ['web'],
    why: "the web SDK's evaluation API is synchronous by design (static context)",
  },
  {
    scenario: '*',
    step: /^the reason should be "STATIC"$/,
    kinds: ['web'],
    why: 'a client SDK receives results, never rules, so it cannot tell a static flag from a fallthrough and reports DEFAULT',
  },
];
const used = new Set<number>();

const assets = new URL('./spec-assets/', import.meta.url);
const featureText = readFileSync(new URL('evaluation_v2.feature', assets), 'utf8');
const flagSet = JSON.parse(readFileSync(new URL('test-flags.json', assets), 'utf8')) as Parameters<
  typeof specFlagsToVane
>[0];

function pickles(): readonly Pickle[] {
  const newId = IdGenerator.incrementing();
  const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(
    featureText,
  );
  return compile(doc, 'evaluation_v2.feature', newId);
}

let els: ElsHarness;
let staleEls: ElsHarness;
let closedPort: number;
const socket = (url: string, protocols: string[]): WebSocketLike =>
  new WebSocket(url, protocols) as unknown as WebSocketLike;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const silent = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

beforeAll(async () => {
  // Providers still initializing when the suite closes them log an error; nothing to see.
  ServerOpenFeature.setLogger(silent);
  WebOpenFeature.setLogger(silent);
  els = await ElsHarness.start({ events: 'none' });
  for (const flag of specFlagsToVane(flagSet)) els.seed(flag);
  staleEls = await ElsHarness.start({ events: 'none' });
  closedPort = await freePort();
});

afterAll(async () => {
  await ServerOpenFeature.close();
  await WebOpenFeature.close();
  await els.stop();
  await staleEls.stop();
});

type FlagType = 'Boolean' | 'String' | 'Integer' | 'Float' | 'Object';

function typed(type: FlagType, text: string): JsonValue {
  const t = text.replace(/\\"/g, '"');
  switch (type) {
    case 'Boolean':
      return t === 'true';
    case 'String':
      return t;
    case 'Integer':
    case 'Float':
      return Number(t);
    case 'Object':
      return JSON.parse(t) as JsonValue;
  }
}

/** One scenario's state. */
class World {
  domain = '';
  flag: { type: FlagType; key: string; fallback: JsonValue } | undefined;
  context: EvaluationContext = {};
  details: EvaluationDetails<JsonValue> | undefined;
  pending: unknown;
  static counter = 0;

  constructor(readonly kind: Kind) {}

  client() {
    return this.kind === 'server'
      ? ServerOpenFeature.getClient(this.domain)
      : WebOpenFeature.getClient(this.domain);
  }

  async provider(status: string): Promise<void> {
    const url = `ws://127.0.0.1:${closedPort}`;
    const base = {
      server: { secret: HARNESS_ENV.server, url: els.url },
      web: { secret: HARNESS_ENV.client, url: els.url, storage: null, createSocket: socket },
    }[this.kind];
    const reconnect = { initialDelayMs: 50, maxDelayMs: 200, goingAwayJitterMs: 20 };
    this.domain =
      status === 'stable' ? `stable-${this.kind}` : `${status}-${this.kind}-${++World.counter}`;
    if (status === 'stable') {
      if (String(this.client().providerStatus) === 'READY') return;
      await this.set({ ...base, reconnect }, true);
    } else if (status === 'not ready') {
      await this.set({ ...base, url, reconnect, initTimeoutMs: 60_000 }, false);
    } else if (status === 'error') {
      await this.set({ ...base, url, reconnect, initTimeoutMs: 100 }, true).catch(() => undefined);
    } else if (status === 'fatal') {
      await this.set({ ...base, secret: 'not-a-known-secret', reconnect }, true).catch(
        () => undefined,
      );
    } else if (status === 'stale') {
      const secret = this.kind === 'server' ? HARNESS_ENV.server : HARNESS_ENV.client;
      await this.set(
        { ...base, secret, url: staleEls.url, reconnect: { ...reconnect, initialDelayMs: 60_000 } },
        true,
      );
      const stale = new Promise<void>((resolve) => {
        if (this.kind === 'server')
          ServerOpenFeature.getClient(this.domain).addHandler(ProviderEvents.Stale, () =>
            resolve(),
          );
        else WebOpenFeature.getClient(this.domain).addHandler(WebEvents.Stale, () => resolve());
      });
      await staleEls.stop();
      await stale;
      await staleEls.resume();
    } else throw new Error(`unknown provider status ${status}`);
  }

  async set(options: Record<string, unknown>, wait: boolean): Promise<void> {
    if (this.kind === 'server') {
      const p = new VaneServerProvider(options);
      if (wait) await ServerOpenFeature.setProviderAndWait(this.domain, p);
      else ServerOpenFeature.setProvider(this.domain, p);
    } else {
      await WebOpenFeature.setContext(this.domain, { targetingKey: 'spec-user' });
      const p = new VaneWebProvider(options as never);
      if (wait) await WebOpenFeature.setProviderAndWait(this.domain, p);
      else WebOpenFeature.setProvider(this.domain, p);
    }
  }

  async evaluate(): Promise<void> {
    const f = this.flag;
    if (f === undefined) throw new Error('no flag');
    if (this.kind === 'server') {
      const c = ServerOpenFeature.getClient(this.domain);
      const ctx = this.context;
      const pending =
        f.type === 'Boolean'
          ? c.getBooleanDetails(f.key, f.fallback as boolean, ctx)
          : f.type === 'String'
            ? c.getStringDetails(f.key, f.fallback as string, ctx)
            : f.type === 'Object'
              ? c.getObjectDetails(f.key, f.fallback, ctx)
              : c.getNumberDetails(f.key, f.fallback as number, ctx);
      this.pending = pending;
      this.details = await pending;
    } else {
      if (String(WebOpenFeature.getClient(this.domain).providerStatus) === 'READY')
        await WebOpenFeature.setContext(this.domain, this.context);
      const c = WebOpenFeature.getClient(this.domain);
      this.details =
        f.type === 'Boolean'
          ? c.getBooleanDetails(f.key, f.fallback as boolean)
          : f.type === 'String'
            ? c.getStringDetails(f.key, f.fallback as string)
            : f.type === 'Object'
              ? c.getObjectDetails(f.key, f.fallback)
              : c.getNumberDetails(f.key, f.fallback as number);
    }
  }
}

const STEPS: [RegExp, (w: World, ...args: string[]) => Promise<void> | void][] = [
  [/^a (stable|not ready|fatal|error|stale) provider$/, (w, s) => w.provider(s ?? '')],
  [
    /^a (Boolean|String|Integer|Float|Object)-flag with key "(.*)" and a fallback value "(.*)"$/,
    (w, type, key, fallback) => {
      w.flag = {
        type: type as FlagType,
        key: key ?? '',
        fallback: typed(type as FlagType, fallback ?? ''),
      };
    },
  ],
  [
    /^a context containing a key "(.*)", with type "(.*)" and with value "(.*)"$/,
    (w, key, type, value) => {
      w.context = { ...w.context, [key ?? '']: typed(type as FlagType, value ?? '') };
    },
  ],
  [
    /^a context containing a key "(.*)" with null value$/,
    (w, key) => {
      w.context = { ...w.context, [key ?? '']: null };
    },
  ],
  [/^the flag was evaluated with details( asynchronously)?$/, (w) => w.evaluate()],
  [
    /^the resolved details value should be "(.*)"$/,
    (w, v) => {
      const f = w.flag;
      if (!f) throw new Error('no flag');
      expect(w.details?.value).toEqual(typed(f.type, v ?? ''));
    },
  ],
  [/^the reason should be "(.*)"$/, (w, r) => expect(w.details?.reason).toBe(r)],
  [/^the error-code should be "(.*)"$/, (w, c) => expect(w.details?.errorCode).toBe(c)],
  [/^the flag key should be "(.*)"$/, (w, k) => expect(w.details?.flagKey).toBe(k)],
  [/^the variant should be "(.*)"$/, (w, v) => expect(w.details?.variant).toBe(v)],
  [/^the provider status should be "(.*)"$/, (w, s) => expect(w.client().providerStatus).toBe(s)],
  [
    /^the evaluation should complete without blocking$/,
    (w) => expect(w.pending).toBeInstanceOf(Promise),
  ],
];

function exclusion(kind: Kind, scenario: string, step?: string): number {
  return EXCLUDED.findIndex(
    (e) =>
      (e.scenario === scenario || e.scenario === '*') &&
      (e.kinds === undefined || e.kinds.includes(kind)) &&
      (step === undefined ? e.step === undefined : e.step?.test(step) === true),
  );
}

async function run(kind: Kind, pickle: Pickle): Promise<number> {
  const world = new World(kind);
  let ran = 0;
  for (const step of pickle.steps) {
    const skip = exclusion(kind, pickle.name, step.text);
    if (skip >= 0) {
      used.add(skip);
      continue;
    }
    const match = STEPS.map(([re, fn]) => [re.exec(step.text), fn] as const).find(([m]) => m);
    if (match === undefined) throw new Error(`no step definition for "${step.text}"`);
    const [m, fn] = match;
    await fn(world, ...(m?.slice(1) ?? []));
    ran++;
  }
  return ran;
}

const all = pickles();

for (const kind of ['server', 'web'] as const) {
  describe(`OpenFeature ${kind} provider: evaluation_v2.feature`, () => {
    for (const pickle of all) {
      const label = pickle.steps.find(
        (s) => / provider$|-flag with key/.test(s.text) && !/stable/.test(s.text),
      );
      const name = `${pickle.name} (${label?.text ?? 'stable'})`;
      const whole = exclusion(kind, pickle.name);
      if (whole >= 0) {
        used.add(whole);
        it.skip(`${name} — not applicable: ${EXCLUDED[whole]?.why}`, () => undefined);
        continue;
      }
      it(name, async () => {
        expect(await run(kind, pickle)).toBeGreaterThan(1);
      });
    }
  });
}

describe('spec scenario exclusions', () => {
  it('parses the vendored feature into scenarios', () => {
    expect(all.length).toBeGreaterThan(60);
  });

  it('uses every exclusion (none is stale)', () => {
    expect(EXCLUDED.map((_, i) => i).filter((i) => !used.has(i))).toEqual([]);
  });
});

// The admin UI end to end, in real Chromium (playwright-core, Debian's chromium from the rig)
// against a running Vane: the embedded platform started in-process on free ports, with the UI
// built by Vite and served by the edge, talking gRPC-web to the admin API. A WebSocket SDK built
// from gen/ checks that what the UI saves reaches SDKs, and sends the events behind experiment
// results and insights. Screenshots of the main pages go to test-artifacts/web/ (and to
// web/screenshots/ with VANE_UPDATE_SCREENSHOTS=1, for the README).
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretKind } from '@vane/gen/web/vane/admin/v1/environment_service';
import type { Environment } from '@vane/gen/web/vane/admin/v1/environment_service';
import { SyncKind } from '@vane/gen/node/vane/sync/v1/sync';
import type { UserEvents } from '@vane/gen/node/vane/sync/v1/track';
import type { ServerFrame } from '@vane/gen/node/vane/sync/v1/frames';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { VariationType } from '@vane/gen/web/vane/model/v1/flag';
import { loadEmbeddedConfig, startEmbedded } from '@vane/embedded';
import type { RunningVane } from '@vane/embedded';
import { chromiumPath } from '@vane/scripts/rig';
import { createApi } from '../api/client.js';
import type { Api } from '../api/client.js';
import { buildUi } from './build-ui.js';
import { StreamClient } from './stream-client.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const shotDirs = [
  join(root, 'test-artifacts', 'web'),
  ...(process.env.VANE_UPDATE_SCREENSHOTS ? [join(root, 'web', 'screenshots')] : []),
];

let dir: string;
let vane: RunningVane;
let api: Api;
let browser: Browser;
let page: Page;
let env: Environment;
let segmentId: string;

async function shot(name: string): Promise<void> {
  for (const d of shotDirs) await page.screenshot({ path: join(d, `${name}.png`) });
}

const secret = (kind: SecretKind) => env.secrets.find((s) => s.kind === kind)!.value;

/** The flags of a sync frame's definitions (FULL or PATCH), if it has any. */
function syncedFlags(f: ServerFrame): FeatureFlag[] | undefined {
  if (f.kind?.$case !== 'sync') return undefined;
  const p = f.kind.value.payload;
  return p?.$case === 'definitions' ? p.value.flags : undefined;
}

/** Sends tracked events in frames of 100 users and returns how many events were accepted. */
async function track(sdk: StreamClient, users: UserEvents[]): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < users.length; i += 100) {
    sdk.send({
      kind: { $case: 'track', value: { requestId: i + 1, users: users.slice(i, i + 100) } },
    });
    const ack = await sdk.until((f) => (f.kind?.$case === 'trackAck' ? f.kind.value : undefined));
    accepted += ack.accepted;
  }
  return accepted;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vane-web-e2e-'));
  await Promise.all(shotDirs.map((d) => mkdir(d, { recursive: true })));
  const webDist = join(dir, 'web-dist');
  await buildUi(webDist);
  vane = await startEmbedded(
    {
      ...loadEmbeddedConfig({ VANE_DATA_DIR: join(dir, 'data'), VANE_WEB_DIST: webDist }),
      apiGrpcPort: 0,
      apiHttpPort: 0,
      analyticsGrpcPort: 0,
      analyticsHttpPort: 0,
      elsPort: 0,
      edgePort: 0,
    },
    pino({ level: 'silent' }),
  );
  // The tests' own setup goes through the same gRPC-web edge and client as the UI.
  api = createApi(vane.urls.edge, vane.ownerToken!);
  const { project } = await api.projects.createProject({
    key: 'shop',
    name: 'Shop',
    description: '',
  });
  ({ environment: env } = (await api.environments.createEnvironment({
    projectId: project!.id,
    key: 'prod',
    name: 'Production',
    description: '',
  })) as { environment: Environment });
  const { segment } = await api.segments.createSegment({
    envId: env.id,
    comment: '',
    segment: {
      id: '',
      envId: env.id,
      key: 'beta-users',
      name: 'Beta users',
      description: 'People who opted in to try new things',
      tags: [],
      included: ['ann', 'bob'],
      excluded: ['mallory'],
      rules: [
        {
          id: randomUUID(),
          name: 'Staff',
          conditions: [{ id: randomUUID(), property: 'email', op: 'EndsWith', value: '@vane.dev' }],
        },
      ],
      isArchived: false,
      creatorId: '',
      updaterId: '',
      revision: 0,
      version: 0,
    },
  });
  segmentId = segment!.id;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
}, 240_000);

afterEach(async (context) => {
  // A failed step leaves the page as it was: keep a picture of it.
  if (context.task.result?.state === 'fail' && page) {
    await page.screenshot({
      path: join(root, 'test-artifacts', 'web', `failed-${context.task.name.slice(0, 40)}.png`),
    });
    await page.goto(vane.urls.edge);
  }
});

afterAll(async () => {
  await browser?.close();
  await vane?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('admin UI in Chromium', () => {
  it('signs in: a wrong token is refused next to the field, the owner token works', async () => {
    await page.goto(vane.urls.edge);
    await page.getByLabel('Access token').fill('vane_not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/not accepted/);
    await shot('sign-in');
    // Keyboard only: type the token and press Enter.
    await page.getByLabel('Access token').fill(vane.ownerToken!);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Feature flags' }).waitFor();
    await page.getByText('No flags yet').waitFor();
  });

  it('creates a flag, adds a rule with a segment and a 30/70 rollout, saves, and a connected SDK gets it', async () => {
    const sdk = await StreamClient.connect(
      vane.urls.edgeSdkStream,
      'server',
      secret(SecretKind.SECRET_KIND_SERVER),
    );
    sdk.send({ kind: { $case: 'sync', value: { requestId: 1, version: 0 } } });
    const full = await sdk.next();
    expect(full.kind?.$case === 'sync' && full.kind.value.kind).toBe(SyncKind.SYNC_KIND_FULL);

    await page.getByRole('button', { name: 'New flag' }).click();
    await page.getByLabel('Name').fill('New checkout');
    expect(await page.getByLabel('Key').inputValue()).toBe('new-checkout');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.getByRole('heading', { name: /New checkout/ }).waitFor();
    await page.getByText('Revision 1').waitFor();

    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Rule 1 name').fill('Beta users');
    await page.getByRole('button', { name: 'Add segment condition' }).click();
    // Saving without a segment is stopped with the message next to the field.
    await page.getByRole('button', { name: 'Review and save' }).click();
    await page.getByText('Choose at least one segment.').waitFor();
    await page.getByLabel('Segments').selectOption(segmentId);
    await page.getByLabel('Percentage rollout').first().check();
    await page.getByLabel('Percent for On (true)').fill('30');
    await page.getByLabel('Percent for Off (false)').fill('60');
    await page.getByRole('button', { name: 'Review and save' }).click();
    await page.getByText('The shares add up to 90 %, not 100 %.').waitFor();
    await page.getByLabel('Percent for Off (false)').fill('70');
    await shot('flag-targeting');
    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review your changes' });
    await dialog.waitFor();
    const added = (await dialog.locator('.diff .added').allInnerTexts()).map((t) =>
      t.replace(/^\+\s*(added:)?\s*/, '').trimEnd(),
    );
    expect(added).toEqual([
      'Rule 1 "Beta users":',
      'if user is in segment Beta users',
      'then On 30 %, Off 70 %',
    ]);
    await dialog.getByLabel('Comment (optional)').fill('beta rollout');
    await shot('flag-review');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Revision 2').waitFor();

    const saved = await sdk.until((f) =>
      syncedFlags(f)?.find((x) => x.key === 'new-checkout' && x.rules.length === 1),
    );
    expect(saved.rules[0]!.name).toBe('Beta users');
    expect(saved.rules[0]!.conditions).toEqual([
      expect.objectContaining({
        property: 'User is in segment',
        value: JSON.stringify([segmentId]),
      }),
    ]);
    const on = saved.variations.find((v) => v.value === 'true')!.id;
    const off = saved.variations.find((v) => v.value === 'false')!.id;
    expect(saved.rules[0]!.variations).toEqual([
      { variationId: on, rolloutStart: 0, rolloutEnd: 0.3, exptRollout: 1 },
      { variationId: off, rolloutStart: 0.3, rolloutEnd: 1, exptRollout: 1 },
    ]);

    // Toggle from the list, with the keyboard: the SDK sees the flag switched on.
    await page.getByRole('link', { name: 'Feature flags' }).first().click();
    const toggle = page.getByRole('switch', { name: 'Turn new-checkout on' });
    await toggle.focus();
    await page.keyboard.press('Space');
    await page.getByRole('switch', { name: 'Turn new-checkout off' }).waitFor();
    const toggled = await sdk.until((f) =>
      syncedFlags(f)?.find((x) => x.key === 'new-checkout' && x.isEnabled),
    );
    expect(toggled.rules).toHaveLength(1);
    await shot('flags');
    sdk.close();

    const { revisions } = await api.flags.listFeatureFlagRevisions({
      envId: env.id,
      key: 'new-checkout',
      page: { pageSize: 10, pageToken: '' },
    });
    expect(revisions.map((r) => [r.revision, r.comment])).toEqual([
      [3, ''],
      [2, 'beta rollout'],
      [1, ''],
    ]);

    // The history tab lists the revisions; each opens its diff to the one before.
    await page.goto(`${vane.urls.edge}/#/flags/new-checkout/history`);
    const revision2 = page.getByRole('button', { name: /Revision 2 · update .*beta rollout/ });
    await revision2.click();
    await page.locator('.revisions .diff .added').first().waitFor();
    expect(await page.locator('.revisions .diff .added').allInnerTexts()).toContainEqual(
      expect.stringContaining('then On 30 %, Off 70 %'),
    );
    await page.getByRole('cell', { name: 'toggle (revision 3)' }).waitFor();
    await shot('flag-history');
  });

  it('shows a conflict when someone else saved first, and reloads their version', async () => {
    await page.goto(`${vane.urls.edge}/#/flags/new-checkout`);
    await page.getByLabel('Rule 1 name').fill('Beta testers');
    // Someone else changes the flag meanwhile (revision 3 → 4).
    const { flag } = await api.flags.getFeatureFlag({ envId: env.id, key: 'new-checkout' });
    await api.flags.updateFeatureFlag({
      envId: env.id,
      key: 'new-checkout',
      flag: { ...flag!, description: 'changed elsewhere' },
      updateMask: ['description'],
      expectedRevision: flag!.revision,
      comment: 'colleague',
    });
    await page.getByRole('button', { name: 'Review and save' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    const alert = page.getByText('Someone else saved this flag first.');
    await alert.waitFor();
    expect(await page.locator('.conflict').innerText()).toContain('revision 4');
    await shot('flag-conflict');
    const after = await api.flags.getFeatureFlag({ envId: env.id, key: 'new-checkout' });
    expect(after.flag!.rules[0]!.name).toBe('Beta users');
    await page.getByRole('button', { name: 'Reload their version' }).click();
    await page.getByText('Revision 4').waitFor();
    expect(await page.getByLabel('Rule 1 name').inputValue()).toBe('Beta users');

    // "Test a user": ann is in the segment, so the rule decides; zed gets the default.
    await page.getByLabel('User key').fill('ann');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => page.locator('.preview-result').innerText()).toMatch(/\(Beta users\)$/);
    await page.getByLabel('User key').fill('zed');
    await page.getByLabel('Properties').fill('country');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await page.getByText('“country” is not name=value.').waitFor();
    await page.getByRole('button', { name: 'Remove country' }).click();
    await page.getByRole('button', { name: 'Evaluate' }).click();
    await expect.poll(() => page.locator('.preview-result').innerText()).toMatch(/^Serves true \(/);
    expect(await page.locator('.preview-result').innerText()).not.toContain('Beta users');

    // A smaller laptop screen: the editor fits without horizontal scrolling.
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      1280,
    );
    await page.setViewportSize({ width: 1440, height: 900 });

    // The environment's audit log has the colleague's change with its comment and diff.
    await page.getByRole('link', { name: 'Audit log' }).click();
    const entry = page.getByRole('button', {
      name: /update feature flag new-checkout · “colleague”/,
    });
    await entry.click();
    await page.locator('.audit .diff .added').first().waitFor();
    expect(await page.locator('.audit .diff').innerText()).toContain('changed elsewhere');
    await shot('audit-log');
  });

  it('shows field violations from the server next to the field', async () => {
    await page.goto(`${vane.urls.edge}/#/flags`);
    await page.getByRole('button', { name: 'New flag' }).click();
    await page.getByLabel('Name').fill('Duplicate');
    await page.getByLabel('Key').fill('new-checkout');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.getByText(/That key is already taken/).waitFor();
    await page.keyboard.press('Escape');
  });

  it('shows the segment with its users, rules and the flags that use it', async () => {
    await page.goto(`${vane.urls.edge}/#/segments/beta-users`);
    await page.getByRole('heading', { name: /Beta users/ }).waitFor();
    await page.getByRole('link', { name: 'New checkout' }).waitFor();
    expect(await page.getByLabel('Always included').locator('xpath=..').innerText()).toContain(
      'ann',
    );
    await shot('segment');
    await page.getByLabel('Always included').fill('carol');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Revision 2').waitFor();
    const { segment } = await api.segments.getSegment({ envId: env.id, key: 'beta-users' });
    expect(segment!.included).toEqual(['ann', 'bob', 'carol']);

    // A new segment with a rule built in the condition builder.
    await page.getByRole('link', { name: '← Segments' }).click();
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Dutch users');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('heading', { name: /Dutch users/ }).waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Attribute').fill('country');
    await page.getByLabel('Operator').selectOption({ label: 'is one of' });
    await page.getByLabel('Values').fill('NL, BE');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Revision 2').waitFor();
    const dutch = await api.segments.getSegment({ envId: env.id, key: 'dutch-users' });
    expect(dutch.segment!.rules[0]!.conditions).toEqual([
      expect.objectContaining({ property: 'country', op: 'IsOneOf', value: '["NL","BE"]' }),
    ]);
  });

  it('creates a metric and an experiment, starts it, and shows results after events are sent', async () => {
    const classicId = randomUUID();
    const compactId = randomUUID();
    const { flag } = await api.flags.createFeatureFlag({
      envId: env.id,
      comment: '',
      flag: {
        id: '',
        envId: env.id,
        key: 'pricing-page',
        name: 'Pricing page',
        description: '',
        tags: ['growth'],
        variationType: VariationType.VARIATION_TYPE_STRING,
        variations: [
          { id: classicId, name: 'Classic', value: 'classic' },
          { id: compactId, name: 'Compact', value: 'compact' },
        ],
        isEnabled: true,
        disabledVariationId: '',
        targetUsers: [],
        rules: [],
        fallthrough: {
          dispatchKey: '',
          includedInExpt: true,
          variations: [
            { variationId: classicId, rolloutStart: 0, rolloutEnd: 0.5, exptRollout: 1 },
            { variationId: compactId, rolloutStart: 0.5, rolloutEnd: 1, exptRollout: 1 },
          ],
        },
        exptIncludeAllTargets: true,
        isArchived: false,
        prerequisites: [],
        creatorId: '',
        updaterId: '',
        revision: 0,
        version: 0,
      },
    });
    const [classic, compact] = flag!.variations;

    await page.goto(`${vane.urls.edge}/#/metrics`);
    await page.getByRole('button', { name: 'New metric' }).click();
    await page.getByRole('button', { name: 'Create metric' }).click();
    await page.getByText('Name the event SDKs track.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Purchases');
    await page.getByLabel('Event name').fill('purchase');
    await page.getByRole('button', { name: 'Create metric' }).click();
    await page.getByRole('cell', { name: 'Purchases' }).waitFor();

    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByRole('button', { name: 'New experiment' }).click();
    const dialog = page.getByRole('dialog', { name: 'New experiment' });
    await dialog.getByLabel('Name').fill('Compact pricing');
    await dialog.getByLabel('Flag').selectOption(flag!.id);
    await dialog.getByLabel('Metric').selectOption({ label: 'Purchases (purchase)' });
    await dialog.getByLabel('Baseline variation').selectOption(classic!.id);
    await dialog.getByRole('button', { name: 'Create experiment' }).click();
    await page.getByRole('heading', { name: 'Compact pricing' }).waitFor();
    await page.getByRole('button', { name: 'Start the experiment' }).click();
    await page.getByRole('button', { name: 'Stop iteration' }).waitFor();
    await page.getByText('No exposures yet').waitFor();

    // A server SDK reports 400 users per variation; 10 % of Classic's and 25 % of Compact's buy.
    const sdk = await StreamClient.connect(
      vane.urls.edgeSdkStream,
      'server',
      secret(SecretKind.SECRET_KIND_SERVER),
    );
    const now = Date.now();
    const users = Array.from({ length: 800 }, (_, i) => {
      const variation = i % 2 === 0 ? classic! : compact!;
      const n = Math.floor(i / 2);
      const buys = variation === classic ? n % 10 === 0 : n % 4 === 0;
      return {
        user: {
          keyId: `user-${i}`,
          name: `User ${i}`,
          customProperties: [{ name: 'plan', value: i % 3 ? 'free' : 'pro' }],
        },
        flagEvaluations: [
          {
            eventId: randomUUID(),
            timestampMs: now + 1000,
            flagKey: 'pricing-page',
            variationId: variation.id,
            sendToExperiment: true,
            reason: 'default',
          },
        ],
        metrics: buys
          ? [
              {
                eventId: randomUUID(),
                timestampMs: now + 2000,
                eventName: 'purchase',
                numericValue: 1,
                type: 'CustomEvent',
                route: '/pricing',
                appType: 'web',
              },
            ]
          : [],
      };
    });
    const accepted = await track(sdk, users);
    expect(accepted).toBe(800 + 40 + 100);
    sdk.close();

    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.locator('.results').innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      // every exposure and every conversion counted
      .toMatch(/^800 exposed users[\s\S]*10\.00 %[\s\S]*25\.00 %/);
    const compactCard = page.getByRole('region', { name: 'Variation Compact' });
    await compactCard.getByText('Chance to beat baseline').waitFor();
    expect(await compactCard.innerText()).toMatch(/25\.00 %/);
    expect(await page.getByRole('region', { name: 'Variation Classic' }).innerText()).toMatch(
      /10\.00 %/,
    );
    await page.getByRole('img', { name: /Relative lift/ }).waitFor();
    await page.getByText(/Compact.*is the winner/).waitFor();
    // Traffic matched the flag's 50/50 split: no sample-ratio warning.
    expect(await page.getByText('Sample ratio mismatch').count()).toBe(0);
    await shot('experiment-results');

    // The same evaluations feed the flag's insights chart.
    await page.goto(`${vane.urls.edge}/#/flags/pricing-page/insights`);
    await page.getByRole('img', { name: /Evaluations of pricing-page/ }).waitFor();
    expect(await page.locator('table.list').innerText()).toMatch(/Compact\s+400\s+400/);
    await shot('flag-insights');

    // And the end users the SDK reported can be searched, with the flags they get.
    await page.goto(`${vane.urls.edge}/#/users`);
    await page.getByPlaceholder('Search by key or name').fill('user-77');
    await page.getByRole('link', { name: 'user-77', exact: true }).click();
    await page.getByRole('heading', { name: 'user-77' }).waitFor();
    await page.getByRole('cell', { name: 'Pricing page' }).waitFor();
    await shot('end-user');

    // A second iteration whose traffic is skewed 5:1 against the flag's 50/50 split: the
    // sample-ratio check warns.
    await page.goto(`${vane.urls.edge}/#/experiments`);
    await page.getByRole('link', { name: 'Compact pricing' }).click();
    await page.getByRole('button', { name: 'Stop iteration' }).click();
    await page.getByRole('button', { name: 'Start a new iteration' }).click();
    await page.getByRole('button', { name: 'Stop iteration' }).waitFor();
    await page.getByText('No exposures yet').waitFor();
    const later = Date.now() + 1000;
    const skewed: UserEvents[] = Array.from({ length: 600 }, (_, i) => ({
      user: { keyId: `skew-${i}`, name: '', customProperties: [] },
      flagEvaluations: [
        {
          eventId: randomUUID(),
          timestampMs: later,
          flagKey: 'pricing-page',
          variationId: i % 6 === 0 ? compactId : classicId,
          sendToExperiment: true,
          reason: 'default',
        },
      ],
      metrics: [],
    }));
    const sdk2 = await StreamClient.connect(
      vane.urls.edgeSdkStream,
      'server',
      secret(SecretKind.SECRET_KIND_SERVER),
    );
    expect(await track(sdk2, skewed)).toBe(600);
    sdk2.close();
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.locator('.results').innerText();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toMatch(/^600 exposed users/);
    await page.getByText('Sample ratio mismatch.').waitFor();
    await shot('experiment-srm');
  });

  it('filters the flag list, and archives and restores a flag', async () => {
    await page.goto(`${vane.urls.edge}/#/flags`);
    const names = () => page.locator('table.list tbody a.strong').allInnerTexts();
    await expect.poll(names).toEqual(['Pricing page', 'New checkout']);
    await page.getByRole('button', { name: 'growth' }).click();
    await expect.poll(names).toEqual(['Pricing page']);
    await page.getByRole('button', { name: 'growth' }).click();
    await page.getByPlaceholder('Search by key or name').fill('checkout');
    await expect.poll(names).toEqual(['New checkout']);
    await page.getByPlaceholder('Search by key or name').fill('');
    await page.getByLabel('Status').selectOption('off');
    await page.getByText('No flag matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('all');

    await page.getByRole('link', { name: 'New checkout' }).click();
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('button', { name: 'Restore' }).waitFor();
    expect(
      (await api.flags.getFeatureFlag({ envId: env.id, key: 'new-checkout' })).flag,
    ).toMatchObject({ isArchived: true });
    await page.getByRole('link', { name: '← Feature flags' }).click();
    await expect.poll(names).toEqual(['Pricing page']);
    await page.getByLabel('Status').selectOption('archived');
    await expect.poll(names).toEqual(['New checkout']);
    await page.getByRole('link', { name: 'New checkout' }).click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('button', { name: 'Archive' }).waitFor();
    expect(
      (await api.flags.getFeatureFlag({ envId: env.id, key: 'new-checkout' })).flag,
    ).toMatchObject({ isArchived: false });
  });

  it('creates an access token that is shown once and works', async () => {
    await page.goto(`${vane.urls.edge}/#/tokens`);
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New access token' });
    await dialog.getByLabel('Name').fill('Read-only dashboard');
    await dialog.getByLabel('Role').selectOption({ label: 'Viewer (read only)' });
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const token = await page.locator('pre.token').innerText();
    expect(token).toMatch(/^vane_/);
    const viewer = createApi(vane.urls.edge, token);
    const { projects } = await viewer.projects.listProjects({
      page: { pageSize: 10, pageToken: '' },
      query: '',
    });
    expect(projects.map((p) => p.key)).toEqual(['shop']);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'Read-only dashboard' }).waitFor();
    await shot('access-tokens');
  });

  it('copies and rotates an SDK key', async () => {
    await page.goto(`${vane.urls.edge}/#/keys`);
    const before = secret(SecretKind.SECRET_KIND_SERVER);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: vane.urls.edge,
    });
    const row = page.getByRole('row', { name: /server/ }).first();
    await row.getByRole('button', { name: 'Copy' }).click();
    await row.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(before);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Rotate' }).click();
    await expect
      .poll(async () => {
        const { environment } = await api.environments.getEnvironment({ id: env.id });
        return environment!.secrets.find((s) => s.kind === SecretKind.SECRET_KIND_SERVER)!.value;
      })
      .not.toBe(before);
    await shot('keys');
  });
});

// Issue 14, "Evaluation can never freeze the server": the admin API refuses a pattern that
// backtracks exponentially, and the same pattern arriving another way (here an old journal)
// evaluates in linear time through OFREP with the public client key, while an admin call made
// at the same moment in the same process completes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createVaneClient, vaneChannel, VaneCallError } from '@vane/grpc-client';
import {
  EnvironmentServiceDefinition,
  SecretKind,
} from '@vane/gen/node/vane/admin/v1/environment_service';
import { FeatureFlagServiceDefinition } from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ProjectServiceDefinition } from '@vane/gen/node/vane/admin/v1/project_service';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { TargetingRule } from '@vane/gen/node/vane/model/v1/flag';
import { loadEmbeddedConfig } from './embedded-config.js';
import { startEmbedded } from './start-embedded.js';

const EVIL = '(a+)+$';
const HARMLESS = '^b+$';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function start(dataDir: string) {
  return startEmbedded(
    {
      ...loadEmbeddedConfig({ VANE_DATA_DIR: dataDir }),
      apiGrpcPort: 0,
      apiHttpPort: 0,
      analyticsGrpcPort: 0,
      analyticsHttpPort: 0,
      elsPort: 0,
      edgePort: 0,
    },
    pino({ level: 'silent' }),
  );
}

function clients(address: string, token: string) {
  const admin = vaneChannel(address);
  return {
    projects: createVaneClient(ProjectServiceDefinition, admin, { token }),
    envs: createVaneClient(EnvironmentServiceDefinition, admin, { token }),
    flags: createVaneClient(FeatureFlagServiceDefinition, admin, { token }),
  };
}

async function failure(call: Promise<unknown>): Promise<{ code: number; fields: string[] }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof VaneCallError)) throw err;
    return { code: err.code, fields: (err.info?.fieldViolations ?? []).map((f) => f.field) };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

function regexRule(pattern: string, variationId: string): TargetingRule {
  return {
    id: '',
    name: 'regex',
    dispatchKey: '',
    includedInExpt: true,
    conditions: [{ id: '', property: 'email', op: 'MatchRegex', value: pattern }],
    variations: [{ variationId, rolloutStart: 0, rolloutEnd: 1, exptRollout: 1 }],
  };
}

describe('regex safety (issue 14)', () => {
  it('refuses an exponential pattern on write, and one stored in an old journal evaluates promptly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vane-regex-'));
    dirs.push(dataDir);
    let vane = await start(dataDir);
    const token = vane.ownerToken!;
    let api = clients(vane.urls.adminGrpc, token);
    const { project } = await api.projects.createProject({
      key: 'rx',
      name: 'Rx',
      description: '',
    });
    const { environment } = await api.envs.createEnvironment({
      projectId: project!.id,
      key: 'dev',
      name: 'Dev',
      description: '',
    });
    const envId = environment!.id;
    const { flag } = await api.flags.createFeatureFlag({
      envId,
      comment: '',
      flag: FeatureFlag.fromPartial({
        key: 'gate',
        name: 'Gate',
        variationType: VariationType.VARIATION_TYPE_BOOLEAN,
        isEnabled: true,
      }),
    });
    const off = flag!.variations.find((v) => v.value === 'false')!.id;
    const update = (pattern: string, expectedRevision: number) =>
      api.flags.updateFeatureFlag({
        envId,
        key: 'gate',
        flag: FeatureFlag.fromPartial({ rules: [regexRule(pattern, off)] }),
        updateMask: ['rules'],
        expectedRevision,
        comment: '',
      });

    // The admin API refuses the pattern, naming the condition's field.
    const refused = await failure(update(EVIL, flag!.revision));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.fields).toContain('flag.rules[0].conditions[0].value');

    // A harmless pattern is stored; the journal is then edited as an old Vane could have left it.
    await update(HARMLESS, flag!.revision);
    await vane.stop();
    const journal = join(dataDir, 'store', 'journal.jsonl');
    const text = await readFile(journal, 'utf8');
    expect(text).toContain(JSON.stringify(HARMLESS));
    await writeFile(journal, text.replaceAll(JSON.stringify(HARMLESS), JSON.stringify(EVIL)));
    vane = await start(dataDir);
    api = clients(vane.urls.adminGrpc, token);

    const secret = environment!.secrets.find(
      (s) => s.kind === SecretKind.SECRET_KIND_CLIENT,
    )!.value;
    const ofrep = async (email: string): Promise<unknown> => {
      const res = await fetch(`${vane.urls.edge}/ofrep/v1/evaluate/flags/gate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ context: { targetingKey: 'u1', email } }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { value: unknown }).value;
    };
    // 4,000 a's and a '!' (OFREP takes attributes up to 4,096 characters): a backtracking
    // engine tries about 2^4000 ways to split the a's; RE2 reads the input once.
    const [evil, admin] = await Promise.all([
      ofrep(`${'a'.repeat(4000)}!`),
      api.flags.getFeatureFlag({ envId, key: 'gate' }),
    ]);
    expect(evil).toBe(true); // no match: the fallthrough serves true
    expect(admin.flag?.rules[0]?.conditions[0]?.value).toBe(EVIL);
    expect(await ofrep('aaaa')).toBe(false); // a match: the rule serves false
    await vane.stop();
  });
});

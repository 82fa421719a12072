// `vane flags …`: list, show, create, toggle, archive, restore and delete the flags of an
// environment, and evaluate them for a user (on the server, or locally from an export).
import type { Command } from 'commander';
import { Option } from 'commander';
import { EvaluationResult } from '@vane/gen/node/vane/model/v1/evaluation';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { Variation } from '@vane/gen/node/vane/model/v1/flag';
import {
  VARIATION_TYPE_NAMES,
  parseVariationType,
  reasonKindName,
  variationTypeName,
} from '../enum-names.js';
import { parseExport } from '../environment-transfer.js';
import { evaluateExport } from '../offline-evaluation.js';
import { UsageError, listAllFlags } from '../resolve.js';
import {
  addItemListOptions,
  addRevisionedVerbs,
  collect,
  commaList,
  envOption,
  itemFilter,
  parsePairs,
  readInputFile,
  table,
} from './command-context.js';
import type { CommandContext, ItemListOptions } from './command-context.js';

interface CreateOptions {
  env?: string;
  name?: string;
  description: string;
  type: string;
  variation?: string[];
  tags?: string;
  on?: boolean;
}

interface EvalOptions {
  env?: string;
  file?: string;
  user: string;
  userName: string;
  attr?: string[];
}

/** Adds `flags` to `program`. */
export function addFlagCommands(program: Command, ctx: CommandContext): void {
  const flags = program.command('flags').description('manage and evaluate feature flags');
  addItemListOptions(
    flags.command('list').description('list the flags of an environment'),
    'flags',
  ).action(async (o: ItemListOptions) => {
    const env = await ctx.envOf(o);
    const all = await listAllFlags(ctx.api(), env.id, itemFilter(ctx, o));
    ctx.print(
      all.map((f) => FeatureFlag.toJSON(f)),
      () =>
        table(
          all.map((f) => [
            f.key,
            f.isEnabled ? 'on' : 'off',
            variationTypeName(f.variationType),
            f.name,
          ]),
        ),
    );
  });
  flags
    .command('get <key>')
    .description('show a flag (JSON)')
    .addOption(envOption())
    .action(async (key: string, o: { env?: string }) => {
      const env = await ctx.envOf(o);
      const { flag } = await ctx.api().flags.getFeatureFlag({ envId: env.id, key });
      const value = FeatureFlag.toJSON(flag!);
      ctx.print(value, () => JSON.stringify(value, null, 2));
    });
  flags
    .command('create <key>')
    .description('create a flag (boolean on/off by default)')
    .addOption(envOption())
    .option('--name <name>', 'display name (default: the key)')
    .option('--description <text>', 'description', '')
    .addOption(
      new Option('--type <type>', 'variation type')
        .choices(VARIATION_TYPE_NAMES)
        .default(variationTypeName(VariationType.VARIATION_TYPE_BOOLEAN)),
    )
    .option(
      '--variation <name=value>',
      'a variation (repeat; required for string, number and json flags)',
      collect,
    )
    .option('--tags <a,b>', 'comma-separated tags')
    .option('--on', 'create it enabled')
    .action(async (key: string, o: CreateOptions) => {
      const variationType = parseVariationType(o.type);
      const variations: Variation[] = parsePairs(o.variation ?? [], '--variation').map(
        ([name, value]) => ({ id: '', name, value }),
      );
      if (variationType !== VariationType.VARIATION_TYPE_BOOLEAN && variations.length < 2) {
        throw new UsageError(`a ${o.type} flag needs at least two --variation name=value options`);
      }
      const env = await ctx.envOf(o);
      const { flag } = await ctx.api().flags.createFeatureFlag({
        envId: env.id,
        comment: 'vane flags create',
        flag: FeatureFlag.fromPartial({
          key,
          name: o.name ?? key,
          description: o.description,
          variationType,
          variations,
          tags: commaList(o.tags),
          isEnabled: o.on === true,
        }),
      });
      ctx.print(
        FeatureFlag.toJSON(flag!),
        () => `created flag ${flag!.key} (${flag!.isEnabled ? 'on' : 'off'})`,
      );
    });
  flags
    .command('toggle <key> <state>')
    .description('turn a flag on or off (state: on | off)')
    .addOption(envOption())
    .action(async (key: string, state: string, o: { env?: string }) => {
      if (state !== 'on' && state !== 'off') {
        throw new UsageError(`the state is "on" or "off", got "${state}"`);
      }
      const env = await ctx.envOf(o);
      const api = ctx.api();
      const { flag: current } = await api.flags.getFeatureFlag({ envId: env.id, key });
      const { flag } = await api.flags.toggleFeatureFlag({
        envId: env.id,
        key,
        enabled: state === 'on',
        expectedRevision: current!.revision,
        comment: 'vane flags toggle',
      });
      ctx.print(FeatureFlag.toJSON(flag!), () => `${key} is ${flag!.isEnabled ? 'on' : 'off'}`);
    });
  addRevisionedVerbs(
    flags,
    ctx,
    'flag',
    [
      ['archive', 'archive a flag (SDKs stop receiving it)', 'archived'],
      ['restore', 'restore an archived flag', 'restored'],
      ['delete', 'delete an archived flag for good', 'deleted'],
    ],
    async (api, envId, key) => (await api.flags.getFeatureFlag({ envId, key })).flag!.revision,
    (api, verb, req) =>
      verb === 'archive'
        ? api.flags.archiveFeatureFlag(req)
        : verb === 'restore'
          ? api.flags.restoreFeatureFlag(req)
          : api.flags.deleteFeatureFlag(req),
  );
  flags
    .command('eval [keys...]')
    .alias('evaluate')
    .description(
      'evaluate flags (all when no key is given) for a user: on the server, or locally from an export with --file',
    )
    .addOption(envOption())
    .option('-f, --file <export.json>', 'evaluate this export locally with @vane/core, no server')
    .requiredOption('-u, --user <keyId>', "the user's key")
    .option('--user-name <name>', "the user's name", '')
    .option('-a, --attr <name=value>', 'a user attribute (repeat)', collect)
    .action(async (keys: string[], o: EvalOptions) => {
      const customProperties = parsePairs(o.attr ?? [], '--attr').map(([name, value]) => ({
        name,
        value,
      }));
      if (o.file) {
        const results = evaluateExport(parseExport(await readInputFile(o.file), o.file), keys, {
          keyId: o.user,
          name: o.userName,
          customizedProperties: customProperties,
        });
        ctx.print(results, () => table(results.map((r) => [r.flagKey, r.value, r.reason])));
        return;
      }
      const env = await ctx.envOf(o);
      const { results } = await ctx.api().flags.evaluateFeatureFlags({
        envId: env.id,
        keys,
        user: { keyId: o.user, name: o.userName, customProperties },
      });
      ctx.print(
        results.map((r) => EvaluationResult.toJSON(r)),
        () =>
          table(results.map((r) => [r.flagKey, r.value, r.reason || reasonKindName(r.reasonKind)])),
      );
    });
}

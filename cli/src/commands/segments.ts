// `vane segments …`: list, show, create, archive and delete the segments of an environment.
import type { Command } from 'commander';
import { Segment } from '@vane/gen/node/vane/model/v1/segment';
import { listAllSegments } from '../resolve.js';
import {
  addItemListOptions,
  addRevisionedVerbs,
  commaList,
  envOption,
  itemFilter,
  table,
} from './command-context.js';
import type { CommandContext, ItemListOptions } from './command-context.js';

/** Adds `segments` to `program`. */
export function addSegmentCommands(program: Command, ctx: CommandContext): void {
  const segments = program.command('segments').description('manage segments');
  addItemListOptions(
    segments.command('list').description('list the segments of an environment'),
    'segments',
  ).action(async (o: ItemListOptions) => {
    const env = await ctx.envOf(o);
    const all = await listAllSegments(ctx.api(), env.id, itemFilter(ctx, o));
    ctx.print(
      all.map((s) => Segment.toJSON(s)),
      () =>
        table(
          all.map((s) => [
            s.key,
            s.name,
            `${s.included.length} included, ${s.excluded.length} excluded, ${s.rules.length} rules`,
          ]),
        ),
    );
  });
  segments
    .command('get <key>')
    .description('show a segment (JSON)')
    .addOption(envOption())
    .action(async (key: string, o: { env?: string }) => {
      const env = await ctx.envOf(o);
      const { segment } = await ctx.api().segments.getSegment({ envId: env.id, key });
      const value = Segment.toJSON(segment!);
      ctx.print(value, () => JSON.stringify(value, null, 2));
    });
  segments
    .command('create <key>')
    .description('create a segment of listed users')
    .addOption(envOption())
    .option('--name <name>', 'display name (default: the key)')
    .option('--description <text>', 'description', '')
    .option('--include <keys>', 'comma-separated user keys always in the segment')
    .option('--exclude <keys>', 'comma-separated user keys never in the segment')
    .action(
      async (
        key: string,
        o: { env?: string; name?: string; description: string; include?: string; exclude?: string },
      ) => {
        const env = await ctx.envOf(o);
        const { segment } = await ctx.api().segments.createSegment({
          envId: env.id,
          comment: 'vane segments create',
          segment: Segment.fromPartial({
            key,
            name: o.name ?? key,
            description: o.description,
            included: commaList(o.include),
            excluded: commaList(o.exclude),
          }),
        });
        ctx.print(Segment.toJSON(segment!), () => `created segment ${segment!.key}`);
      },
    );
  addRevisionedVerbs(
    segments,
    ctx,
    'segment',
    [
      ['archive', 'archive a segment', 'archived'],
      ['delete', 'delete an archived segment for good', 'deleted'],
    ],
    async (api, envId, key) => (await api.segments.getSegment({ envId, key })).segment!.revision,
    (api, verb, req) =>
      verb === 'archive' ? api.segments.archiveSegment(req) : api.segments.deleteSegment(req),
  );
}

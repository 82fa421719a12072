// What every command group shares: the connection (opened on first use, closed after the
// action), the global options (--address, --token, --json, --page-size), output as text or JSON,
// and the small argument readers (`name=value`, `a,b`, files, `-e project/env`).
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { Environment } from '@vane/gen/node/vane/admin/v1/environment_service';
import { connectAdminApi } from '../admin-client.js';
import type { AdminApi } from '../admin-client.js';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import { MAX_PAGE_SIZE, UsageError, findEnvironment } from '../resolve.js';
import type { ItemFilter, ListOptions } from '../resolve.js';

/** Where the CLI reads its defaults and writes its output. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7070';

/** What a command's action uses: the API, the output and the global options. */
export interface CommandContext {
  readonly io: CliIo;
  /** The admin API client, connected on first use. */
  api(): AdminApi;
  /** How lists are read (`--page-size`). */
  listOptions(): ListOptions;
  /** Prints `value` as JSON with --json, else `text()`. */
  print(value: unknown, text: () => string): void;
  /** The environment of `-e` / VANE_ENV; a UsageError when neither names one. */
  envOf(o: { env?: string }): Promise<Environment>;
}

/** The owner token `npm start` keeps in its data folder, when there is one. */
function savedToken(io: CliIo): string | undefined {
  const file = join(io.cwd, io.env.VANE_DATA_DIR?.trim() || '.vane', 'owner-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** Adds the global options to `program` and returns the context its commands share. */
export function createCommandContext(program: Command, io: CliIo): CommandContext {
  program
    .option(
      '--address <host:port>',
      `admin API gRPC address (env VANE_ADDRESS, default ${DEFAULT_ADDRESS})`,
    )
    .option(
      '--token <token>',
      'access token (env VANE_TOKEN; default: the owner token npm start keeps in .vane/)',
    )
    .option('--json', 'print JSON (Protobuf JSON mapping) instead of text')
    .option(
      '--page-size <n>',
      `items per admin API call when listing (1 to ${MAX_PAGE_SIZE}; lists read every page)`,
    );
  let api: AdminApi | undefined;
  program.hook('postAction', () => api?.close());
  const context: CommandContext = {
    io,
    api() {
      const opts = program.opts<{ address?: string; token?: string }>();
      const address = opts.address ?? io.env.VANE_ADDRESS?.trim() ?? DEFAULT_ADDRESS;
      if (!/^[^\s:]+:\d{1,5}$/.test(address) && !/^\[[^\]]+\]:\d{1,5}$/.test(address)) {
        throw new UsageError(`--address must be host:port, got "${address}"`);
      }
      api ??= connectAdminApi(address, opts.token ?? (io.env.VANE_TOKEN?.trim() || savedToken(io)));
      return api;
    },
    listOptions() {
      const raw = program.opts<{ pageSize?: string }>().pageSize;
      if (raw === undefined) return {};
      const pageSize = Number(raw);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new UsageError(
          `--page-size is a whole number from 1 to ${MAX_PAGE_SIZE}, got "${raw}"`,
        );
      }
      return { pageSize };
    },
    print(value, text) {
      const json = program.opts<{ json?: boolean }>().json === true;
      io.out(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
    },
    envOf(o) {
      const ref = o.env ?? io.env.VANE_ENV;
      if (!ref) {
        throw new UsageError('name the environment with --env <project>/<env> (or VANE_ENV)');
      }
      return findEnvironment(context.api(), ref, context.listOptions());
    },
  };
  return context;
}

/** `-e, --env <project/env>` (or VANE_ENV). */
export function envOption(): Option {
  return new Option('-e, --env <project/env>', 'environment, e.g. shop/prod').env('VANE_ENV');
}

/** The options of a flag or segment list: `-e`, `--query`, `--archived`. */
export interface ItemListOptions {
  env?: string;
  query?: string;
  archived?: boolean;
}

/** Adds `-e`, `--query` and `--archived` to the list command of `plural` (flags, segments). */
export function addItemListOptions(command: Command, plural: string): Command {
  return command
    .addOption(envOption())
    .option('--query <text>', `only ${plural} whose key or name contains this`)
    .option('--archived', `list archived ${plural} instead`);
}

/** What those options ask for: active items unless --archived, every page. */
export function itemFilter(ctx: CommandContext, o: ItemListOptions): ItemFilter {
  return {
    ...ctx.listOptions(),
    query: o.query ?? '',
    archived: o.archived
      ? ArchivedFilter.ARCHIVED_FILTER_ARCHIVED
      : ArchivedFilter.ARCHIVED_FILTER_ACTIVE,
  };
}

/** `[verb, description, what it prints after the key]` of a command on one item. */
export type ItemVerb<V extends string> = readonly [verb: V, description: string, done: string];

/** The request of a write on an existing item, with its current revision. */
export interface RevisionedRequest {
  envId: string;
  key: string;
  expectedRevision: number;
  comment: string;
}

/**
 * Adds `<verb> <key> -e p/e` for each verb to `group`: reads the item's current revision, then
 * `apply`s the verb with it (optimistic concurrency), and prints `<done> <noun> <key>`.
 */
export function addRevisionedVerbs<V extends string>(
  group: Command,
  ctx: CommandContext,
  noun: string,
  verbs: readonly ItemVerb<V>[],
  revisionOf: (api: AdminApi, envId: string, key: string) => Promise<number>,
  apply: (api: AdminApi, verb: V, request: RevisionedRequest) => Promise<unknown>,
): void {
  for (const [verb, description, done] of verbs) {
    group
      .command(`${verb} <key>`)
      .description(description)
      .addOption(envOption())
      .action(async (key: string, o: { env?: string }) => {
        const env = await ctx.envOf(o);
        const api = ctx.api();
        await apply(api, verb, {
          envId: env.id,
          key,
          expectedRevision: await revisionOf(api, env.id, key),
          comment: `vane ${group.name()} ${verb}`,
        });
        ctx.print({ [verb]: key }, () => `${done} ${noun} ${key}`);
      });
  }
}

/** A repeatable option's collector. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `name=value` pairs (the first '=' splits). */
export function parsePairs(pairs: readonly string[], what: string): [string, string][] {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${what} must be written name=value, got "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A file the user named; a UsageError when it cannot be read. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Rows as aligned columns; `(none)` for no rows. */
export function table(rows: readonly string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

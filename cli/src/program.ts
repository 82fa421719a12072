// The `vane` command line: projects, environments, flags and segments over the admin API's gRPC,
// environment export/import as JSON, and flag evaluation for a user. `runCli` takes the arguments
// and where to write, and returns the exit code (0 ok, 1 the API refused or failed, 2 bad usage),
// so tests run it in-process.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Command, CommanderError, Option } from 'commander';
import { FeatureFlag, VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { Variation } from '@vane/gen/node/vane/model/v1/flag';
import { Segment } from '@vane/gen/node/vane/model/v1/segment';
import { EvaluationReasonKind } from '@vane/gen/node/vane/model/v1/evaluation';
import { SecretKind } from '@vane/gen/node/vane/admin/v1/environment_service';
import { ImportFeatBitEnvironmentResponse } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { AdminApiError, connectAdminApi } from './admin-client.js';
import type { AdminApi } from './admin-client.js';
import { exportEnvironment, importEnvironment, parseExport } from './environment-transfer.js';
import { evaluateExport } from './offline-evaluation.js';
import { FeatBitFetchError, describeImport, fetchFeatBitDocument } from './featbit-import.js';
import { UsageError, findEnvironment, findProject } from './resolve.js';

/** Where the CLI reads its defaults and writes its output. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const DEFAULT_ADDRESS = '127.0.0.1:7070';

const TYPES: Record<string, VariationType> = {
  boolean: VariationType.VARIATION_TYPE_BOOLEAN,
  string: VariationType.VARIATION_TYPE_STRING,
  number: VariationType.VARIATION_TYPE_NUMBER,
  json: VariationType.VARIATION_TYPE_JSON,
};

function collect(value: string, previous: string[] = []): string[] {
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

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The owner token `npm start` keeps in its data folder, when there is one. */
function savedToken(io: CliIo): string | undefined {
  const file = join(io.cwd, io.env.VANE_DATA_DIR?.trim() || '.vane', 'owner-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** Builds the program; actions write through `io`. */
function buildProgram(io: CliIo): Command {
  const program = new Command('vane')
    .description('Command-line client of the Vane admin API (gRPC).')
    .option(
      '--address <host:port>',
      `admin API gRPC address (env VANE_ADDRESS, default ${DEFAULT_ADDRESS})`,
    )
    .option(
      '--token <token>',
      'access token (env VANE_TOKEN; default: the owner token npm start keeps in .vane/)',
    )
    .option('--json', 'print JSON (Protobuf JSON mapping) instead of text')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  let api: AdminApi | undefined;
  const connect = (): AdminApi => {
    const opts = program.opts<{ address?: string; token?: string }>();
    const address = opts.address ?? io.env.VANE_ADDRESS?.trim() ?? DEFAULT_ADDRESS;
    if (!/^[^\s:]+:\d{1,5}$/.test(address) && !/^\[[^\]]+\]:\d{1,5}$/.test(address)) {
      throw new UsageError(`--address must be host:port, got "${address}"`);
    }
    api ??= connectAdminApi(address, opts.token ?? (io.env.VANE_TOKEN?.trim() || savedToken(io)));
    return api;
  };
  const json = (): boolean => program.opts<{ json?: boolean }>().json === true;
  const print = (value: unknown, text: () => string): void => {
    io.out(json() ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };
  const table = (rows: string[][]): string => {
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
  };
  program.hook('postAction', () => api?.close());

  // ---- projects
  const projects = program
    .command('projects')
    .description('list, show, create and delete projects');
  projects
    .command('list')
    .description('list projects')
    .option('--query <text>', 'only projects whose key or name contains this')
    .action(async (o: { query?: string }) => {
      const r = await connect().projects.listProjects({
        query: o.query ?? '',
        page: { pageSize: 500, pageToken: '' },
      });
      print(r.projects, () => table(r.projects.map((p) => [p.key, p.name, p.id])));
    });
  projects
    .command('get <key>')
    .description('show a project')
    .action(async (key: string) => {
      const project = await findProject(connect(), key);
      print(project, () => JSON.stringify(project, null, 2));
    });
  projects
    .command('create <key>')
    .description('create a project')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description', '')
    .action(async (key: string, o: { name: string; description: string }) => {
      const { project } = await connect().projects.createProject({
        key,
        name: o.name,
        description: o.description,
      });
      print(project, () => `created project ${project!.key} (${project!.id})`);
    });
  projects
    .command('delete <key>')
    .description('delete a project and everything in it')
    .action(async (key: string) => {
      const a = connect();
      const project = await findProject(a, key);
      await a.projects.deleteProject({ id: project.id, expectedRevision: project.revision });
      print({ deleted: key }, () => `deleted project ${key}`);
    });

  // ---- environments
  const envs = program
    .command('envs')
    .alias('environments')
    .description('list, show, create, delete, export and import environments');
  envs
    .command('list <project>')
    .description("list a project's environments")
    .action(async (projectKey: string) => {
      const a = connect();
      const project = await findProject(a, projectKey);
      const r = await a.environments.listEnvironments({
        projectId: project.id,
        query: '',
        page: { pageSize: 500, pageToken: '' },
      });
      print(r.environments, () =>
        table(r.environments.map((e) => [`${projectKey}/${e.key}`, e.name, e.id])),
      );
    });
  envs
    .command('get <project/env>')
    .description('show an environment with its SDK secrets')
    .action(async (ref: string) => {
      const env = await findEnvironment(connect(), ref);
      print(env, () =>
        [
          `${ref}  ${env.name}  (${env.id})`,
          ...env.secrets.map(
            (s) =>
              `  ${s.kind === SecretKind.SECRET_KIND_SERVER ? 'server' : 'client'} secret  ${s.value}`,
          ),
        ].join('\n'),
      );
    });
  envs
    .command('create <project/env>')
    .description('create an environment in a project')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description', '')
    .action(async (ref: string, o: { name: string; description: string }) => {
      const a = connect();
      const [projectKey, envKey] = ref.split('/');
      if (!projectKey || !envKey || ref.split('/').length !== 2) {
        throw new UsageError(`an environment is named <project-key>/<env-key>, got "${ref}"`);
      }
      const project = await findProject(a, projectKey);
      const { environment } = await a.environments.createEnvironment({
        projectId: project.id,
        key: envKey,
        name: o.name,
        description: o.description,
      });
      print(environment, () =>
        [
          `created environment ${ref} (${environment!.id})`,
          ...environment!.secrets.map(
            (s) =>
              `  ${s.kind === SecretKind.SECRET_KIND_SERVER ? 'server' : 'client'} secret  ${s.value}`,
          ),
        ].join('\n'),
      );
    });
  envs
    .command('delete <project/env>')
    .description('delete an environment and its flags and segments')
    .action(async (ref: string) => {
      const a = connect();
      const env = await findEnvironment(a, ref);
      await a.environments.deleteEnvironment({ id: env.id, expectedRevision: env.revision });
      print({ deleted: ref }, () => `deleted environment ${ref}`);
    });
  envs
    .command('export <project/env>')
    .description("write an environment's flags and segments as JSON")
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (ref: string, o: { out?: string }) => {
      const a = connect();
      const env = await findEnvironment(a, ref);
      const data = await exportEnvironment(a, env.id, ref);
      const text = `${JSON.stringify(data, null, 2)}\n`;
      if (o.out) {
        await writeFile(o.out, text);
        io.err(
          `exported ${data.flags.length} flags and ${data.segments.length} segments to ${o.out}\n`,
        );
      } else {
        io.out(text);
      }
    });
  envs
    .command('import <project/env> <file>')
    .description('create or update flags and segments from an export (matched by key)')
    .option('--comment <text>', 'audit comment', 'vane import')
    .action(async (ref: string, file: string, o: { comment: string }) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      const data = parseExport(text, file);
      const a = connect();
      const env = await findEnvironment(a, ref);
      const summary = await importEnvironment(a, env.id, data, o.comment);
      print(summary, () =>
        [
          `imported into ${ref}: ${summary.created.length} created, ${summary.updated.length} updated, ${summary.unchanged.length} unchanged`,
          ...summary.created.map((s) => `  + ${s}`),
          ...summary.updated.map((s) => `  ~ ${s}`),
        ].join('\n'),
      );
    });

  // ---- import from other platforms
  const importers = program
    .command('import')
    .description('import flags and segments from another feature-flag platform');
  importers
    .command('featbit <project/env>')
    .description(
      'import a FeatBit environment (its server-SDK latest-all JSON) into a Vane environment: flags and segments matched by key, created or updated; a second run changes nothing',
    )
    .option('-f, --file <latest-all.json>', 'read the FeatBit JSON from this file')
    .option(
      '--url <url>',
      `fetch it from a running FeatBit evaluation server (its base URL, or the full URL ending in /latest-all)`,
    )
    .option('--secret <server-secret>', 'FeatBit server secret for --url (sent as Authorization)')
    .option('--dry-run', 'report what would change, write nothing')
    .option('--skip-invalid', 'import the valid items and report the invalid ones as skipped')
    .option(
      '--keep-secret',
      'add the --secret to the Vane environment, so FeatBit SDKs using it keep working',
    )
    .option(
      '--server-secret <secret>',
      'a FeatBit server secret to add to the environment (repeat)',
      collect,
    )
    .option(
      '--client-secret <secret>',
      'a FeatBit client secret to add to the environment (repeat)',
      collect,
    )
    .option('--comment <text>', 'audit comment', 'vane import featbit')
    .action(
      async (
        ref: string,
        o: {
          file?: string;
          url?: string;
          secret?: string;
          dryRun?: boolean;
          skipInvalid?: boolean;
          keepSecret?: boolean;
          serverSecret?: string[];
          clientSecret?: string[];
          comment: string;
        },
      ) => {
        if ((o.file === undefined) === (o.url === undefined)) {
          throw new UsageError(
            'give either --file <latest-all.json> or --url <url> --secret <secret>',
          );
        }
        if (o.url !== undefined && !o.secret) {
          throw new UsageError('--url needs --secret <FeatBit server secret>');
        }
        if (o.keepSecret && !o.url) throw new UsageError('--keep-secret needs --url and --secret');
        let document: string;
        if (o.file !== undefined) {
          try {
            document = await readFile(o.file, 'utf8');
          } catch (err) {
            throw new UsageError(`cannot read ${o.file}: ${(err as Error).message}`);
          }
        } else {
          document = await fetchFeatBitDocument(o.url!, o.secret!);
        }
        const serverSecrets = [...(o.serverSecret ?? [])];
        if (o.keepSecret && !serverSecrets.includes(o.secret!)) serverSecrets.push(o.secret!);
        const a = connect();
        const env = await findEnvironment(a, ref);
        const response = await a.featbitImport
          .importFeatBitEnvironment({
            envId: env.id,
            document,
            dryRun: o.dryRun === true,
            skipInvalid: o.skipInvalid === true,
            serverSecrets,
            clientSecrets: o.clientSecret ?? [],
            comment: o.comment,
          })
          .catch((err: unknown) => {
            if (err instanceof AdminApiError && err.code === status.RESOURCE_EXHAUSTED) {
              throw new AdminApiError(
                err.code,
                `${err.details} (the FeatBit document is ${Buffer.byteLength(document)} bytes; ` +
                  'the api-server accepts requests up to API_MAX_REQUEST_BYTES, 4 MiB by default)',
                err.info,
                err.address,
              );
            }
            throw err;
          });
        print(ImportFeatBitEnvironmentResponse.toJSON(response), () =>
          describeImport(ref, response),
        );
      },
    );

  // ---- flags
  const envOption = () =>
    new Option('-e, --env <project/env>', 'environment, e.g. shop/prod').env('VANE_ENV');
  const flags = program.command('flags').description('manage and evaluate feature flags');
  const envOf = async (o: { env?: string }) => {
    const ref = o.env ?? io.env.VANE_ENV;
    if (!ref) throw new UsageError('name the environment with --env <project>/<env> (or VANE_ENV)');
    return findEnvironment(connect(), ref);
  };
  flags
    .command('list')
    .description('list the flags of an environment')
    .addOption(envOption())
    .option('--query <text>', 'only flags whose key or name contains this')
    .option('--archived', 'list archived flags instead')
    .action(async (o: { env?: string; query?: string; archived?: boolean }) => {
      const env = await envOf(o);
      const r = await connect().flags.listFeatureFlags({
        envId: env.id,
        query: o.query ?? '',
        page: { pageSize: 500, pageToken: '' },
        tags: [],
        tagMatch: 0,
        isEnabled: undefined,
        archived: o.archived ? 2 : 1,
        orderBy: '',
      });
      print(
        r.flags.map((f) => FeatureFlag.toJSON(f)),
        () =>
          table(
            r.flags.map((f) => [
              f.key,
              f.isEnabled ? 'on' : 'off',
              Object.keys(TYPES).find((t) => TYPES[t] === f.variationType) ?? '?',
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
      const env = await envOf(o);
      const { flag } = await connect().flags.getFeatureFlag({ envId: env.id, key });
      const value = FeatureFlag.toJSON(flag!);
      print(value, () => JSON.stringify(value, null, 2));
    });
  flags
    .command('create <key>')
    .description('create a flag (boolean on/off by default)')
    .addOption(envOption())
    .option('--name <name>', 'display name (default: the key)')
    .option('--description <text>', 'description', '')
    .addOption(
      new Option('--type <type>', 'variation type').choices(Object.keys(TYPES)).default('boolean'),
    )
    .option(
      '--variation <name=value>',
      'a variation (repeat; required for string, number and json flags)',
      collect,
    )
    .option('--tags <a,b>', 'comma-separated tags')
    .option('--on', 'create it enabled')
    .action(
      async (
        key: string,
        o: {
          env?: string;
          name?: string;
          description: string;
          type: string;
          variation?: string[];
          tags?: string;
          on?: boolean;
        },
      ) => {
        const variations: Variation[] = parsePairs(o.variation ?? [], '--variation').map(
          ([name, value]) => ({ id: '', name, value }),
        );
        if (o.type !== 'boolean' && variations.length < 2) {
          throw new UsageError(
            `a ${o.type} flag needs at least two --variation name=value options`,
          );
        }
        const env = await envOf(o);
        const { flag } = await connect().flags.createFeatureFlag({
          envId: env.id,
          comment: 'vane flags create',
          flag: FeatureFlag.fromPartial({
            key,
            name: o.name ?? key,
            description: o.description,
            variationType: TYPES[o.type],
            variations,
            tags: list(o.tags),
            isEnabled: o.on === true,
          }),
        });
        print(
          FeatureFlag.toJSON(flag!),
          () => `created flag ${flag!.key} (${flag!.isEnabled ? 'on' : 'off'})`,
        );
      },
    );
  flags
    .command('toggle <key> <state>')
    .description('turn a flag on or off (state: on | off)')
    .addOption(envOption())
    .action(async (key: string, state: string, o: { env?: string }) => {
      if (state !== 'on' && state !== 'off') {
        throw new UsageError(`the state is "on" or "off", got "${state}"`);
      }
      const env = await envOf(o);
      const a = connect();
      const { flag: current } = await a.flags.getFeatureFlag({ envId: env.id, key });
      const { flag } = await a.flags.toggleFeatureFlag({
        envId: env.id,
        key,
        enabled: state === 'on',
        expectedRevision: current!.revision,
        comment: 'vane flags toggle',
      });
      print(FeatureFlag.toJSON(flag!), () => `${key} is ${flag!.isEnabled ? 'on' : 'off'}`);
    });
  for (const [verb, description, done] of [
    ['archive', 'archive a flag (SDKs stop receiving it)', 'archived'],
    ['restore', 'restore an archived flag', 'restored'],
    ['delete', 'delete an archived flag for good', 'deleted'],
  ] as const) {
    flags
      .command(`${verb} <key>`)
      .description(description)
      .addOption(envOption())
      .action(async (key: string, o: { env?: string }) => {
        const env = await envOf(o);
        const a = connect();
        const { flag: current } = await a.flags.getFeatureFlag({ envId: env.id, key });
        const req = {
          envId: env.id,
          key,
          expectedRevision: current!.revision,
          comment: `vane flags ${verb}`,
        };
        if (verb === 'archive') await a.flags.archiveFeatureFlag(req);
        else if (verb === 'restore') await a.flags.restoreFeatureFlag(req);
        else await a.flags.deleteFeatureFlag(req);
        print({ [verb]: key }, () => `${done} flag ${key}`);
      });
  }
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
    .action(
      async (
        keys: string[],
        o: { env?: string; file?: string; user: string; userName: string; attr?: string[] },
      ) => {
        const customProperties = parsePairs(o.attr ?? [], '--attr').map(([name, value]) => ({
          name,
          value,
        }));
        if (o.file) {
          let text: string;
          try {
            text = await readFile(o.file, 'utf8');
          } catch (err) {
            throw new UsageError(`cannot read ${o.file}: ${(err as Error).message}`);
          }
          const results = evaluateExport(parseExport(text, o.file), keys, {
            keyId: o.user,
            name: o.userName,
            customizedProperties: customProperties,
          });
          print(results, () => table(results.map((r) => [r.flagKey, r.value, r.reason])));
          return;
        }
        const env = await envOf(o);
        const { results } = await connect().flags.evaluateFeatureFlags({
          envId: env.id,
          keys,
          user: { keyId: o.user, name: o.userName, customProperties },
        });
        print(results, () =>
          table(
            results.map((r) => [
              r.flagKey,
              r.value,
              r.reason || EvaluationReasonKind[r.reasonKind] || '',
            ]),
          ),
        );
      },
    );

  // ---- segments
  const segments = program.command('segments').description('manage segments');
  segments
    .command('list')
    .description('list the segments of an environment')
    .addOption(envOption())
    .action(async (o: { env?: string }) => {
      const env = await envOf(o);
      const r = await connect().segments.listSegments({
        envId: env.id,
        query: '',
        page: { pageSize: 500, pageToken: '' },
        tags: [],
        tagMatch: 0,
        archived: 1,
        ids: [],
        orderBy: '',
      });
      print(
        r.segments.map((s) => Segment.toJSON(s)),
        () =>
          table(
            r.segments.map((s) => [
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
      const env = await envOf(o);
      const { segment } = await connect().segments.getSegment({ envId: env.id, key });
      const value = Segment.toJSON(segment!);
      print(value, () => JSON.stringify(value, null, 2));
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
        const env = await envOf(o);
        const { segment } = await connect().segments.createSegment({
          envId: env.id,
          comment: 'vane segments create',
          segment: Segment.fromPartial({
            key,
            name: o.name ?? key,
            description: o.description,
            included: list(o.include),
            excluded: list(o.exclude),
          }),
        });
        print(Segment.toJSON(segment!), () => `created segment ${segment!.key}`);
      },
    );
  for (const [verb, description, done] of [
    ['archive', 'archive a segment', 'archived'],
    ['delete', 'delete an archived segment for good', 'deleted'],
  ] as const) {
    segments
      .command(`${verb} <key>`)
      .description(description)
      .addOption(envOption())
      .action(async (key: string, o: { env?: string }) => {
        const env = await envOf(o);
        const a = connect();
        const { segment } = await a.segments.getSegment({ envId: env.id, key });
        const req = {
          envId: env.id,
          key,
          expectedRevision: segment!.revision,
          comment: `vane segments ${verb}`,
        };
        if (verb === 'archive') await a.segments.archiveSegment(req);
        else await a.segments.deleteSegment(req);
        print({ [verb]: key }, () => `${done} segment ${key}`);
      });
  }
  return program;
}

/** Runs `vane <args…>`; returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and exit 0; usage mistakes were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof FeatBitFetchError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof AdminApiError) {
      io.err(`${err.describe()}\n`);
      return 1;
    }
    io.err(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

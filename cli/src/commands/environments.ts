// `vane envs …`: list, show, create and delete environments, and export/import their flags and
// segments as JSON.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Environment } from '@vane/gen/node/vane/admin/v1/environment_service';
import { secretKindName } from '../enum-names.js';
import { exportEnvironment, importEnvironment, parseExport } from '../environment-transfer.js';
import { findEnvironment, findProject, listAllEnvironments, parseEnvRef } from '../resolve.js';
import { readInputFile, table } from './command-context.js';
import type { CommandContext } from './command-context.js';

/** The heading line, then one line per SDK secret. */
function describeEnvironment(heading: string, env: Environment): string {
  return [
    heading,
    ...env.secrets.map((s) => `  ${secretKindName(s.kind)} secret  ${s.value}`),
  ].join('\n');
}

/** Adds `envs` (alias `environments`) to `program`. */
export function addEnvironmentCommands(program: Command, ctx: CommandContext): void {
  const envs = program
    .command('envs')
    .alias('environments')
    .description('list, show, create, delete, export and import environments');
  envs
    .command('list <project>')
    .description("list a project's environments")
    .action(async (projectKey: string) => {
      const api = ctx.api();
      const project = await findProject(api, projectKey, ctx.listOptions());
      const all = await listAllEnvironments(api, project.id, '', ctx.listOptions());
      ctx.print(
        all.map((e) => Environment.toJSON(e)),
        () => table(all.map((e) => [`${projectKey}/${e.key}`, e.name, e.id])),
      );
    });
  envs
    .command('get <project/env>')
    .description('show an environment with its SDK secrets')
    .action(async (ref: string) => {
      const env = await findEnvironment(ctx.api(), ref, ctx.listOptions());
      ctx.print(Environment.toJSON(env), () =>
        describeEnvironment(`${ref}  ${env.name}  (${env.id})`, env),
      );
    });
  envs
    .command('create <project/env>')
    .description('create an environment in a project')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description', '')
    .action(async (ref: string, o: { name: string; description: string }) => {
      const { project: projectKey, env: envKey } = parseEnvRef(ref);
      const api = ctx.api();
      const project = await findProject(api, projectKey, ctx.listOptions());
      const { environment } = await api.environments.createEnvironment({
        projectId: project.id,
        key: envKey,
        name: o.name,
        description: o.description,
      });
      ctx.print(Environment.toJSON(environment!), () =>
        describeEnvironment(`created environment ${ref} (${environment!.id})`, environment!),
      );
    });
  envs
    .command('delete <project/env>')
    .description('delete an environment and its flags and segments')
    .action(async (ref: string) => {
      const api = ctx.api();
      const env = await findEnvironment(api, ref, ctx.listOptions());
      await api.environments.deleteEnvironment({ id: env.id, expectedRevision: env.revision });
      ctx.print({ deleted: ref }, () => `deleted environment ${ref}`);
    });
  envs
    .command('export <project/env>')
    .description("write an environment's flags and segments as JSON")
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (ref: string, o: { out?: string }) => {
      const api = ctx.api();
      const env = await findEnvironment(api, ref, ctx.listOptions());
      const data = await exportEnvironment(api, env.id, ref, ctx.listOptions());
      const text = `${JSON.stringify(data, null, 2)}\n`;
      if (o.out) {
        await writeFile(o.out, text);
        ctx.io.err(
          `exported ${data.flags.length} flags and ${data.segments.length} segments to ${o.out}\n`,
        );
      } else {
        ctx.io.out(text);
      }
    });
  envs
    .command('import <project/env> <file>')
    .description('create or update flags and segments from an export (matched by key)')
    .option('--comment <text>', 'audit comment', 'vane import')
    .action(async (ref: string, file: string, o: { comment: string }) => {
      const data = parseExport(await readInputFile(file), file);
      const api = ctx.api();
      const env = await findEnvironment(api, ref, ctx.listOptions());
      const summary = await importEnvironment(api, env.id, data, o.comment, ctx.listOptions());
      ctx.print(summary, () =>
        [
          `imported into ${ref}: ${summary.created.length} created, ${summary.updated.length} updated, ${summary.unchanged.length} unchanged`,
          ...summary.created.map((s) => `  + ${s}`),
          ...summary.updated.map((s) => `  ~ ${s}`),
        ].join('\n'),
      );
    });
}

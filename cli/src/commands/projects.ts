// `vane projects …`: list, show, create and delete projects.
import type { Command } from 'commander';
import { Project } from '@vane/gen/node/vane/admin/v1/project_service';
import { findProject, listAllProjects } from '../resolve.js';
import { table } from './command-context.js';
import type { CommandContext } from './command-context.js';

/** Adds `projects` to `program`. */
export function addProjectCommands(program: Command, ctx: CommandContext): void {
  const projects = program
    .command('projects')
    .description('list, show, create and delete projects');
  projects
    .command('list')
    .description('list projects')
    .option('--query <text>', 'only projects whose key or name contains this')
    .action(async (o: { query?: string }) => {
      const all = await listAllProjects(ctx.api(), o.query ?? '', ctx.listOptions());
      ctx.print(
        all.map((p) => Project.toJSON(p)),
        () => table(all.map((p) => [p.key, p.name, p.id])),
      );
    });
  projects
    .command('get <key>')
    .description('show a project')
    .action(async (key: string) => {
      const value = Project.toJSON(await findProject(ctx.api(), key, ctx.listOptions()));
      ctx.print(value, () => JSON.stringify(value, null, 2));
    });
  projects
    .command('create <key>')
    .description('create a project')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'description', '')
    .action(async (key: string, o: { name: string; description: string }) => {
      const { project } = await ctx.api().projects.createProject({
        key,
        name: o.name,
        description: o.description,
      });
      ctx.print(Project.toJSON(project!), () => `created project ${project!.key} (${project!.id})`);
    });
  projects
    .command('delete <key>')
    .description('delete a project and everything in it')
    .action(async (key: string) => {
      const api = ctx.api();
      const project = await findProject(api, key, ctx.listOptions());
      await api.projects.deleteProject({ id: project.id, expectedRevision: project.revision });
      ctx.print({ deleted: key }, () => `deleted project ${key}`);
    });
}

// Turns what a person types (`shop`, `shop/prod`) into the ids the admin API wants, reading every
// page of a list when needed.
import type { Environment } from '@vane/gen/node/vane/admin/v1/environment_service';
import type { Project } from '@vane/gen/node/vane/admin/v1/project_service';
import { ArchivedFilter } from '@vane/gen/node/vane/common/v1/query';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import type { Segment } from '@vane/gen/node/vane/model/v1/segment';
import type { AdminApi } from './admin-client.js';

/** A wrong argument: printed as is, exit code 2. */
export class UsageError extends Error {}

/** Reads every page of a paged list. */
export async function allPages<T>(
  page: (token: string) => Promise<{ items: T[]; next: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let token = '';
  do {
    const result = await page(token);
    out.push(...result.items);
    token = result.next;
  } while (token !== '');
  return out;
}

export async function findProject(api: AdminApi, key: string): Promise<Project> {
  const { projects } = await api.projects.listProjects({
    query: key,
    page: { pageSize: 500, pageToken: '' },
  });
  const project = projects.find((p) => p.key === key);
  if (!project) throw new UsageError(`no project with key "${key}" (see: vane projects list)`);
  return project;
}

/** Parses `project/env`; throws a UsageError naming the expected form. */
export function parseEnvRef(ref: string): { project: string; env: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(ref.trim());
  if (!match) {
    throw new UsageError(
      `an environment is named <project-key>/<env-key>, e.g. shop/prod; got "${ref}"`,
    );
  }
  return { project: match[1]!, env: match[2]! };
}

export async function findEnvironment(api: AdminApi, ref: string): Promise<Environment> {
  const { project: projectKey, env: envKey } = parseEnvRef(ref);
  const project = await findProject(api, projectKey);
  const { environments } = await api.environments.listEnvironments({
    projectId: project.id,
    query: envKey,
    page: { pageSize: 500, pageToken: '' },
  });
  const env = environments.find((e) => e.key === envKey);
  if (!env) {
    throw new UsageError(
      `project "${projectKey}" has no environment "${envKey}" (see: vane envs list ${projectKey})`,
    );
  }
  return env;
}

export function listAllFlags(api: AdminApi, envId: string): Promise<FeatureFlag[]> {
  return allPages(async (pageToken) => {
    const r = await api.flags.listFeatureFlags({
      envId,
      page: { pageSize: 500, pageToken },
      query: '',
      tags: [],
      tagMatch: 0,
      isEnabled: undefined,
      archived: ArchivedFilter.ARCHIVED_FILTER_ALL,
      orderBy: '',
    });
    return { items: r.flags, next: r.page?.nextPageToken ?? '' };
  });
}

export function listAllSegments(api: AdminApi, envId: string): Promise<Segment[]> {
  return allPages(async (pageToken) => {
    const r = await api.segments.listSegments({
      envId,
      page: { pageSize: 500, pageToken },
      query: '',
      tags: [],
      tagMatch: 0,
      archived: ArchivedFilter.ARCHIVED_FILTER_ALL,
      ids: [],
      orderBy: '',
    });
    return { items: r.segments, next: r.page?.nextPageToken ?? '' };
  });
}

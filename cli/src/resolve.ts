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

/** The admin API's largest page (`PageRequest.page_size` above it is clamped). */
export const MAX_PAGE_SIZE = 500;

/** How lists are read: every page, `pageSize` items per call. */
export interface ListOptions {
  readonly pageSize?: number;
}

/** Every project whose key or name contains `query` (all when empty). */
export function listAllProjects(
  api: AdminApi,
  query = '',
  { pageSize = MAX_PAGE_SIZE }: ListOptions = {},
): Promise<Project[]> {
  return allPages(async (pageToken) => {
    const r = await api.projects.listProjects({ query, page: { pageSize, pageToken } });
    return { items: r.projects, next: r.page?.nextPageToken ?? '' };
  });
}

/** Every environment of a project whose key or name contains `query` (all when empty). */
export function listAllEnvironments(
  api: AdminApi,
  projectId: string,
  query = '',
  { pageSize = MAX_PAGE_SIZE }: ListOptions = {},
): Promise<Environment[]> {
  return allPages(async (pageToken) => {
    const r = await api.environments.listEnvironments({
      projectId,
      query,
      page: { pageSize, pageToken },
    });
    return { items: r.environments, next: r.page?.nextPageToken ?? '' };
  });
}

/** The project with this key; a UsageError pointing at `vane projects list` when there is none. */
export async function findProject(
  api: AdminApi,
  key: string,
  options: ListOptions = {},
): Promise<Project> {
  const project = (await listAllProjects(api, key, options)).find((p) => p.key === key);
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

/** The environment `project/env`; a UsageError naming what is missing when there is none. */
export async function findEnvironment(
  api: AdminApi,
  ref: string,
  options: ListOptions = {},
): Promise<Environment> {
  const { project: projectKey, env: envKey } = parseEnvRef(ref);
  const project = await findProject(api, projectKey, options);
  const environments = await listAllEnvironments(api, project.id, envKey, options);
  const env = environments.find((e) => e.key === envKey);
  if (!env) {
    throw new UsageError(
      `project "${projectKey}" has no environment "${envKey}" (see: vane envs list ${projectKey})`,
    );
  }
  return env;
}

/** Which flags or segments a list returns: by default every one, archived or not. */
export interface ItemFilter extends ListOptions {
  readonly query?: string;
  readonly archived?: ArchivedFilter;
}

/** The filter fields that flag and segment list requests share (unset ones are empty). */
function filterFields({ query = '', archived = ArchivedFilter.ARCHIVED_FILTER_ALL }: ItemFilter) {
  return { query, archived };
}

/** Every flag of an environment that passes `filter`. */
export function listAllFlags(
  api: AdminApi,
  envId: string,
  filter: ItemFilter = {},
): Promise<FeatureFlag[]> {
  const pageSize = filter.pageSize ?? MAX_PAGE_SIZE;
  return allPages(async (pageToken) => {
    const r = await api.flags.listFeatureFlags({
      ...filterFields(filter),
      envId,
      page: { pageSize, pageToken },
    });
    return { items: r.flags, next: r.page?.nextPageToken ?? '' };
  });
}

/** Every segment of an environment that passes `filter`. */
export function listAllSegments(
  api: AdminApi,
  envId: string,
  filter: ItemFilter = {},
): Promise<Segment[]> {
  const pageSize = filter.pageSize ?? MAX_PAGE_SIZE;
  return allPages(async (pageToken) => {
    const r = await api.segments.listSegments({
      ...filterFields(filter),
      envId,
      page: { pageSize, pageToken },
    });
    return { items: r.segments, next: r.page?.nextPageToken ?? '' };
  });
}

// Lists follow `next_page_token` to the end, with the page size asked for, and lookups by key
// find items past the first page.
import { describe, expect, it } from 'vitest';
import type { Project } from '@vane/gen/node/vane/admin/v1/project_service';
import type { ListProjectsRequest } from '@vane/gen/node/vane/admin/v1/project_service';
import type { AdminApi } from './admin-client.js';
import { MAX_PAGE_SIZE, UsageError, findProject, listAllProjects } from './resolve.js';

/** An admin API whose projects list serves `count` projects in pages, recording each request. */
function pagedProjects(count: number) {
  const requests: ListProjectsRequest[] = [];
  const all: Project[] = Array.from({ length: count }, (_, i) => ({
    id: `id-${i}`,
    key: `p${i}`,
    name: `Project ${i}`,
    description: '',
    creatorId: '',
    updaterId: '',
    revision: 1,
  }));
  const api = {
    projects: {
      listProjects: (request: ListProjectsRequest) => {
        requests.push(request);
        const size = request.page?.pageSize || 50;
        const start = Number(request.page?.pageToken || '0');
        const items = all.slice(start, start + size); // the query is ignored: every page counts
        const next = start + size < all.length ? String(start + size) : '';
        return Promise.resolve({ projects: items, page: { nextPageToken: next } });
      },
    },
  } as unknown as AdminApi;
  return { api, requests };
}

describe('paging', () => {
  it('reads every page of a list, passing each next_page_token back', async () => {
    const { api, requests } = pagedProjects(7);
    const all = await listAllProjects(api, '', { pageSize: 3 });
    expect(all.map((p) => p.key)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(requests.map((r) => [r.page?.pageSize, r.page?.pageToken])).toEqual([
      [3, ''],
      [3, '3'],
      [3, '6'],
    ]);
  });

  it('asks for the largest page by default', async () => {
    const { api, requests } = pagedProjects(2);
    expect(await listAllProjects(api)).toHaveLength(2);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.page?.pageSize).toBe(MAX_PAGE_SIZE);
  });

  it('finds a project that is not on the first page', async () => {
    const { api } = pagedProjects(5);
    expect((await findProject(api, 'p4', { pageSize: 2 })).id).toBe('id-4');
    await expect(findProject(api, 'p9', { pageSize: 2 })).rejects.toThrow(UsageError);
  });
});

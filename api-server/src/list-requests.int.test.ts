// List calls through a real gRPC client: every page of the audit log can be reached with the
// previous page's token, and `order_by` values and enum filters outside the contract's sets are
// INVALID_ARGUMENT naming the field (on every List… method that has them).
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListAuditLogEntriesRequest } from '@vane/gen/node/vane/admin/v1/audit_log_service';
import { ListExperimentsRequest } from '@vane/gen/node/vane/admin/v1/experiment_service';
import {
  CreateFeatureFlagRequest,
  ListFeatureFlagsRequest,
} from '@vane/gen/node/vane/admin/v1/feature_flag_service';
import { ListMetricsRequest } from '@vane/gen/node/vane/admin/v1/metric_service';
import {
  CreateSegmentRequest,
  ListSegmentsRequest,
} from '@vane/gen/node/vane/admin/v1/segment_service';
import { ErrorReason } from '@vane/gen/node/vane/common/v1/errors';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import { grpcError } from './testing/api-fixture.js';
import { startMemoryApi } from './testing/memory-api.js';
import type { MemoryApi } from './testing/memory-api.js';

let api: MemoryApi;
const KEYS = ['b-flag', 'a-flag', 'c-flag'];
const NAMES: Record<string, string> = { 'b-flag': 'Alpha', 'a-flag': 'Charlie', 'c-flag': 'Bravo' };

beforeAll(async () => {
  api = await startMemoryApi();
  for (const key of KEYS) {
    await api.owner.flags.createFeatureFlag(
      CreateFeatureFlagRequest.fromPartial({
        envId: api.envId,
        flag: {
          key,
          name: NAMES[key],
          variationType: VariationType.VARIATION_TYPE_BOOLEAN,
          variations: [
            { id: 'on', name: 'on', value: 'true' },
            { id: 'off', name: 'off', value: 'false' },
          ],
        },
      }),
    );
    await api.owner.segments.createSegment(
      CreateSegmentRequest.fromPartial({ envId: api.envId, segment: { key, name: NAMES[key] } }),
    );
  }
});

afterAll(async () => {
  await api?.close();
});

/** The violations of a failed call, as `field: description` pairs. */
async function invalid(call: Promise<unknown>): Promise<string[]> {
  const { code, info } = await grpcError(call);
  expect(code).toBe(status.INVALID_ARGUMENT);
  return (info?.fieldViolations ?? []).map((v) => v.field);
}

describe('ListAuditLogEntries paging', () => {
  it('reaches every entry one page at a time, each once', async () => {
    const all = await api.owner.audit.listAuditLogEntries(
      ListAuditLogEntriesRequest.fromPartial({}),
    );
    expect(all.entries.length).toBeGreaterThanOrEqual(8);
    const seen: string[] = [];
    let pageToken = '';
    for (let round = 0; round < 50; round += 1) {
      const res = await api.owner.audit.listAuditLogEntries(
        ListAuditLogEntriesRequest.fromPartial({ page: { pageSize: 2, pageToken } }),
      );
      seen.push(...res.entries.map((e) => e.id));
      pageToken = res.page!.nextPageToken;
      if (pageToken === '') break;
    }
    expect(seen).toEqual(all.entries.map((e) => e.id));
  });

  it('still refuses a token with other filters', async () => {
    const first = await api.owner.audit.listAuditLogEntries(
      ListAuditLogEntriesRequest.fromPartial({ page: { pageSize: 1 } }),
    );
    const { code, info } = await grpcError(
      api.owner.audit.listAuditLogEntries(
        ListAuditLogEntriesRequest.fromPartial({
          page: { pageSize: 1, pageToken: first.page!.nextPageToken },
          query: 'a-flag',
        }),
      ),
    );
    expect(code).toBe(status.INVALID_ARGUMENT);
    expect(info?.reason).toBe(ErrorReason.ERROR_REASON_INVALID_PAGE_TOKEN);
  });
});

describe('order_by', () => {
  it('lists flags and segments in each documented order, paging included', async () => {
    const cases: [string, string[]][] = [
      ['key', ['a-flag', 'b-flag', 'c-flag']],
      ['key desc', ['c-flag', 'b-flag', 'a-flag']],
      ['name', ['b-flag', 'c-flag', 'a-flag']],
      ['name desc', ['a-flag', 'c-flag', 'b-flag']],
      ['updated_at', ['b-flag', 'a-flag', 'c-flag']],
      ['updated_at desc', ['c-flag', 'a-flag', 'b-flag']],
      ['', ['c-flag', 'a-flag', 'b-flag']],
    ];
    for (const [orderBy, expected] of cases) {
      const keys: string[] = [];
      const segmentKeys: string[] = [];
      let flagToken = '';
      let segmentToken = '';
      do {
        const res = await api.owner.flags.listFeatureFlags(
          ListFeatureFlagsRequest.fromPartial({
            envId: api.envId,
            orderBy,
            page: { pageSize: 2, pageToken: flagToken },
          }),
        );
        keys.push(...res.flags.map((f) => f.key));
        flagToken = res.page!.nextPageToken;
      } while (flagToken !== '');
      do {
        const res = await api.owner.segments.listSegments(
          ListSegmentsRequest.fromPartial({
            envId: api.envId,
            orderBy,
            page: { pageSize: 2, pageToken: segmentToken },
          }),
        );
        segmentKeys.push(...res.segments.map((s) => s.key));
        segmentToken = res.page!.nextPageToken;
      } while (segmentToken !== '');
      expect({ orderBy, keys, segmentKeys }).toEqual({
        orderBy,
        keys: expected,
        segmentKeys: expected,
      });
    }
  });

  it('lists only the segments named in ids', async () => {
    const all = await api.owner.segments.listSegments(
      ListSegmentsRequest.fromPartial({ envId: api.envId }),
    );
    expect(all.segments.length).toBeGreaterThan(2);
    const wanted = [all.segments[0]!, all.segments[2]!];
    const res = await api.owner.segments.listSegments(
      ListSegmentsRequest.fromPartial({
        envId: api.envId,
        ids: [...wanted.map((s) => s.id), 'nope'],
      }),
    );
    expect(res.segments.map((s) => s.id).sort()).toEqual(wanted.map((s) => s.id).sort());
    expect(res.page?.totalSize).toBe(2);
  });

  it('refuses an unknown order_by on ListFeatureFlags and ListSegments', async () => {
    expect(
      await invalid(
        api.owner.flags.listFeatureFlags(
          ListFeatureFlagsRequest.fromPartial({ envId: api.envId, orderBy: 'created_at' }),
        ),
      ),
    ).toEqual(['order_by']);
    expect(
      await invalid(
        api.owner.segments.listSegments(
          ListSegmentsRequest.fromPartial({ envId: api.envId, orderBy: 'key; drop' }),
        ),
      ),
    ).toEqual(['order_by']);
  });
});

describe('enum filters', () => {
  it('refuses values the contract does not define, naming the field', async () => {
    const { flags, segments, metrics, experiments, audit } = api.owner;
    const envId = api.envId;
    expect(
      await invalid(
        flags.listFeatureFlags(
          ListFeatureFlagsRequest.fromPartial({
            envId,
            tagMatch: 7 as never,
            archived: 9 as never,
          }),
        ),
      ),
    ).toEqual(['tag_match', 'archived']);
    expect(
      await invalid(
        segments.listSegments(ListSegmentsRequest.fromPartial({ envId, archived: 4 as never })),
      ),
    ).toEqual(['archived']);
    expect(
      await invalid(
        metrics.listMetrics(ListMetricsRequest.fromPartial({ envId, type: 42 as never })),
      ),
    ).toEqual(['type']);
    expect(
      await invalid(
        metrics.listMetrics(
          ListMetricsRequest.fromPartial({ envId, archived: 5 as never, tagMatch: 3 as never }),
        ),
      ),
    ).toEqual(['archived', 'tag_match']);
    expect(
      await invalid(
        experiments.listExperiments(
          ListExperimentsRequest.fromPartial({ envId, archived: 8 as never }),
        ),
      ),
    ).toEqual(['archived']);
    expect(
      await invalid(
        audit.listAuditLogEntries(
          ListAuditLogEntriesRequest.fromPartial({
            resourceType: 77 as never,
            actions: [1, 99 as never],
          }),
        ),
      ),
    ).toEqual(['resource_type', 'actions[1]']);
  });

  it('accepts every defined value', async () => {
    const res = await api.owner.flags.listFeatureFlags(
      ListFeatureFlagsRequest.fromPartial({ envId: api.envId, tagMatch: 2, archived: 3 }),
    );
    expect(res.flags).toHaveLength(3);
  });
});

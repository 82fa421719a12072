// Two api-server instances on one database and one set of topics, as a scaled-out deployment
// runs them, on real FerretDB and Kafka: environment versions stay unique and increasing across
// both, every change is published and audited once, and what one instance remembers of a flag
// never makes it answer wrongly after the other changed, deleted or re-created that flag.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { VariationType } from '@vane/gen/node/vane/model/v1/flag';
import type { FeatureFlag } from '@vane/gen/node/vane/model/v1/flag';
import { grpcError, startApiFixture } from './testing/api-fixture.js';
import type { AdminClients, ApiFixture } from './testing/api-fixture.js';

let fx: ApiFixture;
let a: AdminClients;
let b: AdminClients;
let envId: string;

function booleanFlag(key: string): FeatureFlag {
  return {
    id: '',
    envId: '',
    key,
    name: key,
    description: '',
    tags: [],
    variationType: VariationType.VARIATION_TYPE_BOOLEAN,
    variations: [],
    isEnabled: false,
    disabledVariationId: '',
    targetUsers: [],
    rules: [],
    fallthrough: undefined,
    exptIncludeAllTargets: false,
    isArchived: false,
    prerequisites: [],
    createdAt: undefined,
    updatedAt: undefined,
    creatorId: '',
    updaterId: '',
    revision: 0,
    version: 0,
  };
}

beforeAll(async () => {
  fx = await startApiFixture();
  a = fx.owner;
  b = (await fx.startAnother()).owner;
  const { project } = await a.projects.createProject({ key: 'two', name: 'Two', description: '' });
  const { environment } = await a.environments.createEnvironment({
    projectId: project!.id,
    key: 'prod',
    name: 'Production',
    description: '',
  });
  envId = environment!.id;
});

afterAll(async () => {
  await fx?.close();
});

describe('two api-server instances on one database', () => {
  it('give every change its own increasing version, and publish and audit each one', async () => {
    const calls: { version: number; start: number; end: number }[] = [];
    const timed = async (call: () => Promise<FeatureFlag | undefined>): Promise<void> => {
      const start = performance.now();
      const flag = await call();
      calls.push({ version: flag!.version, start, end: performance.now() });
    };
    // Each instance writes its own flags, four callers each: creates, then five toggles per flag.
    await Promise.all(
      [a, b].flatMap((clients, instance) =>
        Array.from({ length: 4 }, async (_, caller) => {
          for (let n = 0; n < 3; n += 1) {
            const key = `f-${instance}-${caller}-${n}`;
            await timed(
              async () =>
                (
                  await clients.flags.createFeatureFlag({
                    envId,
                    flag: booleanFlag(key),
                    comment: '',
                  })
                ).flag,
            );
            for (let t = 0; t < 5; t += 1) {
              await timed(
                async () =>
                  (
                    await clients.flags.toggleFeatureFlag({
                      envId,
                      key,
                      enabled: t % 2 === 0,
                      expectedRevision: 0,
                      comment: '',
                    })
                  ).flag,
              );
            }
          }
        }),
      ),
    );
    expect(calls).toHaveLength(2 * 4 * 3 * 6);
    const versions = calls.map((c) => c.version);
    expect(new Set(versions).size).toBe(versions.length);
    // A call that began after another one ended (on either instance) got a greater version.
    const byEnd = [...calls].sort((x, y) => x.end - y.end);
    for (const later of calls) {
      for (const earlier of byEnd) {
        if (earlier.end >= later.start) break;
        expect(later.version).toBeGreaterThan(earlier.version);
      }
    }
    // Every change reaches Kafka (at least once), with the version its call returned.
    await fx.waitForChanges((log) => {
      const seen = new Set(
        log.flags.filter((c) => c.envId === envId).map((c) => Number(c.version)),
      );
      return versions.every((v) => seen.has(v));
    });
    // And the audit log holds each one exactly once, whichever instance is asked.
    for (const clients of [a, b]) {
      const entries = [];
      let pageToken = '';
      do {
        const { entries: page, page: next } = await clients.audit.listAuditLogEntries({
          page: { pageSize: 100, pageToken },
          projectId: '',
          envId,
          resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
          resourceId: '',
          actorId: '',
          actions: [],
          timeRange: undefined,
          query: '',
        });
        entries.push(...page);
        pageToken = next?.nextPageToken ?? '';
      } while (pageToken !== '');
      const flagEntries = entries.filter((e) => e.resourceKey.startsWith('f-'));
      expect(flagEntries).toHaveLength(calls.length);
      expect(new Set(flagEntries.map((e) => e.id)).size).toBe(calls.length);
    }
  });

  it('toggles by the stored revision after the other instance changed the flag', async () => {
    const key = 'shared';
    await a.flags.createFeatureFlag({ envId, flag: booleanFlag(key), comment: '' });
    const first = await a.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    const byB = await b.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: false,
      expectedRevision: first.flag!.revision,
      comment: '',
    });
    // A remembers revision 2, the store has 3: the revision A's caller pins is the stored one.
    const stale = await grpcError(
      a.flags.toggleFeatureFlag({
        envId,
        key,
        enabled: true,
        expectedRevision: first.flag!.revision,
        comment: '',
      }),
    );
    expect(stale.code).toBe(status.ABORTED);
    const byA = await a.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: true,
      expectedRevision: byB.flag!.revision,
      comment: '',
    });
    expect(byA.flag).toMatchObject({ isEnabled: true, revision: byB.flag!.revision + 1 });
    // Toggling to the state B left the flag in is a no-op answered from the stored flag.
    const again = await b.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    expect(again.flag).toMatchObject({ isEnabled: true, revision: byA.flag!.revision });
  });

  it('writes the new flag when the other instance deleted the flag and reused its key', async () => {
    const key = 'reused';
    const { flag: old } = await a.flags.createFeatureFlag({
      envId,
      flag: booleanFlag(key),
      comment: '',
    });
    await a.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    const { flag: archived } = await b.flags.archiveFeatureFlag({
      envId,
      key,
      expectedRevision: 0,
      comment: '',
    });
    await b.flags.deleteFeatureFlag({
      envId,
      key,
      expectedRevision: archived!.revision,
      comment: '',
    });
    const { flag: created } = await b.flags.createFeatureFlag({
      envId,
      flag: booleanFlag(key),
      comment: '',
    });
    expect(created!.id).not.toBe(old!.id);
    const { flag: toggled } = await a.flags.toggleFeatureFlag({
      envId,
      key,
      enabled: true,
      expectedRevision: 0,
      comment: '',
    });
    expect(toggled).toMatchObject({ id: created!.id, isEnabled: true, revision: 2 });
    const { flag: updated } = await a.flags.updateFeatureFlag({
      envId,
      key,
      flag: { ...booleanFlag(key), name: 'Renamed' },
      updateMask: ['name'],
      expectedRevision: 0,
      comment: '',
    });
    expect(updated).toMatchObject({ id: created!.id, name: 'Renamed', revision: 3 });
  });
  it('let exactly one of two writes pinned to the same revision win, whichever instance', async () => {
    const key = 'contested';
    await a.flags.createFeatureFlag({ envId, flag: booleanFlag(key), comment: '' });
    let revision = 1;
    for (let round = 0; round < 20; round += 1) {
      const rename = (clients: AdminClients, name: string) =>
        clients.flags.updateFeatureFlag({
          envId,
          key,
          flag: { ...booleanFlag(key), name },
          updateMask: ['name'],
          expectedRevision: revision,
          comment: '',
        });
      const outcomes = await Promise.allSettled([rename(a, `a-${round}`), rename(b, `b-${round}`)]);
      const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.flag!] : []));
      const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost.map((err) => (err as { code?: number }).code)).toEqual([status.ABORTED]);
      expect(won[0]!.revision).toBe(revision + 1);
      revision = won[0]!.revision;
      // Both instances read what won, not what lost.
      for (const clients of [a, b]) {
        const { flag } = await clients.flags.getFeatureFlag({ envId, key });
        expect(flag).toMatchObject({ name: won[0]!.name, revision });
      }
    }
  });

  it('keep every unpinned write of one flag from both instances, each its own revision', async () => {
    const key = 'hot';
    await a.flags.createFeatureFlag({ envId, flag: booleanFlag(key), comment: '' });
    const writes = 2 * 2 * 8;
    const revisions = await Promise.all(
      [a, b].flatMap((clients, instance) =>
        Array.from({ length: 2 }, async (_, caller) => {
          const seen: number[] = [];
          for (let n = 0; n < 8; n += 1) {
            const { flag } = await clients.flags.updateFeatureFlag({
              envId,
              key,
              flag: { ...booleanFlag(key), name: `${instance}-${caller}-${n}` },
              updateMask: ['name'],
              expectedRevision: 0,
              comment: '',
            });
            seen.push(flag!.revision);
          }
          return seen;
        }),
      ),
    );
    // Every call changed the name, so each committed a revision of its own: none overwrote another.
    expect(new Set(revisions.flat()).size).toBe(writes);
    const { flag } = await b.flags.getFeatureFlag({ envId, key });
    expect(flag!.revision).toBe(1 + writes);
    const auditCount = async (): Promise<number> => {
      const { entries } = await b.audit.listAuditLogEntries({
        page: { pageSize: 100, pageToken: '' },
        projectId: '',
        envId,
        resourceType: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
        resourceId: flag!.id,
        actorId: '',
        actions: [],
        timeRange: undefined,
        query: '',
      });
      return entries.length;
    };
    // One audit entry per revision (the create and each update), once both relays are done.
    await expect.poll(auditCount, { timeout: 15_000 }).toBe(1 + writes);
  });
});

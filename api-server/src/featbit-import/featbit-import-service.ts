// FeatBitImportService: a FeatBit environment document into a Vane environment. Everything is
// converted and validated first (core's validators, as on admin writes); only then are the
// changed items written, through the change writer, so each one is audited, snapshotted and
// published to Kafka like an admin edit. The contract is in featbit_import_service.proto.
import { randomUUID } from 'node:crypto';
import { validateFlag, validateSegment } from '@vane/core';
import type { FeatureFlag, Segment } from '@vane/core';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ImportItemKind, ImportOutcome } from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import type {
  FeatBitImportServiceServer,
  ImportCounts,
  ImportedItem,
} from '@vane/gen/node/vane/admin/v1/featbit_import_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { Principal } from '../auth/principal.js';
import { requireRole } from '../auth/principal.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { EnvAccess } from '../environments/env-access.js';
import { envIdOfSecret } from '../environments/env-secret.js';
import type { EnvironmentDoc, FlagDoc, SecretDoc, SegmentDoc } from '@vane/server-kit/documents';
import { envVersionCounter } from '../changes/versioned-resource.js';
import { coreFlag, coreSegment } from '@vane/server-kit/documents';
import { environmentContents, listAll } from '../flags/environment-contents.js';
import { protoPath } from '../flags/flag-validation.js';
import { segmentIdsOf } from '../flags/flag-mapping.js';
import type { AdminService } from '../grpc/admin-service.js';
import { checkComment, validate } from '../shared/validation.js';
import type { Collection } from '../store/document-store.js';
import {
  flagFromFeatBit,
  ItemProblems,
  parseFeatBitDocument,
  segmentFromFeatBit,
} from './featbit-document.js';
import type {
  ImportedFlagFields,
  ImportedSegmentFields,
  SegmentResolver,
} from './featbit-document.js';
import { AlreadyExists, invalidArgument, NotFound } from '@vane/server-kit';
import type { Violation } from '@vane/server-kit';

/** Most secrets of each kind one request may carry. */
export const MAX_IMPORTED_SECRETS = 10;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{44}$/;
const DEFAULT_COMMENT = 'imported from FeatBit';

/** Dependencies of the import service. */
export interface FeatBitImportDeps {
  readonly flags: Collection<FlagDoc>;
  readonly segments: Collection<SegmentDoc>;
  readonly environments: Collection<EnvironmentDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
}

const FLAG_FIELDS = {
  name: 'name',
  description: 'description',
  tags: 'tags',
  variations: 'variations',
  isEnabled: 'is_enabled',
  disabledVariationId: 'disabled_variation_id',
  targetUsers: 'target_users',
  rules: 'rules',
  fallthrough: 'fallthrough',
  exptIncludeAllTargets: 'expt_include_all_targets',
  isArchived: 'is_archived',
} as const satisfies Partial<Record<keyof ImportedFlagFields, string>>;

const SEGMENT_FIELDS = {
  name: 'name',
  description: 'description',
  tags: 'tags',
  included: 'included',
  excluded: 'excluded',
  rules: 'rules',
  isArchived: 'is_archived',
} as const satisfies Partial<Record<keyof ImportedSegmentFields, string>>;
const SEGMENT_TARGETING = new Set(['included', 'excluded', 'rules', 'is_archived']);

/** JSON with sorted keys and `undefined` as `null`, for comparing stored and imported values. */
function canon(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (v === undefined) return null;
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sort((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

function changedFields<T extends object>(
  current: T | undefined,
  next: object,
  fields: Record<string, string>,
): string[] {
  if (!current) return [];
  const defaults: Record<string, unknown> = { isArchived: false, tags: [], description: '' };
  return Object.entries(fields)
    .filter(([field]) => {
      const a = (current as Record<string, unknown>)[field] ?? defaults[field];
      const b = (next as Record<string, unknown>)[field];
      return canon(a) !== canon(b);
    })
    .map(([, name]) => name);
}

interface Planned<F, D> {
  readonly featbitId: string;
  readonly fields: F;
  readonly vaneId: string;
  readonly current: D | undefined;
  readonly problems: ItemProblems;
  changed: string[];
}

const counts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0 });
const FEATBIT_ID = (raw: unknown): string => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '';
};

/** FeatBitImportService; see the proto for the contract. */
export function featBitImportService(
  deps: FeatBitImportDeps,
): AdminService<FeatBitImportServiceServer> {
  const { flags, segments, environments, writer } = deps;

  return {
    async importFeatBitEnvironment(req, { principal }) {
      const wantsSecrets = req.serverSecrets.length + req.clientSecrets.length > 0;
      const env = await deps.envAccess(
        req.envId,
        principal,
        wantsSecrets ? Role.ROLE_ADMIN : Role.ROLE_EDITOR,
      );
      checkComment(req.comment);
      const comment = req.comment || DEFAULT_COMMENT;
      const doc = parseFeatBitDocument(req.document);
      if (typeof doc === 'string') throw invalidArgument([{ field: 'document', description: doc }]);
      const secrets = await checkSecrets(req.serverSecrets, req.clientSecrets, env);

      // 1. Segments: convert, match by key, validate.
      const existing = await environmentContents(flags, segments, req.envId);
      const segByKey = new Map(existing.segments.map((s) => [s.key, s]));
      const flagByKey = new Map(existing.flags.map((f) => [f.key, f]));
      const seenSegKeys = new Set<string>();
      const plannedSegments: Planned<ImportedSegmentFields, SegmentDoc>[] = doc.segments.map(
        (raw) => {
          const p = new ItemProblems();
          const fields = segmentFromFeatBit(raw, p);
          if (seenSegKeys.has(fields.key))
            p.add('key', 'is used by another segment of the document');
          seenSegKeys.add(fields.key);
          const current = segByKey.get(fields.key);
          const vaneId = current?._id ?? randomUUID();
          for (const problem of validateSegment({ ...fields, id: vaneId })) {
            p.add(corePath(problem.path), problem.message);
          }
          return { featbitId: FEATBIT_ID(raw), fields, vaneId, current, problems: p, changed: [] };
        },
      );
      const byFeatBitId = new Map(plannedSegments.map((s) => [s.featbitId, s]));
      const resolve: SegmentResolver = (id) => {
        const s = byFeatBitId.get(id);
        if (!s || id === '')
          return { problem: `segment ${JSON.stringify(id)} is not in the document` };
        if (s.problems.list.length > 0) {
          return { problem: `segment ${JSON.stringify(id)} (${s.fields.key}) is invalid` };
        }
        if (s.fields.isArchived) {
          return { problem: `segment ${JSON.stringify(id)} (${s.fields.key}) is archived` };
        }
        return { vaneId: s.vaneId };
      };

      // 2. Flags: convert (segment ids rewritten), match by key, validate against the final
      // segments and flags of the environment.
      const finalSegments: Segment[] = [
        ...existing.segments
          .filter((s) => !seenSegKeys.has(s.key) && !s.isArchived)
          .map(coreSegment),
        ...plannedSegments
          .filter((s) => s.problems.list.length === 0 && !s.fields.isArchived)
          .map((s) => ({ ...s.fields, id: s.vaneId })),
      ];
      const seenFlagKeys = new Set<string>();
      const plannedFlags: Planned<ImportedFlagFields, FlagDoc>[] = doc.flags.map((raw) => {
        const p = new ItemProblems();
        const fields = flagFromFeatBit(raw, p, resolve);
        if (seenFlagKeys.has(fields.key)) p.add('key', 'is used by another flag of the document');
        seenFlagKeys.add(fields.key);
        const current = flagByKey.get(fields.key);
        if (current && current.variationType !== fields.variationType) {
          p.add(
            'variationType',
            `is ${fields.variationType} but the Vane flag is ${current.variationType} (immutable)`,
          );
        }
        return {
          featbitId: FEATBIT_ID(raw),
          fields,
          vaneId: current?._id ?? randomUUID(),
          current,
          problems: p,
          changed: [],
        };
      });
      const finalFlags: FeatureFlag[] = [
        ...existing.flags.filter((f) => !seenFlagKeys.has(f.key)).map(coreFlag),
        ...plannedFlags.map((f) => asCoreFlag(f)),
      ];
      for (const f of plannedFlags) {
        const flag = asCoreFlag(f);
        // Only prerequisites read the other flags (FeatBit flags have none, an existing Vane flag
        // may): no copy of the environment per flag otherwise (O(n²) for 10,000 flags).
        const others =
          (flag.prerequisites ?? []).length === 0
            ? []
            : finalFlags.filter((x) => x.id !== f.vaneId);
        for (const problem of validateFlag(flag, { segments: finalSegments, flags: others })) {
          f.problems.add(corePath(problem.path), problem.message);
        }
      }

      // Nothing is archived while a live flag outside the document depends on it (as the
      // Archive RPCs refuse it).
      const outside = existing.flags.filter((f) => !seenFlagKeys.has(f.key) && !f.isArchived);
      for (const s of plannedSegments) {
        if (!s.fields.isArchived || s.current?.isArchived) continue;
        const user = outside.find((f) => f.segmentIds.includes(s.vaneId));
        if (user) s.problems.add('is_archived', `segment is used by active flag ${user.key}`);
      }
      for (const f of plannedFlags) {
        if (!f.fields.isArchived || f.current?.isArchived) continue;
        const user = outside.find((o) =>
          (o.prerequisites ?? []).some((p) => p.flagKey === f.fields.key),
        );
        if (user)
          f.problems.add('is_archived', `flag is a prerequisite of active flag ${user.key}`);
      }

      // 3. Refuse, or plan the writes.
      const violations: Violation[] = [
        ...plannedSegments.flatMap((s) => violationsOf(`segments[${s.fields.key}]`, s.problems)),
        ...plannedFlags.flatMap((f) => violationsOf(`flags[${f.fields.key}]`, f.problems)),
      ];
      if (violations.length > 0 && !req.skipInvalid) throw invalidArgument(violations);
      for (const s of plannedSegments)
        s.changed = changedFields(s.current, s.fields, SEGMENT_FIELDS);
      for (const f of plannedFlags) f.changed = changedFields(f.current, f.fields, FLAG_FIELDS);

      const items: ImportedItem[] = [];
      const segmentCounts = counts();
      const flagCounts = counts();
      const secretCounts = counts();
      const report = <F extends { key: string }, D>(
        kind: ImportItemKind,
        plan: Planned<F, D>,
        tally: ImportCounts,
      ): ImportOutcome => {
        const outcome =
          plan.problems.list.length > 0
            ? ImportOutcome.IMPORT_OUTCOME_SKIPPED
            : !plan.current
              ? ImportOutcome.IMPORT_OUTCOME_CREATED
              : plan.changed.length > 0
                ? ImportOutcome.IMPORT_OUTCOME_UPDATED
                : ImportOutcome.IMPORT_OUTCOME_UNCHANGED;
        tallyOutcome(tally, outcome);
        const written =
          plan.current !== undefined || (!req.dryRun && plan.problems.list.length === 0);
        items.push({
          kind,
          key: plan.fields.key,
          featbitId: plan.featbitId,
          vaneId: written ? plan.vaneId : '',
          outcome,
          changedFields: outcome === ImportOutcome.IMPORT_OUTCOME_UPDATED ? plan.changed : [],
          problems: plan.problems.list,
        });
        return outcome;
      };
      const segOutcomes = plannedSegments.map((s) =>
        report(ImportItemKind.IMPORT_ITEM_KIND_SEGMENT, s, segmentCounts),
      );
      const flagOutcomes = plannedFlags.map((f) =>
        report(ImportItemKind.IMPORT_ITEM_KIND_FLAG, f, flagCounts),
      );
      for (const s of secrets) {
        const outcome = s.present
          ? ImportOutcome.IMPORT_OUTCOME_UNCHANGED
          : ImportOutcome.IMPORT_OUTCOME_CREATED;
        tallyOutcome(secretCounts, outcome);
        items.push({
          kind: ImportItemKind.IMPORT_ITEM_KIND_SECRET,
          key: `${s.kind} …${s.value.slice(-4)}`,
          featbitId: '',
          vaneId: '',
          outcome,
          changedFields: [],
          problems: [],
        });
      }
      const response = {
        items,
        flags: flagCounts,
        segments: segmentCounts,
        secrets: secretCounts,
        dryRun: req.dryRun,
      };
      if (req.dryRun) return response;

      // 4. Write: segments first (flags refer to them), then flags, then the flags outside the
      // document whose segments changed (new version, as a segment edit does), then secrets.
      const meta = (action: string, fields?: readonly string[]) => ({
        actorId: principal.tokenId,
        action,
        comment,
        ...(fields ? { fields } : {}),
      });
      const retargeted = new Set<string>();
      for (const [i, s] of plannedSegments.entries()) {
        const outcome = segOutcomes[i];
        if (outcome === ImportOutcome.IMPORT_OUTCOME_CREATED) {
          await createSegment(req.envId, s, principal, meta('created'));
        } else if (outcome === ImportOutcome.IMPORT_OUTCOME_UPDATED) {
          await updateDoc(segments, ResourceType.RESOURCE_TYPE_SEGMENT, req.envId, s, principal, {
            ...meta('updated', s.changed),
          });
          if (s.changed.some((c) => SEGMENT_TARGETING.has(c))) retargeted.add(s.vaneId);
        }
      }
      for (const [i, f] of plannedFlags.entries()) {
        const outcome = flagOutcomes[i];
        if (outcome === ImportOutcome.IMPORT_OUTCOME_CREATED) {
          await createFlag(req.envId, f, principal, meta('created'));
        } else if (outcome === ImportOutcome.IMPORT_OUTCOME_UPDATED) {
          await updateDoc(flags, ResourceType.RESOURCE_TYPE_FEATURE_FLAG, req.envId, f, principal, {
            ...meta('updated', f.changed),
          });
        }
      }
      await reversionFlags(req.envId, retargeted, seenFlagKeys, principal);
      const added = secrets.filter((s) => !s.present);
      if (added.length > 0) await addSecrets(env, added, principal, comment);
      return response;
    },
  };

  async function checkSecrets(
    server: readonly string[],
    client: readonly string[],
    env: EnvironmentDoc,
  ): Promise<{ kind: 'server' | 'client'; value: string; present: boolean }[]> {
    const all = [
      ...server.map((value) => ({ kind: 'server' as const, value })),
      ...client.map((value) => ({ kind: 'client' as const, value })),
    ];
    validate((v) => {
      v.atMost(server, 'server_secrets', MAX_IMPORTED_SECRETS, 'secrets');
      v.atMost(client, 'client_secrets', MAX_IMPORTED_SECRETS, 'secrets');
      all.forEach((s, i) => {
        const field = s.kind === 'server' ? 'server_secrets' : 'client_secrets';
        const index = s.kind === 'server' ? i : i - server.length;
        v.check(
          SECRET_PATTERN.test(s.value) && envIdOfSecret(s.value) !== undefined,
          `${field}[${index}]`,
          'must be a 44-character FeatBit secret ([A-Za-z0-9_-], the last 22 encoding a GUID)',
        );
        v.check(
          all.findIndex((o) => o.value === s.value) === i,
          `${field}[${index}]`,
          'is given twice',
        );
        const own = env.secrets.find((o) => o.value === s.value);
        v.check(
          !own || own.kind === s.kind,
          `${field}[${index}]`,
          `is already a ${own?.kind ?? ''} secret of this environment`,
        );
      });
    });
    const out = [];
    for (const s of all) {
      const present = env.secrets.some((o) => o.value === s.value);
      if (!present) {
        const holder = await environments.findOne({ 'secrets.value': s.value });
        if (holder && holder._id !== env._id) {
          throw new AlreadyExists(
            ResourceType.RESOURCE_TYPE_SECRET,
            `…${s.value.slice(-4)}`,
            'secret (in another environment)',
          );
        }
      }
      out.push({ ...s, present });
    }
    return out;
  }

  function createSegment(
    envId: string,
    s: Planned<ImportedSegmentFields, SegmentDoc>,
    principal: Principal,
    meta: Parameters<ChangeWriter['create']>[3],
  ): Promise<SegmentDoc> {
    return writer.create<SegmentDoc>(
      segments,
      {
        type: ResourceType.RESOURCE_TYPE_SEGMENT,
        display: s.fields.key,
        versionCounter: envVersionCounter(envId),
      },
      ({ now, version }) => ({
        ...s.fields,
        _id: s.vaneId,
        id: s.vaneId,
        envId,
        version: version!,
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        creatorId: principal.tokenId,
        updaterId: principal.tokenId,
      }),
      meta,
      () => new AlreadyExists(ResourceType.RESOURCE_TYPE_SEGMENT, s.fields.key, 'segment key'),
    );
  }

  function createFlag(
    envId: string,
    f: Planned<ImportedFlagFields, FlagDoc>,
    principal: Principal,
    meta: Parameters<ChangeWriter['create']>[3],
  ): Promise<FlagDoc> {
    return writer.create<FlagDoc>(
      flags,
      {
        type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
        display: f.fields.key,
        versionCounter: envVersionCounter(envId),
      },
      ({ now, version }) => ({
        ...f.fields,
        _id: f.vaneId,
        id: f.vaneId,
        envId,
        prerequisites: [],
        segmentIds: segmentIdsOf(f.fields.rules),
        version: version!,
        createdAt: new Date(now).toISOString(),
        updatedAt: new Date(now).toISOString(),
        creatorId: principal.tokenId,
        updaterId: principal.tokenId,
      }),
      meta,
      () => new AlreadyExists(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, f.fields.key, 'flag key'),
    );
  }

  /** Writes the imported fields over the stored document, pinned to the revision validated. */
  function updateDoc<D extends FlagDoc | SegmentDoc, F extends object & { key: string }>(
    collection: Collection<D>,
    type: ResourceType,
    envId: string,
    plan: Planned<F, D>,
    principal: Principal,
    meta: Parameters<ChangeWriter['update']>[5],
  ): Promise<D> {
    const current = plan.current!;
    return writer.update(
      collection,
      current._id,
      { type, display: plan.fields.key, versionCounter: envVersionCounter(envId) },
      current.revision,
      (cur, { now, version }) => ({
        ...cur,
        ...plan.fields,
        ...('rules' in plan.fields && type === ResourceType.RESOURCE_TYPE_FEATURE_FLAG
          ? { segmentIds: segmentIdsOf((plan.fields as unknown as ImportedFlagFields).rules) }
          : {}),
        version: version!,
        updatedAt: new Date(now).toISOString(),
        updaterId: principal.tokenId,
      }),
      meta,
      () => new NotFound(type, plan.fields.key),
    );
  }

  async function reversionFlags(
    envId: string,
    segmentIds: ReadonlySet<string>,
    imported: ReadonlySet<string>,
    principal: Principal,
  ): Promise<void> {
    if (segmentIds.size === 0) return;
    const users = await listAll(flags, {
      envId,
      segmentIds: { in: [...segmentIds] },
      isArchived: { ne: true },
    });
    for (const flag of users.filter((f) => !imported.has(f.key))) {
      await writer.update(
        flags,
        flag._id,
        {
          type: ResourceType.RESOURCE_TYPE_FEATURE_FLAG,
          display: flag.key,
          versionCounter: envVersionCounter(envId),
        },
        0,
        (cur, { now, version }) => ({
          ...cur,
          version: version!,
          updatedAt: new Date(now).toISOString(),
        }),
        { actorId: principal.tokenId, action: 'segment-changed', fields: ['segment'] },
        () => new NotFound(ResourceType.RESOURCE_TYPE_FEATURE_FLAG, flag.key, 'flag'),
      );
    }
  }

  async function addSecrets(
    env: EnvironmentDoc,
    added: readonly { kind: 'server' | 'client'; value: string }[],
    principal: Principal,
    comment: string,
  ): Promise<void> {
    requireRole(principal, Role.ROLE_ADMIN, env.projectId);
    await writer.update(
      environments,
      env._id,
      { type: ResourceType.RESOURCE_TYPE_ENVIRONMENT, display: env._id },
      0,
      (current, { now }) => {
        const fresh: SecretDoc[] = added
          .filter((s) => !current.secrets.some((o) => o.value === s.value))
          .map((s) => ({
            id: randomUUID(),
            name: s.kind === 'server' ? 'FeatBit server key' : 'FeatBit client key',
            kind: s.kind,
            value: s.value,
            createdAt: now,
          }));
        if (fresh.length === 0) return current;
        return {
          ...current,
          secrets: [...current.secrets, ...fresh],
          updatedAt: now,
          updaterId: principal.tokenId,
        };
      },
      { actorId: principal.tokenId, action: 'secret-added', comment, fields: ['secrets'] },
      () => new NotFound(ResourceType.RESOURCE_TYPE_ENVIRONMENT, env._id, 'environment'),
    );
  }
}

/** A core problem path as the proto names fields (`rules[0].conditions[1].op`, snake_case). */
function corePath(path: string): string {
  return protoPath('', path).replace(/^\./, '');
}

function violationsOf(prefix: string, problems: ItemProblems): Violation[] {
  return problems.entries.map((e) => ({
    field: e.path === '' ? prefix : `${prefix}.${e.path}`,
    description: e.message,
  }));
}

function asCoreFlag(f: Planned<ImportedFlagFields, FlagDoc>): FeatureFlag {
  return {
    ...f.fields,
    id: f.vaneId,
    prerequisites: f.current?.prerequisites ?? [],
  };
}

function tallyOutcome(tally: ImportCounts, outcome: ImportOutcome): void {
  if (outcome === ImportOutcome.IMPORT_OUTCOME_CREATED) tally.created += 1;
  else if (outcome === ImportOutcome.IMPORT_OUTCOME_UPDATED) tally.updated += 1;
  else if (outcome === ImportOutcome.IMPORT_OUTCOME_UNCHANGED) tally.unchanged += 1;
  else tally.skipped += 1;
}

// End users of an environment: search, read, manual upsert/delete, and evaluation previews.
import { LIMITS } from '@vane/core';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import type {
  EndUserRecord,
  EndUserServiceServer,
} from '@vane/gen/node/vane/admin/v1/end_user_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { EndUser } from '@vane/gen/node/vane/model/v1/end_user';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { EnvAccess } from '../environments/env-access.js';
import { endUserFromProto, evaluationToProto } from '@vane/core/proto';
import type { FlagDoc, SegmentDoc } from '@vane/server-kit/documents';
import { compiledEnvironment } from '../flags/environment-contents.js';
import type { AdminService } from '../grpc/admin-service.js';
import { listPage } from '../shared/paging.js';
import { validate } from '../shared/validation.js';
import type { Violations } from '../shared/validation.js';
import type { Collection, FieldCondition, Filter } from '../store/document-store.js';
import { endUserId, propField, propsOf, sameState } from './end-user-doc.js';
import type { EndUserDoc, EndUserPropertyDoc, EndUserState } from './end-user-doc.js';
import { NotFound, Unavailable } from '@vane/server-kit';

/** Longest user key accepted (`EndUser.key_id`). */
export const MAX_USER_KEY_LENGTH = LIMITS.userKeyLength;
const MAX_PROPERTY_NAME_LENGTH = LIMITS.userPropertyNameLength;
const MAX_PROPERTY_VALUE_LENGTH = LIMITS.userPropertyValueLength;
/** Attribute names that address built-in fields and cannot be custom properties. */
const BUILTIN_PROPERTIES = ['keyId', 'name'] as const;

/** Dependencies of the end-user service. */
export interface EndUserServiceDeps {
  readonly endUsers: Collection<EndUserDoc>;
  readonly flags: Collection<FlagDoc>;
  readonly segments: Collection<SegmentDoc>;
  readonly envAccess: EnvAccess;
  readonly writer: ChangeWriter;
}

/** Who writes an end user, and the change-record action (`created`/`updated` if not given). */
export interface EndUserWriteMeta {
  readonly actorId: string;
  readonly action?: string;
}

/** The proto form of a stored end user. */
export function endUserToProto(doc: EndUserDoc): EndUserRecord {
  return {
    envId: doc.envId,
    user: {
      keyId: doc.keyId,
      name: doc.name,
      customProperties: doc.properties.map((p) => ({ name: p.name, value: p.value })),
    },
    firstSeenAt: new Date(doc.firstSeenAt),
    lastSeenAt: new Date(doc.lastSeenAt),
  };
}

/** Records the violations of a user key (required, not blank, at most 512 characters). */
export function checkUserKey(v: Violations, keyId: string | undefined, field: string): void {
  v.required(keyId, field, MAX_USER_KEY_LENGTH);
}

/** A create/update race lost, or a record deleted under us: read again. */
class Raced extends Error {}

/**
 * Creates or updates the record of `keyId` in `envId` with the state `next` computes from the
 * stored one (undefined if none). Retries lost create/update races; skips the write when nothing
 * changes. Throws UNAVAILABLE while a deleted record of the same user awaits its purge.
 */
export async function saveEndUser(
  writer: ChangeWriter,
  endUsers: Collection<EndUserDoc>,
  envId: string,
  keyId: string,
  next: (current: EndUserState | undefined, now: number) => EndUserState,
  meta: EndUserWriteMeta,
): Promise<EndUserDoc> {
  const id = endUserId(envId, keyId);
  const ref = { type: ResourceType.RESOURCE_TYPE_END_USER, display: keyId };
  const raced = (): Error => new Raced();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      if (!(await endUsers.get(id))) {
        return await writer.create<EndUserDoc>(
          endUsers,
          ref,
          ({ now }) => {
            const state = next(undefined, now);
            return { _id: id, ...state, props: propsOf(state.properties) };
          },
          { actorId: meta.actorId, action: meta.action ?? 'created' },
          raced,
        );
      }
      return await writer.update(
        endUsers,
        id,
        ref,
        0,
        (current, { now }) => {
          const state = next(current, now);
          if (sameState(state, current)) return current;
          return { ...current, ...state, props: propsOf(state.properties) };
        },
        { actorId: meta.actorId, action: meta.action ?? 'updated' },
        raced,
      );
    } catch (err) {
      if (!(err instanceof Raced)) throw err;
    }
  }
  throw new Unavailable(`end user ${keyId} is being deleted; retry shortly`);
}

/** The validated custom properties of an upserted user. */
function upsertProperties(user: EndUser): EndUserPropertyDoc[] {
  validate((v) => {
    checkUserKey(v, user.keyId, 'user.key_id');
    const names = new Set<string>();
    user.customProperties.forEach((p, i) => {
      const field = `user.custom_properties[${i}]`;
      v.required(p.name, `${field}.name`, MAX_PROPERTY_NAME_LENGTH);
      v.check(
        !(BUILTIN_PROPERTIES as readonly string[]).includes(p.name),
        `${field}.name`,
        '"keyId" and "name" are reserved attribute names',
      );
      v.check(!names.has(p.name), `${field}.name`, `repeats the name "${p.name}"`);
      v.maxLength(p.value, `${field}.value`, MAX_PROPERTY_VALUE_LENGTH);
      names.add(p.name);
    });
  });
  return user.customProperties.map((p) => ({ name: p.name, value: p.value }));
}

/** EndUserService: VIEWER reads and previews, EDITOR upserts and deletes. */
export function endUserService(deps: EndUserServiceDeps): AdminService<EndUserServiceServer> {
  const { endUsers, envAccess, writer } = deps;

  async function load(envId: string, keyId: string): Promise<EndUserDoc> {
    validate((v) => checkUserKey(v, keyId, 'key_id'));
    const doc = await endUsers.get(endUserId(envId, keyId));
    if (!doc) throw new NotFound(ResourceType.RESOURCE_TYPE_END_USER, keyId, 'end user');
    return doc;
  }

  return {
    async searchEndUsers(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const start = req.lastSeen?.startTime?.getTime();
      const end = req.lastSeen?.endTime?.getTime();
      validate((v) => {
        req.properties.forEach((p, i) => v.required(p.name, `properties[${i}].name`));
        v.check(
          start === undefined || end === undefined || end >= start,
          'last_seen.end_time',
          'must not be before start_time',
        );
      });
      const query = req.query.trim();
      const top: Record<string, FieldCondition | readonly Filter[]> = { envId: req.envId };
      // Conditions whose field is already taken at the top level nest in a one-branch `anyOf`.
      const nested: Record<string, FieldCondition | readonly Filter[]> = {};
      if (start !== undefined) top.lastSeenAt = { gte: start };
      if (end !== undefined) nested.lastSeenAt = { lt: end };
      for (const p of req.properties) {
        const field = p.name === 'keyId' || p.name === 'name' ? p.name : propField(p.name);
        const taken = top[field];
        if (taken === undefined) top[field] = p.value;
        else if (taken !== p.value) return { users: [], page: { nextPageToken: '' } };
      }
      if (query) nested.anyOf = [{ keyId: { contains: query } }, { name: { contains: query } }];
      if (Object.keys(nested).length > 0) top.anyOf = [nested];
      const { items, page } = await listPage(endUsers, req.page, {
        filter: top,
        orderBy: 'lastSeenAt',
        descending: true,
        scope: ['end-users', req.envId, query, req.properties, start, end],
        // Counting every user of a large environment is too expensive; total_size stays unset.
        count: false,
      });
      return { users: items.map(endUserToProto), page };
    },

    async getEndUser(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      return { user: endUserToProto(await load(req.envId, req.keyId)) };
    },

    async upsertEndUser(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      validate((v) => v.check(req.user !== undefined, 'user', 'is required'));
      const user = req.user!;
      const properties = upsertProperties(user);
      const doc = await saveEndUser(
        writer,
        endUsers,
        req.envId,
        user.keyId,
        (current, now) => ({
          envId: req.envId,
          keyId: user.keyId,
          name: user.name,
          properties,
          firstSeenAt: current?.firstSeenAt ?? now,
          lastSeenAt: Math.max(current?.lastSeenAt ?? now, now),
        }),
        { actorId: principal.tokenId },
      );
      return { user: endUserToProto(doc) };
    },

    async deleteEndUser(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_EDITOR);
      const doc = await load(req.envId, req.keyId);
      await writer.remove(
        endUsers,
        doc._id,
        { type: ResourceType.RESOURCE_TYPE_END_USER, display: req.keyId },
        0,
        { actorId: principal.tokenId, action: 'deleted' },
        () => new NotFound(ResourceType.RESOURCE_TYPE_END_USER, req.keyId, 'end user'),
      );
      return {};
    },

    async listEndUserFlags(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const stored = await load(req.envId, req.keyId);
      const query = req.query.trim();
      const filter: Filter = {
        envId: req.envId,
        isArchived: { ne: true },
        ...(query ? { anyOf: [{ key: { contains: query } }, { name: { contains: query } }] } : {}),
      };
      const { items, page } = await listPage(deps.flags, req.page, {
        filter,
        orderBy: 'key',
        scope: ['end-user-flags', req.envId, query],
        count: true,
      });
      if (items.length === 0) return { flags: [], page };
      // Prerequisites and segment conditions need the whole environment, not just this page.
      const env = await compiledEnvironment(deps.flags, deps.segments, req.envId);
      const user = endUserFromProto(endUserToProto(stored).user!);
      return {
        flags: items.map((f) => ({
          flagId: f._id,
          flagName: f.name ?? '',
          isEnabled: f.isEnabled,
          result: evaluationToProto(f.key, env.getFlag(f.key), env.evaluate(f.key, user)),
        })),
        page,
      };
    },

    async listEndUserProperties(req, { principal }) {
      await envAccess(req.envId, principal, Role.ROLE_VIEWER);
      const names = await endUsers.distinct('properties.name', { envId: req.envId });
      const custom = names
        .map(String)
        .filter((n) => !(BUILTIN_PROPERTIES as readonly string[]).includes(n))
        .sort();
      return {
        properties: [
          ...BUILTIN_PROPERTIES.map((name) => ({ name, isBuiltin: true })),
          ...custom.map((name) => ({ name, isBuiltin: false })),
        ],
      };
    },
  };
}

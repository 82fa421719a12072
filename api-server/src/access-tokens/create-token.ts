// Creating access tokens: a new token (plaintext returned once) and the first-run OWNER token.
import { randomUUID } from 'node:crypto';
import { Role } from '@vane/gen/node/vane/admin/v1/access_token_service';
import { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import { SYSTEM } from '../auth/principal.js';
import { hashToken, newTokenSecret, tokenDisplayPrefix } from '../auth/token-secret.js';
import type { ChangeWriter } from '../changes/change-writer.js';
import type { Collection } from '../store/document-store.js';
import type { AccessTokenDoc } from './access-token-doc.js';
import { AlreadyExists } from '@vane/server-kit';

/** What a new token is. */
export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly allProjects: boolean;
  readonly projectIds: readonly string[];
  readonly expiresAt?: number | undefined;
  readonly creatorId: string;
}

/** Stores a new token (given plaintext, or a fresh one) and returns it with its plaintext. */
export async function createToken(
  tokens: Collection<AccessTokenDoc>,
  writer: ChangeWriter,
  spec: NewToken,
  plaintext: string = newTokenSecret(),
): Promise<{ doc: AccessTokenDoc; token: string }> {
  const id = randomUUID();
  const doc = await writer.create<AccessTokenDoc>(
    tokens,
    ref(id),
    ({ now }) => ({
      _id: id,
      name: spec.name,
      role: spec.role,
      allProjects: spec.allProjects,
      projectIds: spec.projectIds,
      hash: hashToken(plaintext),
      tokenPrefix: tokenDisplayPrefix(plaintext),
      createdAt: now,
      creatorId: spec.creatorId,
      ...(spec.expiresAt !== undefined ? { expiresAt: spec.expiresAt } : {}),
    }),
    { actorId: spec.creatorId || SYSTEM.tokenId, action: 'created' },
    () => new AlreadyExists(ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, spec.name, 'access token'),
  );
  return { doc, token: plaintext };
}

function ref(id: string) {
  return { type: ResourceType.RESOURCE_TYPE_ACCESS_TOKEN, display: id };
}

/**
 * First run: when no token exists, creates an OWNER token for all projects — the configured one
 * if given, else a new random one, returned so the caller can print it once.
 */
export async function bootstrapOwner(
  tokens: Collection<AccessTokenDoc>,
  writer: ChangeWriter,
  configured: string | undefined,
): Promise<string | undefined> {
  if (configured) {
    if (await tokens.findOne({ hash: hashToken(configured) })) return undefined;
  } else if ((await tokens.count({})) > 0) {
    return undefined;
  }
  const { token } = await createToken(
    tokens,
    writer,
    {
      name: 'bootstrap owner',
      role: Role.ROLE_OWNER,
      allProjects: true,
      projectIds: [],
      creatorId: '',
    },
    configured,
  );
  return token;
}

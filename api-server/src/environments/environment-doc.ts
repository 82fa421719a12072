// The stored form of an environment and its SDK secrets.
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of environments: keys are unique within a project. */
export const ENVIRONMENTS = {
  name: 'environments',
  unique: [{ name: 'project_key', fields: ['projectId', 'key'] }],
} as const;

/** An SDK secret: `server` secrets read definitions, `client` secrets only evaluated results. */
export interface SecretDoc {
  readonly id: string;
  readonly name: string;
  readonly kind: 'server' | 'client';
  /** The secret itself (FeatBit's 44-character format, carrying the environment id). */
  readonly value: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** An environment of a project; flags and segments live in environments. */
export interface EnvironmentDoc extends StoredDocument {
  readonly projectId: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly secrets: readonly SecretDoc[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly creatorId: string;
  readonly updaterId: string;
}

// The stored form of a project.
import type { StoredDocument } from '../store/document-store.js';

/** Collection name and unique indexes of projects. */
export const PROJECTS = { name: 'projects', unique: [{ name: 'key', fields: ['key'] }] } as const;

/** A project: groups environments. */
export interface ProjectDoc extends StoredDocument {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly creatorId: string;
  readonly updaterId: string;
}

// The stored forms of the audit log and of revision snapshots, both written by the change relay
// from change records (idempotently: their id is the change record's id).
import type { Json, StoredDocument } from '../store/document-store.js';

/** Collection names of the relay's outputs. */
export const AUDIT_COLLECTION = 'audit_log';
export const REVISIONS_COLLECTION = 'revisions';

/** One audit-log entry: who changed what, with the resource before and after. */
export interface AuditDoc extends StoredDocument {
  readonly actorId: string;
  readonly action: string;
  readonly resourceType: number;
  readonly resourceId: string;
  readonly resourceKey: string;
  readonly projectId: string;
  readonly envId: string;
  readonly before: Json;
  readonly after: Json;
  readonly comment: string;
  /** The resource's revision after the change (0 for a delete). */
  readonly resourceRevision: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A full snapshot of a flag or segment after one change. */
export interface RevisionDoc extends StoredDocument {
  readonly resourceType: number;
  readonly resourceId: string;
  readonly envId: string;
  readonly resourceRevision: number;
  readonly action: string;
  readonly actorId: string;
  readonly comment: string;
  readonly snapshot: Json;
  readonly createdAt: number;
}

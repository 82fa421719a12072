// The stored form of the audit log, written by the change relay from change records (idempotently:
// an entry's id is its change record's id). A flag's or segment's revision snapshots are the audit
// entries of its changes: each `after` is the resource as that change left it.
import type { Json, StoredDocument } from '../store/document-store.js';

/** The relay's output. (Earlier versions also kept copies of `after` in `revisions`, unused now.) */
export const AUDIT_COLLECTION = 'audit_log';

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

// Relays change records out of document outboxes: each becomes an audit entry (and, for flags and
// segments, a revision snapshot and a Kafka message), then leaves the outbox. Runs after every
// write and on a timer, so records left by a crash or a Kafka outage are relayed later, in order.
import type { Logger } from 'pino';
import type { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { ChangePublisher, OutgoingMessage } from '../bus/change-publisher.js';
import { DuplicateKeyError } from '../store/document-store.js';
import type { ChangeRecord, Collection, Json, StoredDocument } from '../store/document-store.js';
import type { ChangeSink } from './change-writer.js';
import type { AuditDoc, RevisionDoc } from './audit-entry.js';

/** Where a resource sits and how it is named, for the audit log. */
export interface ResourcePlace {
  readonly projectId: string;
  readonly envId: string;
  readonly key: string;
}

/** How the relay treats the records of one collection. */
export interface RelayedKind {
  readonly collection: Collection<StoredDocument>;
  readonly resourceType: ResourceType;
  /** Where the resource of a record sits (from its `after`, or `before` when deleted). */
  place(state: Record<string, Json>): ResourcePlace;
  /** Keep a revision snapshot of every change (flags and segments). */
  readonly revisions?: boolean;
  /** Write an audit entry per change (default true; false for system writes such as end users). */
  readonly audit?: boolean;
  /** The message to publish for a record, for published kinds; records are sent in `version` order. */
  event?(record: ChangeRecord): Promise<OutgoingMessage>;
}

/** Relay settings. */
export interface RelayOptions {
  readonly kinds: readonly RelayedKind[];
  readonly audit: Collection<AuditDoc>;
  readonly revisions: Collection<RevisionDoc>;
  readonly publisher: ChangePublisher;
  readonly logger: Logger;
  /** Sweep interval for records left behind (ms). */
  readonly intervalMs?: number;
  /** Largest backoff after failed publishes (ms). */
  readonly maxBackoffMs?: number;
}

interface Pending {
  readonly kind: RelayedKind;
  readonly doc: StoredDocument;
  readonly record: ChangeRecord;
}

function stateOf(record: ChangeRecord): Record<string, Json> {
  const state = record.after ?? record.before;
  return state !== null && typeof state === 'object' && !Array.isArray(state) ? state : {};
}

/** The relay; also the ChangeSink that writes audit entries as soon as a change commits. */
export class ChangeRelay implements ChangeSink {
  readonly #kinds = new Map<string, RelayedKind>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #stopped = true;
  /** Collections written through this process since their last scan: scanned right away. */
  readonly #dirty = new Set<string>();
  /** Records whose audit entry this process already wrote (skip the idempotent re-insert). */
  readonly #audited = new Set<string>();
  /** Records relayed since start, and failed publish attempts (metrics). */
  relayed = 0;
  publishFailures = 0;

  constructor(private readonly options: RelayOptions) {
    for (const kind of options.kinds) this.#kinds.set(kind.collection.name, kind);
  }

  /** Starts the sweep timer and relays whatever is pending. */
  start(): void {
    this.#stopped = false;
    this.#schedule(0, true);
  }

  /** Stops sweeping after the current pass; pending records stay for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  async recorded(collection: string, doc: StoredDocument, record: ChangeRecord): Promise<void> {
    const kind = this.#kinds.get(collection);
    if (!kind) return;
    this.#dirty.add(collection);
    try {
      await this.#writeAudit({ kind, doc, record });
      if (this.#audited.size > 100_000) this.#audited.clear();
      this.#audited.add(record.id);
    } catch (err) {
      // The relay writes it on its next pass; the change itself is safe in the outbox.
      this.options.logger.warn({ err, collection }, 'audit entry deferred');
    }
    this.notify();
  }

  /** Asks for a relay pass as soon as possible. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#failures === 0) this.#schedule(0, false);
  }

  /** Runs passes until nothing is pending or a publish fails (tests and shutdown). */
  async drain(): Promise<void> {
    while (await this.#pass(true)) {
      /* keep going */
    }
  }

  /**
   * Runs a pass after `delay`. A `full` pass scans every collection (records left by a crash, by
   * another instance, or by a failed publish); others scan only collections written since.
   */
  #schedule(delay: number, full: boolean): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#running = this.#pass(full)
        .then((more) => {
          this.#failures = 0;
          return more;
        })
        .catch((err: unknown) => {
          this.#failures += 1;
          this.publishFailures += 1;
          this.options.logger.warn(
            { err, failures: this.#failures },
            'change relay pass failed; will retry',
          );
          return false;
        })
        .then((more) => {
          this.#running = undefined;
          if (this.#stopped) return;
          const again = more || this.#again;
          this.#again = false;
          const backoff = Math.min(this.options.maxBackoffMs ?? 5000, 100 * 2 ** this.#failures);
          if (this.#failures > 0) this.#schedule(backoff, true);
          else if (again) this.#schedule(0, full && more);
          else this.#schedule(this.options.intervalMs ?? 1000, true);
        });
    }, delay);
    this.#timer.unref();
  }

  /** One pass; true if there may be more to do. Throws if publishing failed. */
  async #pass(full: boolean): Promise<boolean> {
    const batch: Pending[] = [];
    const names = full ? [...this.#kinds.keys()] : [...this.#dirty];
    this.#dirty.clear();
    for (const name of names) {
      const kind = this.#kinds.get(name)!;
      for (const doc of await kind.collection.withPendingChanges(500)) {
        for (const record of doc.outbox) batch.push({ kind, doc, record });
      }
    }
    if (batch.length === 0) return false;
    const published = batch
      .filter((p) => p.kind.event !== undefined)
      .sort(
        (a, b) => (a.record.version ?? 0) - (b.record.version ?? 0) || a.record.at - b.record.at,
      );
    for (const p of batch) if (!this.#audited.has(p.record.id)) await this.#writeAudit(p);
    const messages = [];
    for (const p of published) messages.push(await p.kind.event!(p.record));
    await this.options.publisher.publish(messages);
    for (const p of batch) {
      await p.kind.collection.removeChange(p.doc._id, p.record.id);
      this.#audited.delete(p.record.id);
      this.relayed += 1;
    }
    // Look once more at the collections just relayed: a pass reads at most 500 documents each.
    for (const p of batch) this.#dirty.add(p.kind.collection.name);
    for (const doc of new Set(batch.filter((p) => p.doc.deleted).map((p) => p.doc))) {
      const kind = this.#kinds.get(batch.find((p) => p.doc === doc)!.kind.collection.name)!;
      await kind.collection.purge(doc._id);
    }
    return true;
  }

  async #writeAudit({ kind, record }: Pending): Promise<void> {
    if (kind.audit === false) return;
    const state = stateOf(record);
    const place = kind.place(state);
    const after = record.after as Record<string, Json> | null;
    const resourceRevision = typeof after?.revision === 'number' ? after.revision : 0;
    const resourceId = typeof state._id === 'string' ? state._id : '';
    const base = { revision: 1, outbox: [] as ChangeRecord[], resourceType: kind.resourceType };
    await ignoreDuplicate(
      this.options.audit.insert({
        ...base,
        _id: record.id,
        actorId: record.actorId,
        action: record.action,
        resourceId,
        resourceKey: place.key,
        projectId: place.projectId,
        envId: place.envId,
        before: record.before,
        after: record.after,
        comment: record.comment ?? '',
        resourceRevision,
        createdAt: record.at,
      }),
    );
    if (kind.revisions && record.after !== null) {
      await ignoreDuplicate(
        this.options.revisions.insert({
          ...base,
          _id: record.id,
          resourceId,
          envId: place.envId,
          resourceRevision,
          action: record.action,
          actorId: record.actorId,
          comment: record.comment ?? '',
          snapshot: record.after,
          createdAt: record.at,
        }),
      );
    }
  }
}

async function ignoreDuplicate(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
  }
}

// Relays change records out of document outboxes: each becomes an audit entry (which also serves
// the resource's revisions) and, for flags and segments, a Kafka message; then it leaves the
// outbox. A pass writes its audit entries in one command, publishes at the same time, and removes
// the records in one command per collection. Runs after every write and on a timer, so records
// left by a crash or a Kafka outage are relayed later, in order.
import type { Logger } from 'pino';
import type { ResourceType } from '@vane/gen/node/vane/common/v1/resource';
import type { ChangePublisher, OutgoingMessage } from '../bus/change-publisher.js';
import type { ChangeRecord, Collection, Json, StoredDocument } from '../store/document-store.js';
import type { ChangeSink } from './change-writer.js';
import type { AuditDoc } from './audit-entry.js';

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
  /** Write an audit entry per change (default true; false for system writes such as end users). */
  readonly audit?: boolean;
  /** The message to publish for a record, for published kinds; records are sent in `version` order. */
  event?(record: ChangeRecord): Promise<OutgoingMessage>;
}

/** Relay settings. */
export interface RelayOptions {
  readonly kinds: readonly RelayedKind[];
  readonly audit: Collection<AuditDoc>;
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

/** A change record of this process: reserved before its write, ready once the write committed. */
interface Owned {
  readonly kind: RelayedKind;
  readonly record: ChangeRecord;
  /** Records with a version are published in version order per this key (the environment). */
  readonly orderKey: string | undefined;
  doc: StoredDocument | undefined;
  audited: boolean;
}

/** Most ready records a pass takes, and most kept in memory (beyond, the sweep finds them). */
const PASS_LIMIT = 500;
const MAX_READY_IN_MEMORY = 5_000;

function stateOf(record: ChangeRecord): Record<string, Json> {
  const state = record.after ?? record.before;
  return state !== null && typeof state === 'object' && !Array.isArray(state) ? state : {};
}

/**
 * The relay; also the ChangeSink of this process's writer. A record this process writes is
 * reserved before its write and handed over once the write committed, so the relay needs no read to
 * find it: the caller waits for one store write, and the relay writes the audit entry (and the
 * revision snapshot), publishes and removes the record from the outbox after the call returned.
 * Records with a version wait for every lower version of their environment reserved here, so they
 * are published in version order. A periodic sweep scans every outbox for the rest: records left by
 * a crash, by another instance, or by this one beyond what it keeps in memory.
 */
export class ChangeRelay implements ChangeSink {
  readonly #kinds = new Map<string, RelayedKind>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #stopped = true;
  /** Records of this process not yet relayed, in reservation order. */
  readonly #owned = new Map<string, Owned>();
  #readyCount = 0;
  /** Callers waiting until the records ready at their call have their audit entry. */
  #waiters: { ids: string[]; resolve: () => void }[] = [];
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
    this.#wake(true);
  }

  reserve(collection: string, record: ChangeRecord): void {
    const kind = this.#kinds.get(collection);
    if (!kind) return;
    const orderKey =
      kind.event !== undefined && record.version !== undefined
        ? `${collection}\u0000${kind.place(stateOf(record)).envId}`
        : undefined;
    this.#owned.set(record.id, { kind, record, orderKey, doc: undefined, audited: false });
  }

  abandoned(record: ChangeRecord): void {
    const owned = this.#owned.get(record.id);
    if (owned?.doc === undefined) this.#owned.delete(record.id);
    // A held record may now be first in its environment.
    this.notify();
  }

  async recorded(collection: string, doc: StoredDocument, record: ChangeRecord): Promise<void> {
    const kind = this.#kinds.get(collection);
    if (!kind) return;
    let owned = this.#owned.get(record.id);
    if (!owned) {
      owned = { kind, record, orderKey: undefined, doc: undefined, audited: false };
      this.#owned.set(record.id, owned);
    }
    if (owned.doc === undefined) this.#readyCount += 1;
    owned.doc = doc;
    if (this.#readyCount > MAX_READY_IN_MEMORY) this.#forgetReady();
    this.notify();
  }

  /**
   * Resolves once every record handed over before the call has its audit entry (and revision),
   * or a pass has tried and failed: a list call after a write sees that write on this instance.
   */
  async settled(): Promise<void> {
    const ids = [...this.#owned.values()]
      .filter((o) => o.doc !== undefined && !o.audited)
      .map((o) => o.record.id);
    if (ids.length === 0) return;
    await new Promise<void>((resolve) => {
      this.#waiters.push({ ids, resolve });
      this.notify();
    });
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
   * Runs a pass after `delay`. A `full` pass also scans every collection (records left by a crash,
   * by another instance, or by a failed publish); others relay only this process's records.
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
          this.#wake(this.#failures > 0);
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

  /** Resolves the waiters whose records are audited or gone (all of them after a failure). */
  #wake(all: boolean): void {
    this.#waiters = this.#waiters.filter((w) => {
      const done =
        all ||
        w.ids.every((id) => {
          const owned = this.#owned.get(id);
          return owned === undefined || owned.audited;
        });
      if (done) w.resolve();
      return !done;
    });
  }

  /** Ready records of this process that may go now: in each environment, those before the first
   * lower version still being written. */
  #takeReady(): Owned[] {
    const blocked = new Set<string>();
    const taken: Owned[] = [];
    const byVersion = [...this.#owned.values()].sort(
      (a, b) => (a.record.version ?? 0) - (b.record.version ?? 0),
    );
    for (const owned of byVersion) {
      if (taken.length >= PASS_LIMIT) break;
      const key = owned.orderKey;
      if (owned.doc === undefined) {
        if (key !== undefined) blocked.add(key);
        continue;
      }
      if (key !== undefined && blocked.has(key)) continue;
      taken.push(owned);
    }
    return taken;
  }

  /** Drops ready records from memory (they stay in their outboxes; the sweep relays them). */
  #forgetReady(): void {
    for (const [id, owned] of this.#owned) if (owned.doc !== undefined) this.#owned.delete(id);
    this.#readyCount = 0;
    this.options.logger.warn('change relay backlog left to the sweep');
  }

  /** One pass; true if there may be more to do. Throws if publishing failed. */
  async #pass(full: boolean): Promise<boolean> {
    const mine = this.#takeReady();
    const batch: Pending[] = mine.map((o) => ({ kind: o.kind, doc: o.doc!, record: o.record }));
    let more = mine.length >= PASS_LIMIT;
    if (full) {
      for (const kind of this.#kinds.values()) {
        const docs = await kind.collection.withPendingChanges(PASS_LIMIT);
        if (docs.length >= PASS_LIMIT) more = true;
        for (const doc of docs) {
          for (const record of doc.outbox) {
            if (!this.#owned.has(record.id)) batch.push({ kind, doc, record });
          }
        }
      }
    }
    if (batch.length === 0) return false;
    // The audit entries and the messages go out at once; a record leaves its outbox only after
    // both (a failure leaves it for the next pass, which may publish it again: consumers keep the
    // newest version).
    const audited = new Set(mine.filter((o) => o.audited).map((o) => o.record.id));
    const auditing = this.#writeAudits(batch.filter((p) => !audited.has(p.record.id))).then(() => {
      for (const owned of mine) owned.audited = true;
      this.#wake(false);
    });
    const published = batch
      .filter((p) => p.kind.event !== undefined)
      .sort(
        (a, b) => (a.record.version ?? 0) - (b.record.version ?? 0) || a.record.at - b.record.at,
      );
    const publishing = (async () => {
      const messages = [];
      for (const p of published) messages.push(await p.kind.event!(p.record));
      await this.options.publisher.publish(messages);
    })();
    const [audit, publish] = await Promise.allSettled([auditing, publishing]);
    if (audit.status === 'rejected') throw audit.reason;
    if (publish.status === 'rejected') throw publish.reason;
    const byCollection = new Map<RelayedKind, Pending[]>();
    for (const p of batch) byCollection.set(p.kind, [...(byCollection.get(p.kind) ?? []), p]);
    for (const [kind, pending] of byCollection) {
      await kind.collection.removeChanges(
        pending.map((p) => ({ id: p.doc._id, record: p.record })),
      );
      for (const p of pending) {
        if (this.#owned.delete(p.record.id)) this.#readyCount -= 1;
        this.relayed += 1;
      }
    }
    const deleted = new Map<string, Pending>();
    for (const p of batch)
      if (p.doc.deleted) deleted.set(`${p.kind.collection.name}\u0000${p.doc._id}`, p);
    for (const p of deleted.values()) await p.kind.collection.purge(p.doc._id);
    return more || this.#readyCount > 0;
  }

  /** Writes the audit entries of `batch` in one call (entries already written are kept). */
  async #writeAudits(batch: readonly Pending[]): Promise<void> {
    const entries = batch.filter((p) => p.kind.audit !== false).map((p) => this.#auditEntry(p));
    await this.options.audit.insertNew(entries);
  }

  #auditEntry({ kind, record }: Pending): AuditDoc {
    const state = stateOf(record);
    const place = kind.place(state);
    const after = record.after as Record<string, Json> | null;
    const resourceRevision = typeof after?.revision === 'number' ? after.revision : 0;
    const resourceId = typeof state._id === 'string' ? state._id : '';
    return {
      revision: 1,
      outbox: [],
      resourceType: kind.resourceType,
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
    };
  }
}

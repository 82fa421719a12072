// Relays change records out of document outboxes: each becomes an audit entry (which also serves
// the resource's revisions) and, for flags and segments, a Kafka message; then it leaves the
// outbox. This process's records are published as soon as they are committed; a sweep on a timer,
// apart from them, relays the records left by a crash, a Kafka outage or another instance.
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
  /** Sent to Kafka (or needs no message): left for the settle stage. */
  published: boolean;
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
 * find it: the caller waits for its store writes only. Two stages follow the call: the publish stage
 * sends the records to Kafka as soon as they are ready, and the settle stage then writes their
 * audit entries and removes them from the outboxes (store writes that the next publish does not
 * wait for). Records with a version wait for every lower version of their environment reserved
 * here, so they are published in version order. A periodic sweep, a loop of its own, scans every
 * outbox for the rest: records left by a crash, by another instance, or by this one beyond what it
 * keeps in memory. Its scans decode whole collections on FerretDB and queue behind the callers'
 * writes, so the publishes of this process's records never wait for them.
 */
export class ChangeRelay implements ChangeSink {
  readonly #kinds = new Map<string, RelayedKind>();
  /** The publish stage of this process's records: timer, running pass, asked again, failures. */
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  /** The sweep loop: timer, running sweep, failed sweeps in a row. */
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #sweepFailures = 0;
  #stopped = true;
  /** Records of this process not yet relayed, in reservation order. */
  readonly #owned = new Map<string, Owned>();
  #readyCount = 0;
  /** The settle stage: running, asked to run again, failed runs in a row. */
  #settling: Promise<void> | undefined;
  #settleAgain = false;
  #settleFailures = 0;
  #settleTimer: NodeJS.Timeout | undefined;
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
    this.#scheduleSweep(0);
    this.notify();
  }

  /** Stops sweeping after the current pass; pending records stay for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    if (this.#settleTimer) clearTimeout(this.#settleTimer);
    await this.#running;
    await this.#sweeping;
    await this.#settling;
    this.#wake(true);
  }

  reserve(collection: string, record: ChangeRecord): void {
    const kind = this.#kinds.get(collection);
    if (!kind) return;
    const orderKey =
      kind.event !== undefined && record.version !== undefined
        ? `${collection}\u0000${kind.place(stateOf(record)).envId}`
        : undefined;
    this.#owned.set(record.id, {
      kind,
      record,
      orderKey,
      doc: undefined,
      audited: false,
      published: false,
    });
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
      owned = {
        kind,
        record,
        orderKey: undefined,
        doc: undefined,
        audited: false,
        published: false,
      };
      this.#owned.set(record.id, owned);
    }
    if (owned.doc === undefined) this.#readyCount += 1;
    owned.doc = doc;
    if (this.#readyCount > MAX_READY_IN_MEMORY) this.#forgetReady();
    this.notify();
    this.#kickSettle();
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
      this.#kickSettle();
    });
  }

  /** Asks for a relay pass as soon as possible. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#failures === 0) this.#schedule(0);
  }

  /** Runs passes until nothing is pending or a write or publish fails (tests and shutdown). */
  async drain(): Promise<void> {
    await this.#running;
    await this.#sweeping;
    while (await this.#pass()) {
      /* keep going */
    }
    while (await this.#sweep()) {
      /* keep going */
    }
    await this.#settling;
    while (await this.#settle()) {
      /* keep going */
    }
  }

  #backoff(failures: number): number {
    return Math.min(this.options.maxBackoffMs ?? 5000, 100 * 2 ** failures);
  }

  /** Runs one step of a loop; a failure is counted, logged and reported as `failures + 1`. */
  async #step(
    run: () => Promise<boolean>,
    what: string,
    failures: number,
  ): Promise<{ more: boolean; failures: number }> {
    try {
      return { more: await run(), failures: 0 };
    } catch (err) {
      this.publishFailures += 1;
      this.options.logger.warn(
        { err, failures: failures + 1 },
        `change relay ${what} failed; will retry`,
      );
      return { more: false, failures: failures + 1 };
    }
  }

  /** Runs a pass of the publish stage after `delay`, and more while there is more to do. */
  #schedule(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#step(() => this.#pass(), 'pass', this.#failures).then(
        ({ more, failures }) => {
          this.#failures = failures;
          this.#running = undefined;
          this.#wake(failures > 0);
          if (this.#stopped) return;
          const again = more || this.#again;
          this.#again = false;
          if (failures > 0) this.#schedule(this.#backoff(failures));
          else if (again) this.#schedule(0);
        },
      );
    }, delay);
    this.#timer.unref();
  }

  /** Runs a sweep after `delay`, then one per interval (sooner while more is left, later after
   * failures), however often this process writes. */
  #scheduleSweep(delay: number): void {
    if (this.#sweepTimer) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = setTimeout(() => {
      this.#sweepTimer = undefined;
      this.#sweeping = this.#step(() => this.#sweep(), 'sweep', this.#sweepFailures).then(
        ({ more, failures }) => {
          this.#sweepFailures = failures;
          this.#sweeping = undefined;
          if (this.#stopped) return;
          if (failures > 0) this.#scheduleSweep(this.#backoff(failures));
          else this.#scheduleSweep(more ? 0 : (this.options.intervalMs ?? 1000));
        },
      );
    }, delay);
    this.#sweepTimer.unref();
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
      if (owned.published) continue;
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

  /**
   * One pass of the publish stage over this process's ready records, left to the settle stage
   * once published; true if there may be more to do. Throws if publishing failed.
   */
  async #pass(): Promise<boolean> {
    const mine = this.#takeReady();
    if (mine.length === 0) return false;
    await this.#publish(mine.map((o) => ({ kind: o.kind, doc: o.doc!, record: o.record })));
    for (const owned of mine) owned.published = true;
    this.#kickSettle();
    return mine.length >= PASS_LIMIT;
  }

  /**
   * One sweep: scans every outbox for records that are not this process's (another instance's,
   * a crashed process's, or this one's beyond what it keeps in memory), publishes, audits and
   * removes them; true if there may be more. Throws if a read, publish or write failed.
   */
  async #sweep(): Promise<boolean> {
    let more = false;
    const swept: Pending[] = [];
    for (const kind of this.#kinds.values()) {
      const docs = await kind.collection.withPendingChanges(PASS_LIMIT);
      if (docs.length >= PASS_LIMIT) more = true;
      for (const doc of docs) {
        for (const record of doc.outbox) {
          if (!this.#owned.has(record.id)) swept.push({ kind, doc, record });
        }
      }
    }
    if (swept.length === 0) return more;
    await this.#publish(swept);
    await this.#writeAudits(swept);
    await this.#remove(swept);
    return more;
  }

  /** Publishes the messages of `batch` (those of published kinds), in version order. */
  async #publish(batch: readonly Pending[]): Promise<void> {
    const published = batch
      .filter((p) => p.kind.event !== undefined)
      .sort(
        (a, b) => (a.record.version ?? 0) - (b.record.version ?? 0) || a.record.at - b.record.at,
      );
    if (published.length === 0) return;
    const messages = [];
    for (const p of published) messages.push(await p.kind.event!(p.record));
    await this.options.publisher.publish(messages);
  }

  /** Removes relayed records from their outboxes (one command per collection), then purges the
   * deleted documents whose outbox that emptied. */
  async #remove(batch: readonly Pending[]): Promise<void> {
    const byCollection = new Map<RelayedKind, Pending[]>();
    for (const p of batch) byCollection.set(p.kind, [...(byCollection.get(p.kind) ?? []), p]);
    for (const [kind, pending] of byCollection) {
      await kind.collection.removeChanges(
        pending.map((p) => ({ id: p.doc._id, record: p.record })),
      );
    }
    const deleted = new Map<string, Pending>();
    for (const p of batch) {
      if (p.doc.deleted) deleted.set(`${p.kind.collection.name}\u0000${p.doc._id}`, p);
    }
    for (const p of deleted.values()) await p.kind.collection.purge(p.doc._id);
    this.relayed += batch.length;
  }

  /** Runs the settle stage soon (again, if it is running now). */
  #kickSettle(): void {
    if (this.#settling) {
      this.#settleAgain = true;
      return;
    }
    if (this.#settleTimer) return;
    this.#settling = (async () => {
      try {
        while (await this.#settle()) {
          /* keep going */
        }
        this.#settleFailures = 0;
      } catch (err) {
        this.#settleFailures += 1;
        this.options.logger.warn(
          { err, failures: this.#settleFailures },
          'change relay could not settle relayed records; will retry',
        );
        this.#wake(true);
        if (!this.#stopped) {
          const backoff = Math.min(
            this.options.maxBackoffMs ?? 5000,
            100 * 2 ** this.#settleFailures,
          );
          this.#settleTimer = setTimeout(() => {
            this.#settleTimer = undefined;
            this.#kickSettle();
          }, backoff);
          this.#settleTimer.unref();
        }
      } finally {
        this.#settling = undefined;
      }
      if (this.#settleAgain && !this.#stopped && !this.#settleTimer) {
        this.#settleAgain = false;
        this.#kickSettle();
      }
    })();
  }

  /**
   * One run of the settle stage over this process's records: the audit entries of those ready (in
   * one command, while they are being published), then the removal of those published from their
   * outboxes. True if more are waiting. Throws on a failed write (the records stay, and are
   * settled on the next run).
   */
  async #settle(): Promise<boolean> {
    this.#settleAgain = false;
    const ready = [...this.#owned.values()].filter((o) => o.doc !== undefined);
    const toAudit = ready.filter((o) => !o.audited).slice(0, PASS_LIMIT);
    const toRemove = ready.filter((o) => o.published).slice(0, PASS_LIMIT);
    if (toAudit.length === 0 && toRemove.length === 0) return false;
    const pending = (o: Owned): Pending => ({ kind: o.kind, doc: o.doc!, record: o.record });
    if (toAudit.length > 0) {
      await this.#writeAudits(toAudit.map(pending));
      for (const o of toAudit) o.audited = true;
      this.#wake(false);
    }
    if (toRemove.length > 0) {
      await this.#remove(toRemove.map(pending));
      for (const o of toRemove) if (this.#owned.delete(o.record.id)) this.#readyCount -= 1;
    }
    return toAudit.length >= PASS_LIMIT || toRemove.length >= PASS_LIMIT || this.#settleAgain;
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

// Port: where ELS sends what SDKs report (end users seen, flag evaluations, metrics). Sending is
// fire-and-forget for the frame handlers; the sink buffers, retries and flushes on close.
import type { MemoryBroker } from '@vane/server-kit';

/** One record for a topic; the key picks the partition. */
export interface OutgoingEvent {
  readonly topic: string;
  readonly key: string;
  readonly value: Uint8Array;
}

/** Accepts events without blocking the caller; `close()` flushes what is buffered. */
export interface EventSink {
  /** Queues the events (in order) for delivery. */
  send(events: readonly OutgoingEvent[]): void;
  /** Resolves once everything queued so far was delivered (or rejects with the cause). */
  flush(): Promise<void>;
  /** Flushes, then releases the connection. */
  close(): Promise<void>;
}

/** Delivers to the in-process broker at once (embedded mode and unit tests). */
export class MemoryEventSink implements EventSink {
  constructor(private readonly broker: MemoryBroker) {}

  send(events: readonly OutgoingEvent[]): void {
    for (const e of events) this.broker.publish(e.topic, [{ key: e.key, value: e.value }]);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

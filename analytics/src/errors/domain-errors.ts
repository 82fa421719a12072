// The typed errors the analytics services throw. One place (`grpc-errors.ts`) maps them to gRPC
// statuses; anything else becomes INTERNAL with a generic message.

/** One invalid request field: its proto path and what is wrong. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/** Base class of the errors that are the caller's to handle (never INTERNAL). */
export abstract class DomainError extends Error {}

/** INVALID_ARGUMENT: one or more request fields are invalid (all of them are listed). */
export class InvalidArgument extends DomainError {
  constructor(readonly violations: readonly FieldViolation[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
  }
}

/** UNAUTHENTICATED: the shared internal token is missing or wrong. */
export class Unauthenticated extends DomainError {
  constructor(readonly missing: boolean) {
    super(
      missing
        ? 'authorization: Bearer <token> metadata is required'
        : 'the bearer token is invalid',
    );
  }
}

/** UNAVAILABLE: the event store cannot be reached; the caller may retry with backoff. */
export class Unavailable extends DomainError {}

/** Collects field violations and throws them together. */
export class Violations {
  readonly #list: FieldViolation[] = [];

  /** Records a violation of `field` when `bad` holds. */
  check(bad: boolean, field: string, description: string): void {
    if (bad) this.#list.push({ field, description });
  }

  /** Throws `InvalidArgument` with every recorded violation, if any. */
  throwIfAny(): void {
    if (this.#list.length > 0) throw new InvalidArgument(this.#list);
  }
}

// A failed call to a Vane service: nice-grpc's ClientError (path, code, details) plus the
// ErrorInfo the server sent, so callers read field violations and revisions without decoding.
import { ClientError, Status } from 'nice-grpc-common';
import { ErrorReason } from '@vane/gen/web/vane/common/v1/errors';
import type { ErrorInfo } from '@vane/gen/web/vane/common/v1/errors';

/** What every Vane client throws for a call that ended with a non-OK status. */
export class VaneCallError extends ClientError {
  constructor(
    path: string,
    code: Status,
    details: string,
    /** The server's structured details; undefined when it sent none (or they did not decode). */
    readonly info: ErrorInfo | undefined,
  ) {
    super(path, code, details);
    this.name = 'VaneCallError';
  }

  /** Field path (as the server names it, e.g. `flag.rules[0].name`) → description(s). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.info?.fieldViolations ?? []) {
      out[v.field] = out[v.field] ? `${out[v.field]}; ${v.description}` : v.description;
    }
    return out;
  }

  /** True when someone else saved first (stale `expected_revision`). */
  get isConflict(): boolean {
    return (
      this.code === Status.ABORTED ||
      this.info?.reason === ErrorReason.ERROR_REASON_REVISION_CONFLICT
    );
  }
}

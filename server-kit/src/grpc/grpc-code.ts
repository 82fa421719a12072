// One vocabulary for gRPC status codes in metrics: the code's name, as gRPC's own status table
// spells it (`OK`, `NOT_FOUND`, …), the value of every `code` label of every server.
import { status } from '@grpc/grpc-js';

const NAMES = new Map<number, string>(
  Object.entries(status)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

/** The name of a gRPC status code (`UNKNOWN` for a number outside the table). */
export function grpcCodeName(code: number): string {
  return NAMES.get(code) ?? 'UNKNOWN';
}

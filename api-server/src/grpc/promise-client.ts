// A promise-based gRPC client over any generated grpc-js service definition (service-to-service
// calls, tests and tools).
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';

interface MethodDef {
  readonly path: string;
  readonly requestSerialize: (value: never) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => unknown;
}

/** Each method of a service definition as `(request, metadata?) => Promise<response>`. */
export type PromiseClient<S> = {
  [K in keyof S]: S[K] extends {
    requestSerialize: (value: infer Req) => Buffer;
    responseDeserialize: (bytes: Buffer) => infer Res;
  }
    ? (request: Req, metadata?: Metadata) => Promise<Res>
    : never;
};

/** A client of `service` at `address`, sending `authorization: Bearer <token>` when given. */
export function promiseClient<S extends Record<string, MethodDef>>(
  service: S,
  address: string,
  token?: string,
): PromiseClient<S> & { close(): void } {
  const client = new Client(address, credentials.createInsecure());
  const out: Record<string, unknown> = { close: () => client.close() };
  for (const [name, def] of Object.entries(service)) {
    out[name] = (request: unknown, metadata = new Metadata()) => {
      if (token !== undefined && metadata.get('authorization').length === 0) {
        metadata.set('authorization', `Bearer ${token}`);
      }
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          def.path,
          (value: unknown) => def.requestSerialize(value as never),
          def.responseDeserialize,
          request,
          metadata,
          {},
          (err: ServiceError | null, response?: unknown) => (err ? reject(err) : resolve(response)),
        );
      });
    };
  }
  return out as PromiseClient<S> & { close(): void };
}

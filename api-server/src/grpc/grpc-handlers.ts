// Adapts async, typed service methods to grpc-js handlers: authenticate the caller, run the
// method, and map any thrown error to a status with structured details. Handlers stay thin.
import type {
  Metadata,
  ServerUnaryCall,
  UntypedServiceImplementation,
  handleUnaryCall,
  sendUnaryData,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { toServiceError } from './grpc-errors.js';

/** What a method receives besides its request. */
export interface CallContext {
  readonly principal: Principal;
}

/** An async method: request in, response out, errors thrown as domain errors. */
export type AsyncUnary<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;

/** The async form of a generated grpc-js server interface. */
export type AsyncService<S> = {
  [K in keyof S as string extends K ? never : K]: S[K] extends handleUnaryCall<infer Req, infer Res>
    ? AsyncUnary<Req, Res>
    : never;
};

/** Resolves the caller of a call from its metadata, or throws UNAUTHENTICATED. */
export type Authenticate = (metadata: Metadata) => Promise<Principal>;

/** Observes each call's outcome (metrics). */
export type CallObserver = (method: string, code: number, seconds: number) => void;

/** Builds the grpc-js implementation of a service from its async methods. */
export function grpcHandlers<S extends UntypedServiceImplementation>(
  service: string,
  methods: AsyncService<S>,
  authenticate: Authenticate,
  logger: Logger,
  observe: CallObserver = () => {},
): S {
  const handlers: Record<string, handleUnaryCall<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(
    methods as Record<string, AsyncUnary<unknown, unknown>>,
  )) {
    const label = `${service}/${name}`;
    handlers[name] = (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const started = performance.now();
      authenticate(call.metadata)
        .then((principal) => method(call.request, { principal }))
        .then(
          (response) => {
            observe(label, 0, (performance.now() - started) / 1000);
            callback(null, response);
          },
          (err: unknown) => {
            const error = toServiceError(err, logger, label);
            observe(label, error.code ?? 13, (performance.now() - started) / 1000);
            callback(error);
          },
        );
    };
  }
  return handlers as unknown as S;
}

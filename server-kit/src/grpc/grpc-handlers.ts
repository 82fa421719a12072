// Adapts async, typed service methods to grpc-js handlers: authenticate the caller, run the
// method, observe the outcome (metrics) and map any thrown error to a status with ErrorInfo.
// Every Vane gRPC server builds its handlers here, so handlers stay thin and alike.
import type {
  Metadata,
  ServerUnaryCall,
  ServiceDefinition,
  UntypedServiceImplementation,
  handleUnaryCall,
  sendUnaryData,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { toServiceError } from './status-details.js';
import type { ErrorMapping } from './status-details.js';

/** What a method receives besides its request: the caller, as the server's `authenticate` says. */
export interface CallContext<P> {
  readonly principal: P;
}

/** An async method: request in, response out, errors thrown as domain errors. */
export type AsyncUnary<Req, Res, P> = (request: Req, context: CallContext<P>) => Promise<Res>;

/** The async form of a generated grpc-js server interface. */
export type AsyncService<S, P> = {
  [K in keyof S as string extends K ? never : K]: S[K] extends handleUnaryCall<infer Req, infer Res>
    ? AsyncUnary<Req, Res, P>
    : never;
};

/** Resolves the caller of a call from its metadata, or throws Unauthenticated. */
export type Authenticate<P> = (metadata: Metadata) => P | Promise<P>;

/**
 * Observes each call's outcome: the method as `Service/Method` in the proto's spelling
 * (`FeatureFlagService/UpdateFlag`), the status code and the duration.
 */
export type CallObserver = (method: string, code: number, seconds: number) => void;

/** What every handler of one server shares. */
export interface HandlerDeps<P> {
  readonly authenticate: Authenticate<P>;
  readonly logger: Logger;
  readonly observe?: CallObserver;
  readonly errors?: ErrorMapping;
}

/** Builds the grpc-js implementation of the service `definition` from its async methods. */
export function grpcHandlers<S extends UntypedServiceImplementation, P>(
  definition: ServiceDefinition<S>,
  methods: AsyncService<S, P>,
  { authenticate, logger, observe = () => {}, errors }: HandlerDeps<P>,
): S {
  const handlers: Record<string, handleUnaryCall<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(
    methods as Record<string, AsyncUnary<unknown, unknown, P>>,
  )) {
    // `/vane.admin.v1.ProjectService/CreateProject` → `ProjectService/CreateProject`.
    const path = (definition as ServiceDefinition)[name]?.path ?? `/${name}`;
    const label = path.slice(path.lastIndexOf('.', path.lastIndexOf('/')) + 1);
    handlers[name] = (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const started = performance.now();
      Promise.resolve()
        .then(() => authenticate(call.metadata))
        .then((principal) => method(call.request, { principal }))
        .then(
          (response) => {
            observe(label, 0, (performance.now() - started) / 1000);
            callback(null, response);
          },
          (err: unknown) => {
            const error = toServiceError(err, logger, label, errors);
            observe(label, error.code ?? 13, (performance.now() - started) / 1000);
            callback(error);
          },
        );
    };
  }
  return handlers as unknown as S;
}

// One way to put services on a gRPC server: each service is a generated definition plus its
// async methods; `serveServices` registers them in one loop beside `grpc.health.v1.Health` and
// reflection, whose lists are derived from the same definitions (a service cannot be served and
// missing from reflection or health, or the reverse).
import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { grpcHandlers } from './grpc-handlers.js';
import type { AsyncService, HandlerDeps } from './grpc-handlers.js';
import { addReflection } from './reflection.js';

/** A service ready to register: its definition and the grpc-js implementation of it. */
export interface ServiceEntry {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

/** The full name of a generated service (`vane.admin.v1.ProjectService`), from its method paths. */
export function serviceName(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  const name = first?.path.split('/')[1];
  if (!name) throw new Error('a service definition without methods has no name');
  return name;
}

/** A service entry whose handlers are `methods`, wrapped by `grpcHandlers` with `deps`. */
export function unaryService<S extends UntypedServiceImplementation, P>(
  definition: ServiceDefinition<S>,
  methods: AsyncService<S, P>,
  deps: HandlerDeps<P>,
): ServiceEntry {
  return { definition, implementation: grpcHandlers<S, P>(definition, methods, deps) };
}

/** What `serveServices` registered. */
export interface ServedServices {
  /** The full names of the registered services (health and reflection not included). */
  readonly names: readonly string[];
  /** The health service: SERVING for `''`, each service and each package until `notServing`. */
  readonly health: HealthImplementation;
  /** Marks every health entry NOT_SERVING (first step of a graceful stop). */
  notServing(): void;
}

/**
 * Registers `services`, `grpc.health.v1.Health` (entries `''`, each service's full name and each
 * package, all SERVING) and, unless `reflection` is false, server reflection listing every one of
 * them, health included.
 */
export function serveServices(
  server: Server,
  services: readonly ServiceEntry[],
  options: { readonly reflection?: boolean } = {},
): ServedServices {
  const names = services.map((s) => serviceName(s.definition));
  for (const { definition, implementation } of services) {
    server.addService(definition, implementation);
  }
  const packages = names.map((n) => n.slice(0, n.lastIndexOf('.')));
  const entries = [...new Set(['', ...names, ...packages])];
  const health = new HealthImplementation(
    Object.fromEntries(entries.map((e) => [e, 'SERVING' as const])),
  );
  health.addToServer(server);
  if (options.reflection ?? true) addReflection(server, names);
  return {
    names,
    health,
    notServing: () => {
      for (const e of entries) health.setStatus(e, 'NOT_SERVING');
    },
  };
}

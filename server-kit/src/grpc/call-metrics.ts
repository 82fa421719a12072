// The gRPC call metrics of every server, in one vocabulary: `<prefix>_grpc_calls_total` by
// `method` (`Service/Method`) and `code` (the status name, `grpcCodeName`), and
// `<prefix>_grpc_call_seconds` by `method`.
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { grpcCodeName } from './grpc-code.js';
import type { CallObserver } from './grpc-handlers.js';

/** Registers the two call metrics on `registry` and returns the observer that feeds them. */
export function grpcCallMetrics(registry: Registry, prefix: string, what: string): CallObserver {
  const calls = new Counter({
    name: `${prefix}_grpc_calls_total`,
    help: `${what} gRPC calls by method and status code name (OK, NOT_FOUND, …)`,
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${prefix}_grpc_call_seconds`,
    help: `${what} gRPC call latency`,
    labelNames: ['method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return (method, code, seconds) => {
    calls.inc({ method, code: grpcCodeName(code) });
    latency.observe({ method }, seconds);
  };
}

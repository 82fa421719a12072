// gRPC server reflection (so grpcurl and similar tools list, describe and call the services).
// Descriptors come from gen/src/vane.binpb, the FileDescriptorSet that `npm run generate` builds
// with the well-known types included. Each file is handed over exactly as protoc/buf produced it:
// proto-loader's own descriptors merge a package's files into one and lose the well-known types
// (grpc/grpc-node#2958), which breaks grpcurl on any message with a Timestamp.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

const require = createRequire(import.meta.url);

/** The gRPC health service, which every Vane gRPC server serves beside its own. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

function descriptorFiles(name: string): Uint8Array[] {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(require.resolve(name)));
  return set.file.map((file) => toBinary(FileDescriptorProtoSchema, file));
}

/**
 * Registers reflection for the named services and for `grpc.health.v1.Health` (from the official
 * health.proto, built into gen by `npm run generate`), with every file they need. Servers call it
 * through `serveServices`, which derives the names from the services it registers.
 */
export function addReflection(server: Server, services: readonly string[]): void {
  const files = [
    ...descriptorFiles('@vane/gen/vane.binpb'),
    ...descriptorFiles('@vane/gen/grpc-health.binpb'),
  ];
  // ReflectionService reads only `fileDescriptorProtos`; one entry carrying every file suffices.
  const definition = {
    'vane.files': { format: 'Protocol Buffer 3 FileDescriptorProto', fileDescriptorProtos: files },
  } as unknown as PackageDefinition;
  new ReflectionService(definition, {
    services: [...services, HEALTH_SERVICE],
  }).addToServer(server);
}

// gRPC server reflection for the analytics services. Descriptors come from gen's
// FileDescriptorSet (`npm run generate` builds it with the well-known types), handed over file by
// file: proto-loader's own descriptors lose google.protobuf.* (grpc/grpc-node#2958), which breaks
// grpcurl on every message with a Timestamp.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

const require = createRequire(import.meta.url);

function descriptorFiles(name: string): Uint8Array[] {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(require.resolve(name)));
  return set.file.map((file) => toBinary(FileDescriptorProtoSchema, file));
}

/**
 * Registers reflection for the named services and for `grpc.health.v1.Health` (served beside
 * them; its descriptor is the official health.proto, built into gen by `npm run generate`).
 */
export function addReflection(server: Server, services: readonly string[]): void {
  const definition = {
    'vane.files': {
      format: 'Protocol Buffer 3 FileDescriptorProto',
      fileDescriptorProtos: [
        ...descriptorFiles('@vane/gen/vane.binpb'),
        ...descriptorFiles('@vane/gen/grpc-health.binpb'),
      ],
    },
  } as unknown as PackageDefinition;
  new ReflectionService(definition, {
    services: [...services, 'grpc.health.v1.Health'],
  }).addToServer(server);
}

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

/**
 * Registers reflection for the named services with every file they need. (gRPC health is served
 * but not reflected: health probes know its schema, and its bundled descriptor is malformed.)
 */
export function addReflection(server: Server, services: readonly string[]): void {
  const set = fromBinary(
    FileDescriptorSetSchema,
    readFileSync(require.resolve('@vane/gen/vane.binpb')),
  );
  const files = set.file.map((file) => toBinary(FileDescriptorProtoSchema, file));
  // ReflectionService reads only `fileDescriptorProtos`; one entry carrying every file suffices.
  const definition = {
    'vane.files': { format: 'Protocol Buffer 3 FileDescriptorProto', fileDescriptorProtos: files },
  } as unknown as PackageDefinition;
  new ReflectionService(definition, {
    services: [...services],
  }).addToServer(server);
}

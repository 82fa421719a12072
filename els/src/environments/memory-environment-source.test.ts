import { randomUUID } from 'node:crypto';
import {
  describeEnvironmentSource,
  sampleFlag,
  sampleSegment,
} from './environment-source-conformance.js';
import type { SourceFixtures } from './environment-source-conformance.js';
import { MemoryEnvironmentSource } from './memory-environment-source.js';

describeEnvironmentSource('memory', () => {
  const source = new MemoryEnvironmentSource();
  const envs = new Set<string>();
  let version = 1000;
  const fixtures: SourceFixtures = {
    environment: () => {
      const env = { envId: randomUUID(), serverSecret: randomUUID(), clientSecret: randomUUID() };
      envs.add(env.envId);
      source.putSecret(env.serverSecret, { envId: env.envId, kind: 'server' });
      source.putSecret(env.clientSecret, { envId: env.envId, kind: 'client' });
      return Promise.resolve(env);
    },
    createFlag: (envId, key) => {
      const flag = sampleFlag(randomUUID(), key, (version += 1));
      source.putFlag(envId, flag);
      return Promise.resolve(flag);
    },
    archiveFlag: (envId, flag) => {
      const archived = { ...flag, isArchived: true, version: (version += 1) };
      source.putFlag(envId, archived);
      return Promise.resolve(archived);
    },
    deleteFlag: (envId, flag) => {
      source.removeFlag(envId, flag.id, (version += 1));
      return Promise.resolve(version);
    },
    createSegment: (envId, key, included) => {
      const segment = { ...sampleSegment(randomUUID(), (version += 1), included), key };
      source.putSegment(envId, segment);
      return Promise.resolve(segment);
    },
    deleteSegment: (envId, segment) => {
      source.removeSegment(envId, segment.id, (version += 1));
      return Promise.resolve(version);
    },
    purgeTombstones: () => {
      for (const envId of envs) source.purgeTombstones(envId);
      return Promise.resolve();
    },
  };
  return Promise.resolve({ source, fixtures });
});

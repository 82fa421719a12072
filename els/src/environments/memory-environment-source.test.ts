import { describeEnvironmentSource } from './environment-source-conformance.js';
import { MemoryEnvironmentSource } from './memory-environment-source.js';

describeEnvironmentSource('memory', () => {
  const source = new MemoryEnvironmentSource();
  return Promise.resolve({
    source,
    fixtures: {
      secret: (envId, secret, kind) => Promise.resolve(source.putSecret(secret, { envId, kind })),
      flag: (envId, flag, options) => {
        source.putFlag(envId, flag);
        if (options?.deleted === true) source.removeFlag(envId, flag.id, flag.version);
        return Promise.resolve();
      },
      segment: (envId, segment, options) => {
        source.putSegment(envId, segment);
        if (options?.deleted === true) source.removeSegment(envId, segment.id, segment.version);
        return Promise.resolve();
      },
    },
  });
});

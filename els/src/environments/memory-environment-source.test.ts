import { describeEnvironmentSource } from './environment-source-conformance.js';
import { MemoryEnvironmentSource } from './memory-environment-source.js';

describeEnvironmentSource('memory', () => {
  const source = new MemoryEnvironmentSource();
  return Promise.resolve({
    source,
    fixtures: {
      secret: (envId, secret, kind) => Promise.resolve(source.putSecret(secret, { envId, kind })),
      flag: (envId, flag, options) =>
        Promise.resolve(options?.deleted === true ? undefined : source.putFlag(envId, flag)),
      segment: (envId, segment, options) =>
        Promise.resolve(options?.deleted === true ? undefined : source.putSegment(envId, segment)),
    },
  });
});

// Regenerates core/vectors/v1.json: `npx tsx --conditions=@vane/source core/src/vectors/generate.ts`.
// Expectations are written by hand (operators, order, segments, errors) or computed with
// node:crypto's MD5 (rollouts, exposure): never with the engine under test.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { addOperatorSuites } from './operator-vectors.js';
import { addRolloutSuites } from './rollout-vectors.js';
import { addTargetingSuites } from './targeting-vectors.js';
import { addVaneSuites } from './vane-vectors.js';
import { pct, suites } from './vector-kit.js';

addOperatorSuites();
addTargetingSuites();
addRolloutSuites();
addVaneSuites();

const dispatchKeys = [
  'test-value',
  'qKPKh1S3FolC',
  '3eacb184-2d79-49df-9ea7-edd4f10e4c6f',
  '',
  'a',
  'flag-keyuser-1',
  'exptflag-keyuser-1',
  'ünïcødé',
  '漢字',
  '😀 emoji',
  'x'.repeat(55),
  'y'.repeat(56),
  'z'.repeat(64),
  'w'.repeat(119),
  'long-'.repeat(40),
];
const out = {
  format: 'vane-evaluation-vectors',
  version: 1,
  description:
    'Golden evaluation vectors for Vane/FeatBit flag evaluation; see core/README.md "Golden vectors".',
  dispatch: dispatchKeys.map((key) => ({ key, percentage: pct(key) })),
  suites,
};
const count = suites.reduce((n, s) => n + s.cases.length, 0);
const file = fileURLToPath(new URL('../../vectors/v1.json', import.meta.url));
writeFileSync(
  file,
  await format(JSON.stringify(out), { ...(await resolveConfig(file)), filepath: file }),
);
console.log(
  `wrote ${file}: ${suites.length} suites, ${count} cases, ${out.dispatch.length} dispatch vectors`,
);

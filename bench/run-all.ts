// Runs every benchmark: each `bench/<area>/*.bench.ts` in name order. A bench module either
// does its work on import or exports `run(): Promise<void>`. Pass area names to filter:
// `npm run bench -- evaluation`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const areas = readdirSync(root, { withFileTypes: true })
  .filter(
    (d) =>
      d.isDirectory() && d.name !== 'node_modules' && (only.length === 0 || only.includes(d.name)),
  )
  .map((d) => d.name)
  .sort();

for (const area of areas) {
  for (const file of readdirSync(join(root, area))
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()) {
    console.log(`\n# ${area}/${file}`);
    const mod = (await import(pathToFileURL(join(root, area, file)).href)) as {
      run?: () => Promise<void>;
    };
    if (typeof mod.run === 'function') await mod.run();
  }
}

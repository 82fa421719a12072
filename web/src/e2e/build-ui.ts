// Builds the admin UI with Vite into a folder, for end-to-end tests that serve it from the edge.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webDir = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `vite build` for web/ with `outDir` as the output folder. */
export async function buildUi(outDir: string): Promise<void> {
  await build({
    root: webDir,
    configFile: `${webDir}/vite.config.ts`,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}

// Builds the browser bundles with esbuild (minified ESM and IIFE), for `npm run build:browser`,
// the size-budget test and the Chromium test.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The browser SDK's entry points. */
export const BROWSER_ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));
/** The plain-browser entry (global `Vane`). */
export const IIFE_ENTRY = fileURLToPath(new URL('./iife.ts', import.meta.url));

/** The minified bundle of `entry` as text (`format` esm or iife with global `Vane`). */
export async function bundleBrowserSdk(
  format: 'esm' | 'iife',
  entry = format === 'esm' ? BROWSER_ENTRY : IIFE_ENTRY,
): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format,
    globalName: format === 'iife' ? 'Vane' : undefined,
    target: 'es2020',
    platform: 'browser',
    write: false,
    legalComments: 'none',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no output');
  return file.text;
}

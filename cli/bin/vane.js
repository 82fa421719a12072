#!/usr/bin/env node
// `vane` (npx vane … in the repository): runs the built CLI, building it first if needed.
/* global URL, console, process */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(main)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const build = spawnSync('npx', ['tsc', '-b', 'cli'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('vane: building the CLI failed (npx tsc -b cli)');
    process.exit(1);
  }
}
await import(main);

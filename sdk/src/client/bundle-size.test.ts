// The browser SDK's size budget: at most 8 KB (8192 bytes) minified and gzipped (level 9),
// Protobuf decoding included, measured the way the issue compares peers: esbuild --bundle --minify.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleBrowserSdk } from './bundle.js';

const BUDGET = 8 * 1024;

describe('browser SDK size budget', () => {
  for (const format of ['esm', 'iife'] as const) {
    it(`${format} bundle is at most 8 KB min+gzip`, async () => {
      const code = await bundleBrowserSdk(format);
      const gzipped = gzipSync(code, { level: 9 }).length;
      console.info(`browser SDK ${format}: ${code.length} B minified, ${gzipped} B min+gzip -9`);
      // The bundle holds the SDK itself, with no Node built-in or generated code.
      expect(code).toContain('vane.sync.v1');
      expect(code).not.toMatch(/node:|@bufbuild|require\(/);
      expect(gzipped).toBeLessThanOrEqual(BUDGET);
    });
  }
});

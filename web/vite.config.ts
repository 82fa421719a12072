// Builds the admin UI into web/dist, which the embedded edge serves at `/` (same origin as the
// gRPC-web API). `npm run dev --workspace web` serves it with hot reload and forwards gRPC-web
// calls to a running Vane (VANE_EDGE_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';
import { defaultClientConditions } from 'vite';

const edge = process.env.VANE_EDGE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // Workspace packages (@vane/gen, @vane/core) are compiled from their TypeScript sources.
  resolve: { conditions: ['@vane/source', ...defaultClientConditions] },
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: { '^/vane\\.': { target: edge, changeOrigin: true } },
  },
});

import { defineConfig } from 'vite';

// The evaluator dashboard: a static build served by the api at / (apps/api/src/routes/web.routes.ts).
// MapLibre and ECharts load on demand (dynamic import), so the first page stays small.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // maplibre-gl is one large module (lazy, map view only)
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev -w @biomon/web` against a running `biomon serve` on 3000
    proxy: { '/v1': 'http://127.0.0.1:3000', '/tiles': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' },
  },
});

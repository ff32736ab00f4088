import { defineConfig, type Plugin } from 'vite';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Writes .br and .gz beside each script and stylesheet so that @fastify/static (preCompressed)
 * sends the small file to browsers that accept it: the API server itself does not compress.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'biomon-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    async closeBundle() {
      const dir = path.join(outDir, 'assets');
      for (const name of await readdir(dir)) {
        if (!/\.(m?js|css|svg|json)$/.test(name)) continue;
        const file = path.join(dir, name);
        const body = await readFile(file);
        if (body.length < 1024) continue;
        await writeFile(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        await writeFile(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// The evaluator dashboard: a static build served by the api at / (apps/api/src/routes/web.routes.ts).
// MapLibre and ECharts load on demand (dynamic import), so the first page stays small.
export default defineConfig({
  base: '/',
  plugins: [precompress()],
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

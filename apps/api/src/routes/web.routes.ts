import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AppContext } from '@biomon/runtime';
import { fileResponse } from '@biomon/http';

/** apps/web/dist: the Vite build of the evaluator dashboard (`npm run build:web`); tests may pass another. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

// Shown at / when the dashboard has not been built: a hint, never a 500.
const NOT_BUILT_HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>biomon 评估看板尚未构建 / dashboard not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.6; padding: 0 1rem">
<h1>评估看板尚未构建</h1>
<p>请在仓库根目录运行 <code>npm run build:web</code>，然后刷新本页。API 照常可用：<a href="/docs">/docs</a>。</p>
<h2 lang="en">The dashboard is not built yet</h2>
<p lang="en">Run <code>npm run build:web</code> at the repository root, then reload. The API works as usual: <a href="/docs">/docs</a>.</p>
</body></html>
`;

/**
 * The evaluator dashboard (apps/web) as static files: GET / answers index.html and GET /assets/*
 * the hashed bundles (cached for a year). The app routes with the URL hash (#/ledger), so no
 * server-side fallback is needed and nothing here can shadow /v1, /ogc or /tiles.
 */
export const webRoutes: FastifyPluginAsync<{ ctx: AppContext; distDir?: string }> = async (app, opts) => {
  const distDir = opts.distDir ?? WEB_DIST_DIR;
  await app.register(fastifyStatic, {
    root: path.join(distDir, 'assets'),
    prefix: '/assets/',
    wildcard: true,
    index: false,
    decorateReply: false,
    serveDotFiles: false,
    immutable: true,
    maxAge: '365d',
    schemaHide: true,
    // the build writes .br and .gz beside each bundle (apps/web/vite.config.ts)
    preCompressed: true,
  });

  app.get(
    '/',
    { schema: { hide: true, response: { 200: fileResponse("The dashboard's page (or a hint to build it)", ['text/html']) } } },
    async (request, reply) => {
      let html: string;
      try {
        // read per request: cheap, and a rebuild shows without a restart
        html = await readFile(path.join(distDir, 'index.html'), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        request.log.warn('apps/web/dist/index.html is missing: run npm run build:web');
        html = NOT_BUILT_HTML;
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    },
  );
};

#!/usr/bin/env node
// npm run bench -- NAME : runs bench/NAME.ts with tsx (benchmarks are never part of npm test).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(path.join(dir, `${name}.ts`))) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const r = spawnSync(path.join(dir, '../node_modules/.bin/tsx'), [path.join(dir, `${name}.ts`), ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);

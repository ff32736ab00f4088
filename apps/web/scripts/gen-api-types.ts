/**
 * Writes apps/web/src/api-types.ts from the server's OpenAPI document; with --check, only verifies
 * that the checked-in file is what the routes declare (the web build runs that: a route whose
 * response changed without regenerating fails the build).
 *
 *   npm run gen:api-types -w @biomon/web          # regenerate
 *   npm run check:api-types -w @biomon/web        # verify
 */
import { readFile, writeFile } from 'node:fs/promises';
import { API_TYPES_FILE, generateApiTypes } from './api-types';

const check = process.argv.includes('--check');
const wanted = await generateApiTypes();
const current = await readFile(API_TYPES_FILE, 'utf8').catch(() => null);
if (check) {
  if (current !== wanted) {
    console.error("apps/web/src/api-types.ts differs from the routes' OpenAPI document: run `npm run gen:api-types -w @biomon/web` and commit it");
    process.exit(1);
  }
  console.log('apps/web/src/api-types.ts matches the OpenAPI document');
} else if (current === wanted) {
  console.log('apps/web/src/api-types.ts is up to date');
} else {
  await writeFile(API_TYPES_FILE, wanted);
  console.log('wrote apps/web/src/api-types.ts');
}

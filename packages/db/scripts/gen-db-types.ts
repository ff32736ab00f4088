// npm run db:types — regenerates packages/db/src/generated/db-types.ts from a scratch database
// migrated to latest on the cluster of DATABASE_URL (the local stack's when unset), then drops it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { loadConfig } from '@biomon/config';
import { DB_TYPES_FILE, dbTypesSource, withMigratedScratchDatabase } from './db-types';

const source = await withMigratedScratchDatabase(loadConfig().databaseUrl, dbTypesSource);
mkdirSync(dirname(DB_TYPES_FILE), { recursive: true });
writeFileSync(DB_TYPES_FILE, source);
console.log(`wrote ${relative(process.cwd(), DB_TYPES_FILE)} (${source.split('\n').length} lines)`);

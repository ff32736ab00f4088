import { sql, type DbOrTx } from '@biomon/db';
import type { SavedMapping } from './import/index';

/** The SQL of the saved header → term mappings (`import_mappings`), keyed by owner and name. */

export interface ImportMappingRow {
  owner: string;
  name: string;
  columns: unknown;
  description: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Inserts a mapping or replaces it when its content differs (version + 1); no row when the same
 * content was there already. `inserted` tells a new mapping from a changed one.
 */
export async function upsertMapping(tx: DbOrTx, owner: string, name: string, columns: SavedMapping, description: string | null) {
  return sql<ImportMappingRow & { inserted: boolean }>`
      INSERT INTO import_mappings AS m (owner, name, columns, description)
      VALUES (${owner}, ${name}, ${JSON.stringify(columns)}::jsonb, ${description})
      ON CONFLICT (owner, name) DO UPDATE SET columns = excluded.columns, description = excluded.description,
        version = m.version + 1, updated_at = now()
      WHERE (m.columns, m.description) IS DISTINCT FROM (excluded.columns, excluded.description)
      RETURNING m.owner, m.name, m.columns, m.description, m.version, m.created_at, m.updated_at, (xmax = 0) AS inserted`.execute(tx);
}

export async function selectMapping(db: DbOrTx, owner: string, name: string) {
  return db.selectFrom('import_mappings').selectAll().where('owner', '=', owner).where('name', '=', name).executeTakeFirst();
}

export async function selectMappingsOf(db: DbOrTx, owner: string) {
  return db.selectFrom('import_mappings').selectAll().where('owner', '=', owner).orderBy('name').execute();
}

import type { Db, DbOrTx } from '@biomon/db';
import { AppError, type FieldError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { CANONICAL_TERMS, knownTerm, type SavedMapping } from './import/index';
import { selectMapping, selectMappingsOf, upsertMapping } from './import-mapping.repository';

/**
 * A team's own header → term mappings for its field sheets (PUT /v1/import-mappings/{name}), used
 * by `POST /v1/imports?mapping=name`: a header named in the mapping becomes the term given (or, with
 * null, stays in dynamicProperties), before the built-in names. Mappings belong to their owner like
 * records do — a team's surveyors, or one station; an admin keeps its own — and are private to it.
 */
export interface ImportMappingOut {
  name: string;
  owner: string;
  description: string | null;
  columns: SavedMapping;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const MAX_MAPPING_COLUMNS = 500;
/** Names of saved mappings: letters (any script), digits, _ . - (a JSON-schema pattern, Unicode). */
export const MAPPING_NAME_PATTERN = '^[\\p{L}\\p{N}_.-]{1,64}$';

/** The owner key of the caller's mappings. */
export function mappingOwner(actor: Pick<Actor, 'role' | 'team' | 'stationId'>): string {
  if (actor.role === 'station' && actor.stationId) return `station:${actor.stationId}`;
  if (actor.role === 'surveyor' && actor.team) return `team:${actor.team}`;
  if (actor.role === 'admin') return 'admin';
  throw new AppError('FORBIDDEN', 'import mappings belong to a team, a station or an admin', { reason: 'scope' });
}

const TERMS = new Set(CANONICAL_TERMS);

/** Validates a mapping body: header (1–200 characters) → a Darwin Core / Humboldt term, or null. */
export function validateMapping(columns: unknown): SavedMapping {
  const errors: FieldError[] = [];
  if (!columns || typeof columns !== 'object' || Array.isArray(columns)) {
    throw new AppError('VALIDATION_FAILED', 'columns must be an object: header → term (or null)', {
      errors: [{ field: 'body.columns', code: 'MAPPING_INVALID', message: 'an object of header → term' }],
    });
  }
  const out: SavedMapping = {};
  const entries = Object.entries(columns as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_MAPPING_COLUMNS)
    errors.push({ field: 'body.columns', code: 'MAPPING_SIZE', message: `a mapping names 1 to ${MAX_MAPPING_COLUMNS} headers` });
  const used = new Map<string, string>();
  for (const [header, term] of entries) {
    const h = header.trim();
    const field = `body.columns.${header}`;
    if (h === '' || h.length > 200) {
      errors.push({ field, code: 'HEADER_INVALID', message: 'a header is 1 to 200 characters' });
      continue;
    }
    if (term === null) {
      out[h] = null;
      continue;
    }
    if (typeof term !== 'string') {
      errors.push({ field, code: 'TERM_UNKNOWN', message: 'a term is a string (or null: keep the column in dynamicProperties)' });
      continue;
    }
    // the canonical spelling of a known term (scientificname, dwc:scientificName, a Chinese name → scientificName)
    const canonical = TERMS.has(term) ? term : knownTerm(term);
    if (canonical === null || !TERMS.has(canonical)) {
      errors.push({ field, code: 'TERM_UNKNOWN', message: `"${term}" is not a Darwin Core or Humboldt term` });
      continue;
    }
    if (used.has(canonical)) {
      errors.push({ field, code: 'TERM_TWICE', message: `${canonical} is already the term of "${used.get(canonical)}"` });
      continue;
    }
    used.set(canonical, h);
    out[h] = canonical;
  }
  if (errors.length) throw new AppError('VALIDATION_FAILED', 'The mapping is invalid', { errors });
  return out;
}

function out(r: {
  owner: string;
  name: string;
  columns: unknown;
  description: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}): ImportMappingOut {
  return {
    name: r.name,
    owner: r.owner,
    description: r.description,
    columns: r.columns as SavedMapping,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Creates or replaces one of the caller's mappings (idempotent: the same content again changes nothing). */
export async function saveMapping(
  db: Db,
  actor: Actor,
  name: string,
  body: { columns: unknown; description?: string | null },
): Promise<{ mapping: ImportMappingOut; created: boolean }> {
  const owner = mappingOwner(actor);
  const columns = validateMapping(body.columns);
  return db.transaction().execute(async (tx) => {
    const row = await upsertMapping(tx, owner, name, columns, body.description ?? null);
    if (!row.rows[0]) return { mapping: (await findMapping(tx, owner, name))!, created: false };
    await writeAudit(tx, actor, {
      action: row.rows[0].inserted ? 'import-mappings.create' : 'import-mappings.update',
      entity: 'import_mapping',
      entityIds: [`${owner}/${name}`],
      route: 'PUT /v1/import-mappings/{name}',
      summary: { columns: Object.keys(columns).length },
    });
    return { mapping: out(row.rows[0]), created: row.rows[0].inserted };
  });
}

async function findMapping(db: DbOrTx, owner: string, name: string): Promise<ImportMappingOut | null> {
  const r = await selectMapping(db, owner, name);
  return r ? out(r) : null;
}

/** One of the caller's mappings (404 when it has none of that name). */
export async function getMapping(
  db: DbOrTx,
  actor: Pick<Actor, 'role' | 'team' | 'stationId'>,
  name: string,
  field = 'params.name',
): Promise<ImportMappingOut> {
  const m = await findMapping(db, mappingOwner(actor), name);
  if (!m)
    throw new AppError('NOT_FOUND', `No import mapping "${name}" of yours`, {
      errors: [{ field, code: 'MAPPING_NOT_FOUND', message: `save it first with PUT /v1/import-mappings/${name}` }],
    });
  return m;
}

export async function listMappings(db: DbOrTx, actor: Pick<Actor, 'role' | 'team' | 'stationId'>): Promise<ImportMappingOut[]> {
  const rows = await selectMappingsOf(db, mappingOwner(actor));
  return rows.map(out);
}

import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Db } from '@biomon/db';
import { invalidTextErrors } from '@biomon/core';
import { parseSpeciesListFile, upsertTaxa } from '@biomon/taxa';
import { holdRulesExclusive, refreshSensitivity } from '@biomon/occurrences';
import { UsageError } from './usage-error';

export async function taxaCommand(db: Db, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError('usage: biomon taxa import FILE [--source NAME] [--jilin]');
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { source: { type: 'string' }, jilin: { type: 'boolean' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: biomon taxa import FILE');
  const parsed = await parseSpeciesListFile(path.resolve(file), { source: values.source });
  // text PostgreSQL cannot store (NUL, unpaired surrogates): refuse the file, naming the entries
  const bad = invalidTextErrors({ species: parsed.species, rules: parsed.rules });
  if (bad.length)
    throw new UsageError(
      `${path.basename(file)} holds text that cannot be stored, nothing imported: ${bad.map((e) => `${e.field} (${e.message})`).join('; ')}`,
    );
  if (values.jilin) for (const t of parsed.species) t.inJilin = true;
  // taxon flags decide what the public sees of records: no record is written meanwhile, and stored ones follow
  const summary = await db.transaction().execute(async (tx) => {
    await holdRulesExclusive(tx);
    const s = await upsertTaxa(tx, parsed.species, parsed.rules);
    return { ...s, sensitivity: await refreshSensitivity(tx, { all: true }) };
  });
  for (const w of parsed.warnings) console.error(`warning: ${w}`);
  process.stdout.write(`${JSON.stringify({ file: path.basename(file), ...summary })}\n`);
  return 0;
}

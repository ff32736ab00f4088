import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Db } from '@biomon/db';
import { parseSpeciesListFile, upsertTaxa } from '@biomon/taxa';
import { UsageError } from './usage-error';

export async function taxaCommand(db: Db, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError('usage: biomon taxa import FILE [--source NAME] [--jilin]');
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { source: { type: 'string' }, jilin: { type: 'boolean' } } });
  const file = positionals[0];
  if (!file) throw new UsageError('usage: biomon taxa import FILE');
  const parsed = await parseSpeciesListFile(path.resolve(file), { source: values.source });
  if (values.jilin) for (const t of parsed.species) t.inJilin = true;
  const summary = await db.transaction().execute((tx) => upsertTaxa(tx, parsed.species, parsed.rules));
  for (const w of parsed.warnings) console.error(`warning: ${w}`);
  process.stdout.write(`${JSON.stringify({ file: path.basename(file), ...summary })}\n`);
  return 0;
}

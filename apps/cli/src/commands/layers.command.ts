import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Db } from '@biomon/db';
import { importLayer, readGeoJsonFeatures, INPUT_CRS, LAYER_KINDS, type InputCrs, type LayerKind } from '@biomon/layers';
import { UsageError } from './usage-error';

export async function layersCommand(db: Db, args: string[]): Promise<number> {
  const [sub, kind, ...rest] = args;
  const usage = `usage: biomon layers import KIND FILE [--crs ${INPUT_CRS.join('|')}] [--year Y] [--source S]  (KIND: ${LAYER_KINDS.join(', ')})`;
  if (sub !== 'import' || !kind) throw new UsageError(usage);
  if (!(LAYER_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown layer kind "${kind}"; ${usage}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { crs: { type: 'string' }, year: { type: 'string' }, source: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError(usage);
  const crs = (values.crs ?? 'wgs84') as InputCrs;
  if (!INPUT_CRS.includes(crs)) throw new UsageError(`--crs must be one of ${INPUT_CRS.join(', ')}`);
  const year = values.year ? Number(values.year) : new Date().getFullYear();
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new UsageError('--year must be a year between 1900 and 2100');
  const result = await importLayer(db, readGeoJsonFeatures(path.resolve(file)), {
    kind: kind as LayerKind,
    year,
    crs,
    source: values.source ?? path.basename(file),
    name: path.basename(file),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

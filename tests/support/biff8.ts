/**
 * A minimal Excel 97–2003 (.xls) writer for tests: BIFF8 records in the "Workbook" stream of an
 * OLE2 compound file (MS-CFB version 3, 512-byte sectors, the stream kept ≥ 4096 bytes so that it
 * lives in regular sectors and no mini stream is needed). Cells are text (shared-string table),
 * numbers, and dates (numbers under the built-in date format 14). No npm package writes .xls.
 */
export type XlsCell = string | number | { date: number } | null;
export interface XlsSheet {
  name: string;
  rows: XlsCell[][];
}

function record(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(type, 0);
  h.writeUInt16LE(body.length, 2);
  return Buffer.concat([h, body]);
}

/** A BIFF8 unicode string: 16-bit length (or 8-bit for sheet names), flags 1 = UTF-16LE. */
function xlString(s: string, lenBytes: 1 | 2): Buffer {
  const chars = Buffer.from(s, 'utf16le');
  const h = Buffer.alloc(lenBytes + 1);
  if (lenBytes === 1) h.writeUInt8(s.length, 0);
  else h.writeUInt16LE(s.length, 0);
  h.writeUInt8(1, lenBytes);
  return Buffer.concat([h, chars]);
}

function bof(kind: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(0x0600, 0); // BIFF8
  b.writeUInt16LE(kind, 2); // 0x0005 workbook globals, 0x0010 worksheet
  b.writeUInt16LE(0x0dbb, 4);
  b.writeUInt16LE(0x07cc, 6);
  return record(0x0809, b);
}

function xf(fmt: number, style: boolean): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16LE(0, 0); // font
  b.writeUInt16LE(fmt, 2); // number format
  b.writeUInt16LE(style ? 0xfff5 : 0x0001, 4); // style XF / cell XF (locked), parent 0
  return record(0x00e0, b);
}

function workbookStream(sheets: XlsSheet[], date1904: boolean): Buffer {
  const strings: string[] = [];
  const index = new Map<string, number>();
  for (const s of sheets)
    for (const row of s.rows)
      for (const c of row)
        if (typeof c === 'string' && !index.has(c)) {
          index.set(c, strings.length);
          strings.push(c);
        }
  const font = Buffer.alloc(14 + 2 + 1 + 10);
  font.writeUInt16LE(200, 0);
  font.writeUInt16LE(400, 6);
  xlString('Arial', 1).copy(font, 14);
  const globalsHead = [
    bof(0x0005),
    record(0x0042, Buffer.from([0xb0, 0x04])), // CODEPAGE 1200 (UTF-16)
    record(0x0022, Buffer.from([date1904 ? 1 : 0, 0])), // DATEMODE
    ...Array.from({ length: 5 }, () => record(0x0031, font.subarray(0, 14 + 2 + 10))), // FONT ×5 (index 4 is skipped by Excel)
    ...Array.from({ length: 15 }, () => xf(0, true)),
    xf(0, false), // 15: the default cell XF
    xf(14, false), // 16: a date (built-in format 14)
  ];
  const sst = (() => {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(strings.length, 0);
    h.writeUInt32LE(strings.length, 4);
    return record(0x00fc, Buffer.concat([h, ...strings.map((s) => xlString(s, 2))]));
  })();
  const boundsheet = (name: string, pos: number) => {
    const b = Buffer.alloc(6);
    b.writeUInt32LE(pos, 0);
    return record(0x0085, Buffer.concat([b, xlString(name, 1)]));
  };
  const sheetStreams = sheets.map((s) => {
    const cells: Buffer[] = [];
    let maxCol = 0;
    s.rows.forEach((row, r) =>
      row.forEach((c, col) => {
        if (c === null) return;
        maxCol = Math.max(maxCol, col + 1);
        const head = Buffer.alloc(6);
        head.writeUInt16LE(r, 0);
        head.writeUInt16LE(col, 2);
        if (typeof c === 'string') {
          head.writeUInt16LE(15, 4);
          const i = Buffer.alloc(4);
          i.writeUInt32LE(index.get(c)!, 0);
          cells.push(record(0x00fd, Buffer.concat([head, i]))); // LABELSST
        } else {
          head.writeUInt16LE(typeof c === 'number' ? 15 : 16, 4);
          const v = Buffer.alloc(8);
          v.writeDoubleLE(typeof c === 'number' ? c : c.date, 0);
          cells.push(record(0x0203, Buffer.concat([head, v]))); // NUMBER
        }
      }),
    );
    const dim = Buffer.alloc(14);
    dim.writeUInt32LE(0, 0);
    dim.writeUInt32LE(s.rows.length, 4);
    dim.writeUInt16LE(0, 8);
    dim.writeUInt16LE(maxCol, 10);
    return Buffer.concat([bof(0x0010), record(0x0200, dim), ...cells, record(0x000a, Buffer.alloc(0))]);
  });
  // sheet offsets: globals = head + boundsheets + sst + EOF
  const boundsheetsLen = sheets.reduce((n, s) => n + boundsheet(s.name, 0).length, 0);
  let pos = Buffer.concat(globalsHead).length + boundsheetsLen + sst.length + 4;
  const bounds = sheets.map((s, i) => {
    const b = boundsheet(s.name, pos);
    pos += sheetStreams[i].length;
    return b;
  });
  return Buffer.concat([...globalsHead, ...bounds, sst, record(0x000a, Buffer.alloc(0)), ...sheetStreams]);
}

/** The .xls file: the workbook stream in an OLE2 compound file. */
export function buildXls(sheets: XlsSheet[], opts: { date1904?: boolean } = {}): Buffer {
  let wb = workbookStream(sheets, opts.date1904 ?? false);
  if (wb.length < 4096) wb = Buffer.concat([wb, Buffer.alloc(4096 - wb.length)]); // regular sectors, not the mini stream
  const SECTOR = 512;
  const wbSectors = Math.ceil(wb.length / SECTOR);
  const fatEntries = 2 + wbSectors; // FAT sector, directory sector, workbook sectors
  if (fatEntries > SECTOR / 4) throw new Error('test workbook too large for one FAT sector');
  const END = 0xfffffffe;
  const FREE = 0xffffffff;
  const header = Buffer.alloc(SECTOR, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3
  header.writeUInt16LE(0xfffe, 28); // little-endian
  header.writeUInt16LE(9, 30); // 512-byte sectors
  header.writeUInt16LE(6, 32); // 64-byte mini sectors
  header.writeUInt32LE(1, 44); // FAT sectors
  header.writeUInt32LE(1, 48); // first directory sector
  header.writeUInt32LE(4096, 56); // mini stream cutoff
  header.writeUInt32LE(END, 60); // no mini FAT
  header.writeUInt32LE(END, 68); // no DIFAT sectors
  header.writeUInt32LE(0, 76); // DIFAT[0]: the FAT is sector 0
  for (let i = 1; i < 109; i++) header.writeUInt32LE(FREE, 76 + i * 4);
  const fat = Buffer.alloc(SECTOR, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // FAT sector
  fat.writeUInt32LE(END, 4); // directory
  for (let i = 0; i < wbSectors; i++) fat.writeUInt32LE(i === wbSectors - 1 ? END : 3 + i, (2 + i) * 4);
  const dir = Buffer.alloc(SECTOR, 0);
  const entry = (at: number, name: string, type: number, child: number, start: number, size: number) => {
    const o = at * 128;
    Buffer.from(name, 'utf16le').copy(dir, o);
    dir.writeUInt16LE((name.length + 1) * 2, o + 64);
    dir.writeUInt8(type, o + 66);
    dir.writeUInt8(1, o + 67); // black
    dir.writeUInt32LE(FREE, o + 68); // left sibling
    dir.writeUInt32LE(FREE, o + 72); // right sibling
    dir.writeUInt32LE(child, o + 76);
    dir.writeUInt32LE(start, o + 116);
    dir.writeUInt32LE(size, o + 120);
  };
  entry(0, 'Root Entry', 5, 1, END, 0);
  entry(1, 'Workbook', 2, FREE, 2, wb.length);
  for (const at of [2, 3]) {
    dir.writeUInt32LE(FREE, at * 128 + 68);
    dir.writeUInt32LE(FREE, at * 128 + 72);
    dir.writeUInt32LE(FREE, at * 128 + 76);
  }
  const body = Buffer.alloc(wbSectors * SECTOR, 0);
  wb.copy(body);
  return Buffer.concat([header, fat, dir, body]);
}

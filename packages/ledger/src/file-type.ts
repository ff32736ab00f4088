import yauzl from 'yauzl';

/**
 * Evidence file types, recognised by their content (magic bytes), never by the name or the
 * Content-Type the client sends. OOXML documents are zip files: the zip's entries tell a .docx
 * from a .xlsx or .pptx (and from any other zip, which is refused). Legacy Office files share one
 * container (OLE2 compound file); there the extension chooses among .doc, .xls and .ppt.
 */
export interface EvidenceType {
  mime: string;
  ext: string;
  labelZh: string;
}

export const EVIDENCE_TYPES = {
  pdf: { mime: 'application/pdf', ext: 'pdf', labelZh: 'PDF 文档' },
  png: { mime: 'image/png', ext: 'png', labelZh: 'PNG 图片' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg', labelZh: 'JPEG 图片' },
  gif: { mime: 'image/gif', ext: 'gif', labelZh: 'GIF 图片' },
  webp: { mime: 'image/webp', ext: 'webp', labelZh: 'WebP 图片' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', labelZh: 'Word 文档' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', labelZh: 'Excel 表格' },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ext: 'pptx', labelZh: 'PowerPoint 演示文稿' },
  doc: { mime: 'application/msword', ext: 'doc', labelZh: 'Word 97-2003 文档' },
  xls: { mime: 'application/vnd.ms-excel', ext: 'xls', labelZh: 'Excel 97-2003 表格' },
  ppt: { mime: 'application/vnd.ms-powerpoint', ext: 'ppt', labelZh: 'PowerPoint 97-2003 演示文稿' },
} as const satisfies Record<string, EvidenceType>;

export const ACCEPTED_EXTENSIONS = ['pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'docx', 'xlsx', 'pptx', 'doc', 'xls', 'ppt'];

/** How many leading bytes sniffHead needs. */
export const SNIFF_BYTES = 16;

const startsWith = (b: Buffer, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export type HeadKind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'zip' | 'ole' | null;

/** The container kind from the first bytes. */
export function sniffHead(head: Buffer): HeadKind {
  if (startsWith(head, ascii('%PDF-'))) return 'pdf';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a'))) return 'gif';
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  return null;
}

/** Entry names of a zip file (at most `max`; a broken zip rejects). */
function zipEntryNames(file: string, max = 5000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip file'));
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        if (names.length >= max) {
          zip.close();
          resolve(names);
        } else zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/**
 * The evidence type of a stored file, from its first bytes (and, for zip and OLE containers, its
 * entries or extension); null when it is not an accepted type.
 */
export async function detectEvidenceType(file: string, head: Buffer, fileName: string): Promise<EvidenceType | null> {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]{1,8})$/)?.[1] ?? '';
  const kind = sniffHead(head);
  switch (kind) {
    case null:
      return null;
    case 'pdf':
    case 'png':
    case 'jpeg':
    case 'gif':
    case 'webp':
      return EVIDENCE_TYPES[kind];
    case 'ole':
      if (ext === 'doc' || ext === 'xls' || ext === 'ppt') return EVIDENCE_TYPES[ext];
      return null;
    case 'zip': {
      let names: string[];
      try {
        names = await zipEntryNames(file);
      } catch {
        return null;
      }
      if (!names.includes('[Content_Types].xml')) return null;
      if (names.some((n) => n.startsWith('word/'))) return EVIDENCE_TYPES.docx;
      if (names.some((n) => n.startsWith('xl/'))) return EVIDENCE_TYPES.xlsx;
      if (names.some((n) => n.startsWith('ppt/'))) return EVIDENCE_TYPES.pptx;
      return null;
    }
  }
}

/**
 * Whether the name's extension contradicts the content (e.g. `report.pdf` holding a PNG).
 * Unknown or missing extensions do not contradict; the content decides the type.
 */
export function extensionContradicts(fileName: string, type: EvidenceType): boolean {
  const ext = fileName.toLowerCase().match(/\.([a-z0-9]{1,8})$/)?.[1] ?? '';
  if (!ACCEPTED_EXTENSIONS.includes(ext)) return false;
  const norm = ext === 'jpeg' ? 'jpg' : ext;
  return norm !== type.ext;
}

import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Db, DbOrTx } from '@biomon/db';
import { AppError } from '@biomon/core';
import { writeAudit, type Actor } from '@biomon/auth';
import { ACCEPTED_EXTENSIONS, SNIFF_BYTES, detectEvidenceType, extensionContradicts } from './file-type';
import { insertFile, selectFile } from './ledger.repository';

/** Upload limit of POST /v1/files (evidence: scans, photos, office documents). */
export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

export interface FileOut {
  fileId: string;
  originalName: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  department: string | null;
  createdAt: string;
}

export interface FileRow {
  id: string;
  sha256: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  storage_key: string;
  uploaded_by: string | null;
  department_id: number | null;
  created_at: Date;
}

const fileError = (status: 'VALIDATION_FAILED' | 'UNSUPPORTED_MEDIA_TYPE' | 'BODY_TOO_LARGE', code: string, message: string) =>
  new AppError(status, message, { errors: [{ field: 'file', code, message }] });

/** A display name safe to store and to send back in Content-Disposition: no path, no control characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 200);
  return clean || 'evidence';
}

class TooLarge extends Error {}

/**
 * Stores an uploaded evidence file: streamed to a temporary file while hashed (never whole in
 * memory), its type checked by content (PDF, PNG, JPEG, GIF, WebP, docx/xlsx/pptx, doc/xls/ppt),
 * then moved to `<store>/evidence/<first two hex>/<sha256>` — identical bytes are stored once —
 * and recorded in `files` with its audit entry in one transaction.
 * `truncated` reports whether the multipart parser cut the stream at its size limit.
 */
export async function storeEvidenceFile(
  db: Db,
  stream: Readable,
  opts: {
    fileStoreDir: string;
    fileName: string;
    truncated: () => boolean;
    actor: Pick<Actor, 'tokenId' | 'role' | 'label' | 'departmentId' | 'departmentName'>;
    route: string;
  },
): Promise<FileOut> {
  const originalName = cleanFileName(opts.fileName);
  const tmpDir = path.join(opts.fileStoreDir, 'evidence', 'tmp');
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `.upload-${randomUUID()}`);
  const hash = createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  let headLen = 0;
  try {
    try {
      await pipeline(
        stream,
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            size += chunk.length;
            if (size > MAX_EVIDENCE_BYTES) return cb(new TooLarge());
            if (headLen < SNIFF_BYTES) {
              head.push(chunk.subarray(0, SNIFF_BYTES - headLen));
              headLen += Math.min(chunk.length, SNIFF_BYTES - headLen);
            }
            hash.update(chunk);
            cb(null, chunk);
          },
        }),
        createWriteStream(tmp),
      );
    } catch (err) {
      if (err instanceof TooLarge) throw fileError('BODY_TOO_LARGE', 'FILE_TOO_LARGE', `evidence files are limited to ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
      throw err;
    }
    if (opts.truncated()) throw fileError('BODY_TOO_LARGE', 'FILE_TOO_LARGE', `evidence files are limited to ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
    if (size === 0) throw fileError('VALIDATION_FAILED', 'FILE_EMPTY', 'the uploaded file has no content');
    const type = await detectEvidenceType(tmp, Buffer.concat(head), originalName);
    if (!type) {
      throw fileError(
        'UNSUPPORTED_MEDIA_TYPE',
        'FILE_TYPE_NOT_ACCEPTED',
        `accepted evidence: PDF, images (PNG, JPEG, GIF, WebP) and office documents (${ACCEPTED_EXTENSIONS.filter((e) => /doc|xls|ppt/.test(e)).join(', ')}), recognised by content`,
      );
    }
    if (extensionContradicts(originalName, type)) {
      throw fileError(
        'UNSUPPORTED_MEDIA_TYPE',
        'FILE_TYPE_MISMATCH',
        `the file's content is ${type.labelZh} (.${type.ext}) but its name says otherwise: ${originalName}`,
      );
    }
    const sha256 = hash.digest('hex');
    const storageKey = path.posix.join('evidence', sha256.slice(0, 2), sha256);
    const final = path.join(opts.fileStoreDir, storageKey);
    await mkdir(path.dirname(final), { recursive: true });
    const exists = await stat(final).then(
      (s) => s.size === size,
      () => false,
    );
    if (exists) await rm(tmp, { force: true });
    else await rename(tmp, final);
    return await db.transaction().execute(async (tx) => {
      const row = await insertFile(tx, {
        sha256,
        mime: type.mime,
        size_bytes: size,
        original_name: originalName,
        storage_key: storageKey,
        uploaded_by: opts.actor.tokenId,
        department_id: opts.actor.departmentId ?? null,
      });
      await writeAudit(tx, opts.actor, {
        action: 'files.create',
        entity: 'file',
        entityIds: [row.id],
        route: opts.route,
        summary: { originalName, mime: type.mime, sizeBytes: size, sha256 },
      });
      return fileOut(row, opts.actor.departmentName ?? null);
    });
  } finally {
    await rm(tmp, { force: true });
  }
}

function fileOut(r: FileRow, department: string | null): FileOut {
  return {
    fileId: r.id,
    originalName: r.original_name,
    mime: r.mime,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    department,
    createdAt: r.created_at.toISOString(),
  };
}

export async function findFile(db: DbOrTx, id: string): Promise<FileRow | undefined> {
  return selectFile(db, id);
}

/** A stored file and a stream of its bytes (NOT_FOUND when unknown or missing from the store). */
export async function openEvidenceFile(db: DbOrTx, fileStoreDir: string, id: string): Promise<{ file: FileRow; stream: Readable }> {
  const file = await findFile(db, id);
  if (!file) throw new AppError('NOT_FOUND', `No file ${id}`);
  const full = path.join(fileStoreDir, file.storage_key);
  const ok = await stat(full).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!ok) throw new AppError('NOT_FOUND', `The bytes of file ${id} are missing from the file store`);
  return { file, stream: createReadStream(full) };
}

import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { AppError, invalidTextErrors, type FieldError } from '@biomon/core';

const contentTypeError = (message: string) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', message, {
    errors: [
      { field: 'headers.content-type', code: 'CONTENT_TYPE_UNSUPPORTED', message: 'send multipart/form-data with a boundary and one part named "file"' },
    ],
  });

/**
 * NUL or unpaired surrogates in the text of a multipart body — the file's name (kept in the
 * database), the part names and any text fields — named like `file.filename` or `fields.note`.
 */
function multipartTextErrors(part: MultipartFile): FieldError[] {
  const fields: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(part.fields)) {
    for (const f of [v ?? []].flat()) if (f !== part) fields[name] = f.type === 'field' ? f.value : f.filename;
  }
  return [...invalidTextErrors({ filename: part.filename, fieldname: part.fieldname }, 'file'), ...invalidTextErrors(fields, 'fields')];
}

/**
 * The one file part of an upload (routes register @fastify/multipart with `files: 1`). Malformed
 * multipart — no boundary, broken framing, extra fields or parts — is the client's fault: 4xx with
 * the failing field, never a 500; so is a file name or text field with a NUL character (422
 * TEXT_INVALID_CHARACTER).
 */
export async function readSingleFile(req: FastifyRequest): Promise<MultipartFile> {
  if (!req.isMultipart()) throw contentTypeError(`${req.routeOptions.url} takes multipart/form-data with a "file" part`);
  let part: MultipartFile | undefined;
  try {
    part = await req.file();
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (/FST_(FIELDS|PARTS|FILES)_LIMIT/.test(code)) {
      throw new AppError('VALIDATION_FAILED', 'send exactly one part, named "file"', {
        errors: [{ field: 'body', code: 'MULTIPART_PARTS', message: (err as Error).message }],
      });
    }
    throw contentTypeError(`the multipart body cannot be read: ${(err as Error).message}`);
  }
  if (!part)
    throw new AppError('VALIDATION_FAILED', 'no file part', {
      errors: [{ field: 'file', code: 'FILE_MISSING', message: 'send the file in a part named "file"' }],
    });
  const errors = multipartTextErrors(part);
  if (errors.length) {
    part.file.resume(); // drain the upload: the answer does not need it
    throw new AppError('TEXT_INVALID_CHARACTER', `${errors.map((e) => e.field).join(', ')}: ${errors[0].message}`, { errors });
  }
  return part;
}

import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors';

export type CursorKey = (string | number)[];

/**
 * Paging cursors that are opaque and tamper-evident (BRIEF §8): the sort key of the last row of a
 * page, with the kind of list it belongs to, encrypted (AES-256-CTR) and authenticated with an HMAC
 * (SHA-256, over the IV and the ciphertext: encrypt-then-MAC). Keys are derived from one platform
 * secret shared by every api process, so any process accepts any process's cursors; a caller cannot
 * read the key (an internal row id would let it step to rows inserted next to a tiger), nor forge or
 * edit a cursor, nor use one list's cursor for another: all of these are 400 CURSOR_INVALID.
 */
export class CursorCodec {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 16) throw new Error('the cursor secret must have at least 16 bytes');
    this.encKey = createHmac('sha256', secret).update('biomon cursor encryption v1').digest();
    this.macKey = createHmac('sha256', secret).update('biomon cursor mac v1').digest();
  }

  encode(kind: string, key: CursorKey): string {
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-ctr', this.encKey, iv);
    const body = Buffer.concat([c.update(JSON.stringify([kind, ...key]), 'utf8'), c.final()]);
    const mac = createHmac('sha256', this.macKey).update(iv).update(body).digest().subarray(0, 16);
    return Buffer.concat([iv, body, mac]).toString('base64url');
  }

  /** The key of a cursor of this kind; throws 400 CURSOR_INVALID (naming `field`) for anything else. */
  decode(kind: string, token: string, field = 'querystring.cursor'): CursorKey {
    const invalid = () =>
      new AppError('CURSOR_INVALID', 'The cursor is not one this server issued for this list', {
        errors: [{ field, code: 'CURSOR_INVALID', message: 'use nextCursor (or the next link) of a previous page, unchanged' }],
      });
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{44,400}$/.test(token)) throw invalid();
    const raw = Buffer.from(token, 'base64url');
    if (raw.length < 33) throw invalid();
    const iv = raw.subarray(0, 16);
    const body = raw.subarray(16, raw.length - 16);
    const mac = raw.subarray(raw.length - 16);
    const expected = createHmac('sha256', this.macKey).update(iv).update(body).digest().subarray(0, 16);
    if (!timingSafeEqual(mac, expected)) throw invalid();
    const d = createDecipheriv('aes-256-ctr', this.encKey, iv);
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat([d.update(body), d.final()]).toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.slice(1).some((x) => typeof x !== 'string' && typeof x !== 'number')) throw invalid();
    return parsed.slice(1) as CursorKey;
  }

  /** A cursor whose key is one positive integer (an internal id). */
  decodeId(kind: string, token: string, field?: string): number {
    const [id] = this.decode(kind, token, field);
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
      throw new AppError('CURSOR_INVALID', 'The cursor is not valid', {
        errors: [{ field: field ?? 'querystring.cursor', code: 'CURSOR_INVALID', message: 'use nextCursor of a previous page' }],
      });
    return id;
  }
}

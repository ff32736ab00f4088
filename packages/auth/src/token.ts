import { createHash, randomBytes } from 'node:crypto';

export const ROLES = ['admin', 'surveyor', 'station', 'evaluator', 'department'] as const;
export type Role = (typeof ROLES)[number];
/** The role of a caller without a token. */
export type CallerRole = Role | 'public';

/**
 * A token is `bm_<role>_<43 chars of base64url>` (256 random bits). It is high-entropy, so a plain
 * SHA-256 is the right storage hash (a slow password hash buys nothing against brute force here).
 */
export function generateToken(role: Role): string {
  return `bm_${role}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** `bm_<role>_` and the first 6 random characters: enough to recognise a token, useless to use it. */
export function tokenPrefix(token: string): string {
  // the random part is base64url and may itself contain '_': anchor on the role, not the last '_'
  const m = /^(bm_[a-z]+_)([A-Za-z0-9_-]{6})/.exec(token);
  return m ? m[1] + m[2] : token.slice(0, 6);
}

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

export function tokenPrefix(token: string): string {
  return token.slice(0, token.lastIndexOf('_') + 7);
}

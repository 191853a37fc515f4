import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets: a recognisable prefix (so leaked tokens are easy to spot and scanners can find them)
 * followed by 32 random bytes (256 bits) in base64url. Only the SHA-256 digest is stored.
 */
export const PAT_PREFIX = 'roster_pat_';
export const SCIM_TOKEN_PREFIX = 'roster_scim_';
export const SESSION_PREFIX = 'roster_session_';

export function generateSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What may be shown after creation: the prefix and the first four random characters. */
export function displayPrefix(secret: string, prefix: string): string {
  return secret.slice(0, prefix.length + 4);
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

import { utcDay } from '../common/clock.js';

/**
 * What a personal access token may do, by its scopes — the subset of GitLab's scopes that means
 * something in Roster. `api`: everything the person may do; `read_api`: the same, read-only;
 * `read_user`: read-only, and only the user endpoints (`/user`, `/users…`). Any token may read and
 * revoke itself (`/personal_access_tokens/self`), so a script can always find out what it holds.
 */
export const PAT_SCOPES = ['api', 'read_api', 'read_user'] as const;
export type PatScope = (typeof PAT_SCOPES)[number];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isPatScope(value: string): value is PatScope {
  return (PAT_SCOPES as readonly string[]).includes(value);
}

/** The stored form (`api,read_user`) → scopes; unknown words (none are ever stored) are dropped. */
export function parseStoredScopes(stored: string): PatScope[] {
  return stored.split(',').filter(isPatScope);
}

/** Whether a token with these scopes may send `method` to `path` (an /api/v4 path, query string excluded). */
export function scopesAllow(scopes: readonly PatScope[], method: string, path: string): boolean {
  if (scopes.includes('api')) return true;
  if (/^\/api\/v4\/personal_access_tokens\/self\/?$/.test(path) && (READ_METHODS.has(method) || method === 'DELETE')) return true;
  if (!READ_METHODS.has(method)) return false;
  if (scopes.includes('read_api')) return true;
  return scopes.includes('read_user') && /^\/api\/v4\/users?(\/|$)/.test(path);
}

/**
 * GitLab's tokens expire on their `expires_at` day at 00:00 UTC: a token is expired once the
 * current UTC date is that day or later.
 */
export function isExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && utcDay(now) >= expiresAt;
}

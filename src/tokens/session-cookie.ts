import type { CookieOptions } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { SESSION_IDLE_MS } from './sessions.service.js';

/**
 * The session cookie's attributes (saml.md, Sessions): HttpOnly (scripts never see the secret),
 * SameSite=Lax (cross-site POSTs do not carry it), Secure when Roster is served over https.
 */
export function sessionCookieOptions(config: Pick<AppConfig, 'baseUrl'>, withLifetime = true): CookieOptions {
  const options: CookieOptions = { httpOnly: true, sameSite: 'lax', secure: config.baseUrl.startsWith('https:'), path: '/' };
  return withLifetime ? { ...options, maxAge: SESSION_IDLE_MS } : options;
}

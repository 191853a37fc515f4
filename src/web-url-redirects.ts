import type { NextFunction, Request, Response } from 'express';

/**
 * The `web_url`s the API returns, as GitLab shapes them (`<base>/groups/<path>` for a group,
 * `<base>/<username>` for a user), lead a browser to the UI page that shows them: the UI is a
 * hash-routed page at `/`, so these addresses redirect into it. Only those two shapes are touched:
 * `/api/…`, `/groups/<path>/-/saml/…`, `/health`, `/metrics` and the UI's own files are not.
 */
const RESERVED = new Set(['api', 'groups', 'health', 'metrics', 'css', 'js', 'favicon.svg', 'index.html']);
const GROUP = /^\/groups\/([A-Za-z0-9_.-]+)\/?$/;
const USER = /^\/([A-Za-z0-9][A-Za-z0-9_.-]{0,59})\/?$/;

/** Where a browser opening `path` belongs in the UI, or null when the path is not a web_url. */
export function uiLocationOf(path: string): string | null {
  const group = GROUP.exec(path);
  if (group) return `/#/groups/${encodeURIComponent(group[1])}`;
  const user = USER.exec(path);
  if (user && !RESERVED.has(user[1].toLowerCase())) return `/#/admin/users?search=${encodeURIComponent(user[1])}`;
  return null;
}

export function webUrlRedirects(request: Request, response: Response, next: NextFunction): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') return next();
  const target = uiLocationOf(request.path);
  if (target === null) return next();
  response.redirect(302, target);
}

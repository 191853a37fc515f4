import type { Request } from 'express';

/**
 * The route pattern a request matched (`/api/scim/v2/groups/:group/Users/:id`), never the URL
 * itself: metric labels and log fields stay a bounded set whatever ids and paths clients send.
 * Express sets `route` once a handler matched; static files and unmatched paths share a label.
 */
export function routeOf(request: Request): string {
  const path = (request as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof path === 'string') return `${request.baseUrl ?? ''}${path}`;
  return 'unmatched';
}

export type Surface = 'scim' | 'api' | 'saml' | 'ui' | 'ops';

/** Which API surface a path belongs to, for metrics that compare them. */
export function surfaceOf(path: string): Surface {
  if (path.startsWith('/api/scim/')) return 'scim';
  if (path.startsWith('/api/')) return 'api';
  if (path.startsWith('/groups/') || path.startsWith('/users/auth/saml/')) return 'saml';
  if (path === '/metrics' || path === '/health' || path.startsWith('/health/')) return 'ops';
  return 'ui';
}

import type { Request, Response } from 'express';
import type { KeysetPage, Page } from '../common/paging.js';

/**
 * The request's own URL made absolute on BASE_URL: GitLab's Link URLs are absolute, and clients
 * (python-gitlab, gitbeaker) request the `next` link as given, so a relative one is a 404 at page 2.
 */
function absoluteUrl(baseUrl: string, request: Request): URL {
  const base = new URL(baseUrl);
  const own = new URL(request.originalUrl, 'http://placeholder');
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${own.pathname}`;
  url.search = own.search;
  return url;
}

/** GitLab's paging headers: X-Total, X-Page, X-Per-Page, X-Next-Page, X-Total-Pages and Link. */
export function sendPage<T, V>(request: Request, response: Response, baseUrl: string, page: Page<T>, map: (item: T) => V): V[] {
  const totalPages = Math.max(1, Math.ceil(page.total / page.perPage));
  const next = page.page < totalPages ? page.page + 1 : null;
  response.setHeader('X-Total', String(page.total));
  response.setHeader('X-Total-Pages', String(totalPages));
  response.setHeader('X-Page', String(page.page));
  response.setHeader('X-Per-Page', String(page.perPage));
  response.setHeader('X-Next-Page', next === null ? '' : String(next));
  response.setHeader('X-Prev-Page', page.page > 1 ? String(page.page - 1) : '');
  const url = absoluteUrl(baseUrl, request);
  const link = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('per_page', String(page.perPage));
    return `<${url.href}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(totalPages, 'last')];
  if (next !== null) links.unshift(link(next, 'next'));
  if (page.page > 1) links.unshift(link(page.page - 1, 'prev'));
  response.setHeader('Link', links.join(', '));
  return page.items.map(map);
}

/**
 * A keyset page: X-Total and X-Per-Page as for numbered pages, the cursors in X-Next-Cursor and
 * X-Prev-Cursor (empty at either end), and Link rel="next" / "prev" / "first" / "last" to follow them.
 */
export function sendKeysetPage<T, V>(request: Request, response: Response, baseUrl: string, page: KeysetPage<T>, map: (item: T) => V): V[] {
  response.setHeader('X-Total', String(page.total));
  response.setHeader('X-Per-Page', String(page.perPage));
  response.setHeader('X-Next-Cursor', page.nextCursor === null ? '' : String(page.nextCursor));
  response.setHeader('X-Prev-Cursor', page.prevCursor === null ? '' : String(page.prevCursor));
  const link = (rel: string, set: Record<string, string>) => {
    const url = absoluteUrl(baseUrl, request);
    for (const name of ['id_after', 'id_before', 'from_end', 'page']) url.searchParams.delete(name);
    url.searchParams.set('pagination', 'keyset');
    url.searchParams.set('per_page', String(page.perPage));
    for (const [name, value] of Object.entries(set)) url.searchParams.set(name, value);
    return `<${url.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.prevCursor !== null) links.push(link('prev', { id_before: String(page.prevCursor) }));
  if (page.nextCursor !== null) links.push(link('next', { id_after: String(page.nextCursor) }));
  links.push(link('first', {}), link('last', { from_end: 'true' }));
  response.setHeader('Link', links.join(', '));
  return page.items.map(map);
}

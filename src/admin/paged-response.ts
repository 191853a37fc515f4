import type { Request, Response } from 'express';
import type { Page } from '../common/paging.js';

/** GitLab's paging headers: X-Total, X-Page, X-Per-Page, X-Next-Page, X-Total-Pages and Link. */
export function sendPage<T, V>(request: Request, response: Response, page: Page<T>, map: (item: T) => V): V[] {
  const totalPages = Math.max(1, Math.ceil(page.total / page.perPage));
  const next = page.page < totalPages ? page.page + 1 : null;
  response.setHeader('X-Total', String(page.total));
  response.setHeader('X-Total-Pages', String(totalPages));
  response.setHeader('X-Page', String(page.page));
  response.setHeader('X-Per-Page', String(page.perPage));
  response.setHeader('X-Next-Page', next === null ? '' : String(next));
  response.setHeader('X-Prev-Page', page.page > 1 ? String(page.page - 1) : '');
  const url = new URL(request.originalUrl, 'http://placeholder');
  const link = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('per_page', String(page.perPage));
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(totalPages, 'last')];
  if (next !== null) links.unshift(link(next, 'next'));
  if (page.page > 1) links.unshift(link(page.page - 1, 'prev'));
  response.setHeader('Link', links.join(', '));
  return page.items.map(map);
}

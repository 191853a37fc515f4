import { DomainError } from './domain-error.js';

/** Admin API paging (GitLab style): 1-based `page`, `per_page` default 20, at most 100. */
export interface PageRequest {
  page: number;
  perPage: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

function positiveInteger(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new DomainError('validation', `${name} must be a positive whole number`, { fields: { [name]: ['must be a positive whole number'] } });
  }
  return Number(raw);
}

export function parsePageRequest(query: Record<string, unknown>, maxPerPage = 100): PageRequest {
  const page = Math.max(1, positiveInteger(query.page, 'page') ?? 1);
  const perPage = Math.min(maxPerPage, Math.max(1, positiveInteger(query.per_page, 'per_page') ?? 20));
  return { page, perPage };
}

export function pageOffset(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}

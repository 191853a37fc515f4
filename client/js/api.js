// The one place that talks to the admin API (/api/v4). The browser carries the session cookie;
// unsafe methods also send the session's CSRF token, which is kept in memory only.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;
let onSessionLost = () => {};

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when the server says the session is gone (401 on a signed-in request). */
export function handleSessionLoss(callback) {
  onSessionLost = callback;
}

export class ApiError extends Error {
  constructor(status, message, fields, retryAfter) {
    super(typeof message === 'string' ? message : 'Request failed');
    this.status = status;
    this.serverMessage = typeof message === 'string' ? message : null;
    this.fields = fields ?? null;
    this.retryAfter = retryAfter ?? null;
  }
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * `request('GET', '/groups', { query, body, signal, quiet401 })` → `{ data, page }`, where `page` is
 * read from GitLab's paging headers when present.
 */
export async function request(method, path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(`/api/v4${path}${query(options.query)}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, null);
  }
  let data = null;
  if (response.status !== 204) {
    const text = await response.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!response.ok) {
    const message = data?.message;
    const fields = message && typeof message === 'object' ? message : null;
    const error = new ApiError(response.status, fields ? null : message, fields, response.headers.get('Retry-After'));
    if (response.status === 401 && !options.quiet401) onSessionLost();
    throw error;
  }
  return { data, page: readPage(response.headers), headers: response.headers };
}

function readPage(headers) {
  const total = headers.get('X-Total');
  if (total === null) return null;
  const number = (name) => {
    const value = headers.get(name);
    return value === null || value === '' ? null : Number(value);
  };
  return {
    total: Number(total),
    page: number('X-Page') ?? 1,
    perPage: number('X-Per-Page') ?? 20,
    totalPages: number('X-Total-Pages') ?? Math.max(1, Math.ceil(Number(total) / (number('X-Per-Page') ?? 20))),
    nextPage: number('X-Next-Page'),
    // Keyset pages (pagination=keyset): where the next and previous pages start.
    nextCursor: headers.get('X-Next-Cursor') || null,
    prevCursor: headers.get('X-Prev-Cursor') || null,
  };
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options = {}) => request('POST', path, { ...options, body }),
  put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
  patch: (path, body, options = {}) => request('PATCH', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
};

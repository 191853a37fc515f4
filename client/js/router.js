// Hash routing: #/path?query. Each navigation aborts the previous page's requests, so a slow
// answer can never paint over the page the person has moved on to.
import { errorNotice, isAbort } from './errors.js';

const routes = [];
let controller = null;
let fallback = null;
let guard = () => null;

/** `pattern` is a path like '/groups/:id/saml/:section?'. */
export function route(pattern, page, options = {}) {
  const keys = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const optional = part.endsWith('?');
      keys.push(part.slice(1, optional ? -1 : undefined));
      return optional ? '?([^/]*)' : '([^/]+)';
    })
    .join('/');
  routes.push({ regex: new RegExp(`^${source}/?$`), keys, page, options });
}

export function notFound(page) {
  fallback = page;
}

/** `check(route)` may return a hash to redirect to (e.g. the sign-in page). */
export function beforeEach(check) {
  guard = check;
}

export function currentLocation() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(search)), raw };
}

/**
 * The current page's address with `params` as its query (empty values left out): lists keep their
 * filters and page position there, so reload and Back restore them.
 */
export function addressWith(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return `#${currentLocation().path}${text ? `?${text}` : ''}`;
}

/**
 * Puts `target` in the address bar for the page already drawn (a list's new page position, the
 * section a page chose), as a new history entry or in place of the current one. `#main`'s
 * `data-address` names the address the page shows: until a hash change has been drawn it differs
 * from `location.hash`, which is how a test knows a navigation has not been drawn yet.
 */
export function record(target, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  const main = document.getElementById('main');
  if (main) main.dataset.address = location.hash;
}

export function navigate(hash, { replace = false } = {}) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (location.hash === target) {
    render();
    return;
  }
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) render();
}

function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    const params = {};
    r.keys.forEach((key, i) => {
      params[key] = m[i + 1] ? decodeURIComponent(m[i + 1]) : undefined;
    });
    return { ...r, params };
  }
  return null;
}

export async function render() {
  controller?.abort();
  controller = new AbortController();
  const signal = controller.signal;
  const loc = currentLocation();
  const found = match(loc.path);
  const redirect = guard(found, loc);
  if (redirect) {
    navigate(redirect, { replace: true });
    return;
  }
  const main = document.getElementById('main');
  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');
  main.dataset.address = location.hash;
  const page = found ? found.page : fallback;
  try {
    await page(main, { params: found?.params ?? {}, query: loc.query, signal, location: loc });
  } catch (error) {
    if (!isAbort(error)) main.append(errorNotice(error, 'this page'));
  } finally {
    if (!signal.aborted) main.removeAttribute('aria-busy');
  }
}

export function start() {
  window.addEventListener('hashchange', () => {
    render();
    // Keyboard and screen-reader users land at the top of the new page, not on a stale link.
    document.getElementById('main')?.focus({ preventScroll: true });
  });
  render();
}

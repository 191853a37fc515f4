// A server-paged list: loading state, error with retry, the table and the pager. The server does
// the searching and paging, so a group with 100,000 members costs one page of rows per view.
import { formatCount, h, replace } from '../dom.js';
import { errorNotice, isAbort } from '../errors.js';
import { dataTable } from './data-table.js';

/**
 * load({ page, signal }) → { data: rows, page: {total, page, perPage, totalPages} | null }
 * Returns { el, reload(page?) }; reload() goes back to page 1 (for a new search).
 *
 * With `keyset: { perPage }` the list pages by cursor instead (pagination=keyset): load gets
 * `{ keyset: {…query parameters}, signal }` and the page's cursors come back in `page`. A deep
 * page then costs what the first does, and rows added meanwhile shift nothing.
 */
export function listView(options) {
  return options.keyset ? keysetListView(options) : numberedListView(options);
}

function numberedListView({ load, columns, empty, caption, rowClass, expandable, what, onLoaded, className, signal: outer }) {
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'list-body' });
  const pagerSlot = h('div', { class: 'pager-slot' });
  const el = h('div', { class: 'list-view' }, status, body, pagerSlot);
  let controller = null;
  let current = 1;
  // Leaving the page cancels whatever this list is still loading.
  outer?.addEventListener('abort', () => controller?.abort(), { once: true });

  async function go(page) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    current = page;
    el.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading…';
    try {
      const result = await load({ page, signal });
      if (signal.aborted) return;
      const rows = result.data ?? [];
      replace(body, dataTable({ caption, columns, rows, empty, rowClass, expandable, className }));
      replace(pagerSlot, result.page ? pager(result.page, rows.length, go) : null);
      status.textContent = result.page ? summary(result.page, rows.length) : '';
      onLoaded?.(rows, result.page);
    } catch (error) {
      if (isAbort(error)) return;
      status.textContent = '';
      replace(body, errorNotice(error, what), h('button', { type: 'button', class: 'button button-secondary', text: 'Try again', onclick: () => go(current) }));
      replace(pagerSlot);
    } finally {
      if (!signal.aborted) el.removeAttribute('aria-busy');
    }
  }

  return { el, reload: (page = 1) => go(page), refresh: () => go(current) };
}

function keysetListView({ load, keyset, columns, empty, caption, rowClass, expandable, what, onLoaded, className, signal: outer }) {
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'list-body' });
  const pagerSlot = h('div', { class: 'pager-slot' });
  const el = h('div', { class: 'list-view' }, status, body, pagerSlot);
  const perPage = keyset.perPage;
  let controller = null;
  // Where the shown page is (0-based), the query that loaded it, and its answer's paging.
  let index = 0;
  let query = {};
  let info = null;
  outer?.addEventListener('abort', () => controller?.abort(), { once: true });

  const totalPages = () => Math.max(1, Math.ceil((info?.total ?? 0) / perPage));
  /** The query and position of a move: first, next, prev, last, or the current page again. */
  function target(move) {
    if (move === 'next') return { query: { per_page: perPage, id_after: info.nextCursor }, index: index + 1 };
    if (move === 'prev') return { query: { per_page: perPage, id_before: info.prevCursor }, index: index - 1 };
    if (move === 'last') {
      // The last page holds what is left over, so its rows are the ones a numbered last page shows.
      return { query: { per_page: info.total % perPage || perPage, from_end: 'true' }, index: totalPages() - 1 };
    }
    if (move === 'current') return { query, index };
    return { query: { per_page: perPage }, index: 0 };
  }

  async function go(move) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const next = target(move);
    el.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading…';
    try {
      const result = await load({ keyset: next.query, signal });
      if (signal.aborted) return;
      const rows = result.data ?? [];
      ({ query, index } = next);
      info = result.page;
      replace(body, dataTable({ caption, columns, rows, empty, rowClass, expandable, className }));
      const position = { total: info?.total ?? rows.length, page: index + 1, perPage, totalPages: totalPages() };
      replace(pagerSlot, info ? keysetPager(position, info, go) : null);
      status.textContent = info ? summary(position, rows.length) : '';
      onLoaded?.(rows, position);
    } catch (error) {
      if (isAbort(error)) return;
      status.textContent = '';
      replace(body, errorNotice(error, what), h('button', { type: 'button', class: 'button button-secondary', text: 'Try again', onclick: () => go(move) }));
      replace(pagerSlot);
    } finally {
      if (!signal.aborted) el.removeAttribute('aria-busy');
    }
  }

  return { el, reload: () => go('first'), refresh: () => go('current') };
}

function keysetPager(position, info, go) {
  if (position.totalPages <= 1) return null;
  const button = (label, move, disabled, aria) => h('button', { type: 'button', class: 'button button-secondary button-small', disabled, 'aria-label': aria, text: label, onclick: () => go(move) });
  const first = position.page <= 1 || !info.prevCursor;
  const last = position.page >= position.totalPages || !info.nextCursor;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    button('« First', 'first', first, 'First page'),
    button('‹ Previous', 'prev', first, 'Previous page'),
    h('span', { class: 'pager-position', text: `Page ${formatCount(position.page)} of ${formatCount(position.totalPages)}` }),
    button('Next ›', 'next', last, 'Next page'),
    button('Last »', 'last', position.page >= position.totalPages, 'Last page'),
  );
}

function summary(page, count) {
  if (page.total === 0) return 'No results';
  const first = (page.page - 1) * page.perPage + 1;
  return `Showing ${formatCount(first)}–${formatCount(first + count - 1)} of ${formatCount(page.total)}`;
}

function pager(page, count, go) {
  if (page.totalPages <= 1) return null;
  const button = (label, target, disabled, aria) =>
    h('button', { type: 'button', class: 'button button-secondary button-small', disabled, 'aria-label': aria, text: label, onclick: () => go(target) });
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    button('« First', 1, page.page <= 1, 'First page'),
    button('‹ Previous', page.page - 1, page.page <= 1, 'Previous page'),
    h('span', { class: 'pager-position', text: `Page ${formatCount(page.page)} of ${formatCount(page.totalPages)}` }),
    button('Next ›', page.page + 1, page.page >= page.totalPages, 'Next page'),
    button('Last »', page.totalPages, page.page >= page.totalPages, 'Last page'),
  );
}

/** A search/filter form above a list; `onSubmit(values)` on Enter or the button. */
export function filterForm({ fields, submitLabel = 'Search', onSubmit, onReset }) {
  const form = h(
    'form',
    { class: 'filter-form', role: 'search' },
    fields.map((f) => f.wrap),
    h(
      'div',
      { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button button-primary', text: submitLabel }),
      onReset ? h('button', { type: 'reset', class: 'button button-secondary', text: 'Clear' }) : null,
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = {};
    for (const f of fields) values[f.name] = f.input.value.trim();
    onSubmit(values);
  });
  if (onReset) {
    form.addEventListener('reset', () => setTimeout(onReset, 0));
  }
  return form;
}

// A server-paged list: loading state, error with retry, the table and the pager. The server does
// the searching and paging, so a group with 100,000 members costs one page of rows per view.
import { formatCount, h, replace } from '../dom.js';
import { errorNotice, isAbort } from '../errors.js';
import { dataTable } from './data-table.js';

/**
 * load({ page, signal }) → { data: rows, page: {total, page, perPage, totalPages} | null }
 * Returns { el, reload(), refresh() }; reload() goes back to the first page (for a new search).
 *
 * With `keyset: { perPage }` the list pages by cursor instead (pagination=keyset): load gets
 * `{ keyset: {…query parameters}, signal }` and the page's cursors come back in `page`. A deep
 * page then costs what the first does, and rows added meanwhile shift nothing.
 */
export function listView({ load, keyset, columns, empty, caption, rowClass, expandable, what, onLoaded, className, signal: outer }) {
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const body = h('div', { class: 'list-body' });
  const pagerSlot = h('div', { class: 'pager-slot' });
  const el = h('div', { class: 'list-view' }, status, body, pagerSlot);
  const paging = keyset ? keysetPaging(keyset.perPage) : numberedPaging();
  let controller = null;
  // The page shown: its position (null before the first answer) and the request that loaded it.
  let shown = null;
  // Leaving the page cancels whatever this list is still loading.
  outer?.addEventListener('abort', () => controller?.abort(), { once: true });

  /** move: 'first', 'prev', 'next', 'last' or 'current'. */
  async function go(move) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const target = paging.target(move, shown);
    el.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading…';
    try {
      const result = await load({ ...target.request, signal });
      if (signal.aborted) return;
      const rows = result.data ?? [];
      shown = paging.settle(target, result.page, rows.length);
      replace(body, dataTable({ caption, columns, rows, empty, rowClass, expandable, className }));
      replace(pagerSlot, shown.position ? pager(shown.position, go) : null);
      status.textContent = shown.position ? summary(shown.position, rows.length) : '';
      onLoaded?.(rows, shown.position);
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

/** Numbered pages (`page`, `per_page`), positioned by the answer's X-Page headers. */
function numberedPaging() {
  return {
    target(move, shown) {
      const at = shown?.position;
      const page = move === 'prev' ? at.page - 1 : move === 'next' ? at.page + 1 : move === 'last' ? at.totalPages : move === 'current' && at ? at.page : 1;
      return { request: { page } };
    },
    settle(target, info) {
      if (!info) return { request: target.request, position: null };
      return { request: target.request, position: { ...info, canPrev: info.page > 1, canNext: info.page < info.totalPages } };
    },
  };
}

/** Keyset pages: the position is counted here, the answer gives the total and the cursors. */
function keysetPaging(perPage) {
  return {
    target(move, shown) {
      const at = shown?.position;
      if (move === 'next') return { request: { keyset: { per_page: perPage, id_after: at.nextCursor } }, index: at.page };
      if (move === 'prev') return { request: { keyset: { per_page: perPage, id_before: at.prevCursor } }, index: at.page - 2 };
      // The last page holds what is left over, so its rows are the ones a numbered last page shows.
      if (move === 'last') return { request: { keyset: { per_page: at.total % perPage || perPage, from_end: 'true' } }, index: at.totalPages - 1 };
      if (move === 'current' && shown) return { request: shown.request, index: at ? at.page - 1 : 0 };
      return { request: { keyset: { per_page: perPage } }, index: 0 };
    },
    settle(target, info, count) {
      const total = info?.total ?? count;
      const totalPages = Math.max(1, Math.ceil(total / perPage));
      const page = target.index + 1;
      const position = info
        ? {
            total,
            page,
            perPage,
            totalPages,
            nextCursor: info.nextCursor,
            prevCursor: info.prevCursor,
            canPrev: page > 1 && Boolean(info.prevCursor),
            canNext: page < totalPages && Boolean(info.nextCursor),
          }
        : null;
      return { request: target.request, position };
    },
  };
}

function summary(page, count) {
  if (page.total === 0) return 'No results';
  const first = (page.page - 1) * page.perPage + 1;
  return `Showing ${formatCount(first)}–${formatCount(first + count - 1)} of ${formatCount(page.total)}`;
}

function pager(position, go) {
  if (position.totalPages <= 1) return null;
  const button = (label, move, disabled, aria) => h('button', { type: 'button', class: 'button button-secondary button-small', disabled, 'aria-label': aria, text: label, onclick: () => go(move) });
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    button('« First', 'first', !position.canPrev, 'First page'),
    button('‹ Previous', 'prev', !position.canPrev, 'Previous page'),
    h('span', { class: 'pager-position', text: `Page ${formatCount(position.page)} of ${formatCount(position.totalPages)}` }),
    button('Next ›', 'next', !position.canNext, 'Next page'),
    button('Last »', 'last', position.page >= position.totalPages, 'Last page'),
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

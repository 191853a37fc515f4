// A server-paged list: loading state, error with retry, the table and the pager. The server does
// the searching and paging, so a group with 100,000 members costs one page of rows per view.
import { formatCount, h, replace } from '../dom.js';
import { errorNotice, isAbort } from '../errors.js';
import { dataTable } from './data-table.js';
import { addressWith, currentLocation, navigate, record } from '../router.js';

/** The address's keys for a list's page position; every other key is the page's (its filters). */
const POSITION_KEYS = ['page', 'after', 'before', 'last'];

/**
 * load({ page, signal }) → { data: rows, page: {total, page, perPage, totalPages} | null }
 * Returns { el, reload(), refresh() }; reload() goes back to the first page (for a new search).
 *
 * With `keyset: { perPage }` the list pages by cursor instead (pagination=keyset): load gets
 * `{ keyset: {…query parameters}, signal }` and the page's cursors come back in `page`. A deep
 * page then costs what the first does, and rows added meanwhile shift nothing.
 *
 * With `address` (the route's query) the page position lives in the address: reload() opens the
 * page it names, and each move to another page is a new history entry, so Back, Forward and reload
 * bring it back (the router draws the page again from the address).
 */
export function listView({ load, keyset, columns, empty, caption, rowClass, expandable, what, onLoaded, className, signal: outer, address }) {
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

  /** move: 'first', 'prev', 'next', 'last', 'current', or 'restore' (the position in the address). */
  async function go(move) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    const target = move === 'restore' ? paging.restore(address ?? {}) : paging.target(move, shown);
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
      if (address && move !== 'current' && move !== 'restore') remember(paging.toAddress(target));
    } catch (error) {
      if (isAbort(error)) return;
      // A position the server no longer accepts (a cursor from another query, typed by hand): start over.
      if (move === 'restore' && error?.status === 400 && hasPosition(address)) {
        navigate(addressWith(withoutPosition(currentLocation().query)), { replace: true });
        return;
      }
      status.textContent = '';
      replace(body, errorNotice(error, what), h('button', { type: 'button', class: 'button button-secondary', text: 'Try again', onclick: () => go(move) }));
      replace(pagerSlot);
    } finally {
      if (!signal.aborted) el.removeAttribute('aria-busy');
    }
  }

  return { el, reload: () => go(address ? 'restore' : 'first'), refresh: () => go('current') };
}

function withoutPosition(query) {
  return Object.fromEntries(Object.entries(query).filter(([key]) => !POSITION_KEYS.includes(key)));
}

function hasPosition(query) {
  return POSITION_KEYS.some((key) => query?.[key]);
}

/** A new history entry for the page just shown, without drawing the page again (it is drawn). */
function remember(position) {
  const target = addressWith({ ...withoutPosition(currentLocation().query), ...position });
  if (target !== location.hash) record(target);
}

function pageNumber(value) {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

/**
 * New filters for the list on this page: a new history entry that starts at the first page. The
 * router draws the page again from the address, as a reload would.
 */
export function applyFilters(values) {
  navigate(addressWith(values));
}

/** Numbered pages (`page`, `per_page`), positioned by the answer's X-Page headers. */
function numberedPaging() {
  return {
    target(move, shown) {
      const at = shown?.position;
      const page = move === 'prev' ? at.page - 1 : move === 'next' ? at.page + 1 : move === 'last' ? at.totalPages : move === 'current' && at ? at.page : 1;
      return { request: { page } };
    },
    restore(query) {
      return { request: { page: pageNumber(query.page) } };
    },
    toAddress(target) {
      return { page: target.request.page > 1 ? target.request.page : undefined };
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
    restore(query) {
      const index = pageNumber(query.page) - 1;
      if (query.after) return { request: { keyset: { per_page: perPage, id_after: query.after } }, index };
      if (query.before) return { request: { keyset: { per_page: perPage, id_before: query.before } }, index };
      const last = Number(query.last);
      if (Number.isInteger(last) && last >= 1 && last <= perPage) return { request: { keyset: { per_page: last, from_end: 'true' } }, index };
      return { request: { keyset: { per_page: perPage } }, index: 0 };
    },
    /** The request that loads this page again, in the address's words. */
    toAddress(target) {
      const k = target.request.keyset;
      if (target.index === 0 && !k.id_after && !k.id_before && !k.from_end) return {};
      return { page: target.index + 1, after: k.id_after, before: k.id_before, last: k.from_end ? k.per_page : undefined };
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

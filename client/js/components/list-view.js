// A server-paged list: loading state, error with retry, the table and the pager. The server does
// the searching and paging, so a group with 100,000 members costs one page of rows per view.
import { formatCount, h, replace } from '../dom.js';
import { errorNotice, isAbort } from '../errors.js';
import { dataTable } from './data-table.js';

/**
 * load({ page, signal }) → { data: rows, page: {total, page, perPage, totalPages} | null }
 * Returns { el, reload(page?) }; reload() goes back to page 1 (for a new search).
 */
export function listView({ load, columns, empty, caption, rowClass, expandable, what, onLoaded, className, signal: outer }) {
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

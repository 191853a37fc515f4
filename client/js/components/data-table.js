// Tables that turn into stacked cards on narrow screens (CSS reads each cell's data-label), with
// optional expandable detail rows.
import { h, uid } from '../dom.js';

/**
 * columns: [{ label, render(row) → node|string, className?, hideLabel? }]
 * expandable: { label, render(row) → node } adds a disclosure button per row and a detail row.
 */
export function dataTable({ caption, columns, rows, empty = 'Nothing to show.', rowClass, expandable, className }) {
  if (rows.length === 0) return h('div', { class: 'empty-state' }, h('p', { text: empty }));
  const headCells = columns.map((c) => h('th', { scope: 'col', class: c.className, text: c.label }));
  if (expandable) headCells.push(h('th', { scope: 'col', class: 'col-expand' }, h('span', { class: 'visually-hidden', text: expandable.label })));
  const body = h('tbody');
  for (const row of rows) {
    const tr = h('tr', { class: rowClass?.(row) });
    for (const c of columns) {
      const content = c.render(row);
      tr.append(h('td', { class: c.className, 'data-label': c.hideLabel ? null : c.label }, content ?? ''));
    }
    body.append(tr);
    if (expandable) {
      const detailId = uid('detail');
      const detail = h('tr', { class: 'detail-row', id: detailId, hidden: true }, h('td', { colspan: columns.length + 1 }));
      const toggle = h('button', {
        type: 'button',
        class: 'button button-ghost button-small expand-button',
        'aria-expanded': 'false',
        'aria-controls': detailId,
        text: expandable.label,
      });
      const setOpen = (open) => {
        toggle.setAttribute('aria-expanded', String(open));
        detail.hidden = !open;
        tr.classList.toggle('is-open', open);
        if (open && !detail.firstChild.firstChild) detail.firstChild.append(expandable.render(row));
      };
      toggle.addEventListener('click', () => setOpen(detail.hidden));
      // The whole row opens too, for mouse users; links and buttons inside keep their own meaning.
      tr.classList.add('is-expandable');
      tr.addEventListener('click', (event) => {
        if (event.target.closest('a, button, input, select, textarea')) return;
        setOpen(detail.hidden);
      });
      tr.append(h('td', { class: 'col-expand' }, toggle));
      body.append(detail);
    }
  }
  return h(
    'div',
    { class: ['table-wrap', className] },
    h('table', { class: 'data-table' }, caption ? h('caption', { class: 'visually-hidden', text: caption }) : null, h('thead', {}, h('tr', {}, headCells)), body),
  );
}

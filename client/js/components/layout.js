// Page scaffolding: headings, breadcrumbs, tab bars and titled sections.
import { h } from '../dom.js';

export function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), 'Roster'].join(' · ');
}

export function breadcrumbs(items) {
  return h(
    'nav',
    { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    h(
      'ol',
      {},
      items.map((item, i) =>
        h('li', {}, item.href && i < items.length - 1 ? h('a', { href: item.href, text: item.label }) : h('span', { 'aria-current': i === items.length - 1 ? 'page' : null, text: item.label })),
      ),
    ),
  );
}

export function pageHeader({ title, subtitle, actions }) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', { class: 'page-heading' }, h('h1', { text: title }), subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

/** items: [{ label, href, active, count? }] */
export function tabs(items, label, className = 'tabs') {
  return h(
    'nav',
    { class: className, 'aria-label': label },
    h(
      'ul',
      {},
      items.map((item) =>
        h(
          'li',
          {},
          h(
            'a',
            { href: item.href, class: item.active ? 'active' : null, 'aria-current': item.active ? 'page' : null },
            item.label,
            item.count !== undefined && item.count !== null ? h('span', { class: 'tab-count', text: item.count }) : null,
          ),
        ),
      ),
    ),
  );
}

export function section({ title, description, actions, id }, ...children) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id ? `${id}-title` : null },
    h(
      'div',
      { class: 'card-header' },
      h('div', {}, h('h2', { id: id ? `${id}-title` : null, text: title }), description ? h('p', { class: 'card-description' }, description) : null),
      actions ? h('div', { class: 'card-actions' }, actions) : null,
    ),
    h('div', { class: 'card-body' }, children),
  );
}

export function notice(tone, ...children) {
  return h('div', { class: `notice notice-${tone}` }, children);
}

// DOM construction for the whole UI. Everything the API returns (names, emails, externalIds,
// NameIDs) comes from an IdP or a person and is untrusted: it only ever becomes a text node or an
// attribute value here. Nothing in the client assigns HTML strings.

/**
 * Builds an element. `attrs`: `class`, `text`, `on<Event>` handlers, booleans (`hidden`, `disabled`,
 * `checked`…) and any other attribute (set with setAttribute, never parsed as HTML). Children may be
 * nodes, strings (added as text), numbers, arrays, or null/undefined/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' && 'value' in el) el.value = String(value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces an element's content with the given children (text stays text). */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

let idCounter = 0;
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> showing a local, readable date, with the exact ISO value as its title. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted', text: '—' });
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', { text: iso });
  return h('time', { datetime: iso, title: iso, text: dateFormat.format(date) });
}

export function code(value, extra = {}) {
  return h('code', { class: 'value', ...extra, text: value });
}

export function dash() {
  return h('span', { class: 'muted', text: '—' });
}

export function badge(text, tone = 'neutral', title) {
  return h('span', { class: `badge badge-${tone}`, title, text });
}

export function formatCount(n) {
  return new Intl.NumberFormat().format(n);
}

/** Brief polite announcement for copy, save and similar actions. */
export function toast(message) {
  const region = document.getElementById('toast');
  if (!region) return;
  const item = h('div', { class: 'toast', text: message });
  region.append(item);
  setTimeout(() => item.remove(), 3500);
}

// A read-only value with a Copy button (URLs, entity ids, a freshly generated token).
import { h, toast, uid } from '../dom.js';

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // The async clipboard needs a secure context (https or localhost); elsewhere fall back to the
    // selection, which still works when the page was opened over plain http on an intranet name.
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

export function copyField({ label, value, help, secret = false, name }) {
  const id = uid(name ?? 'copy');
  // A read-only textarea rather than an input: on a phone a long URL wraps and stays readable
  // instead of hiding its distinguishing end.
  const input = h('textarea', {
    id,
    class: ['input', 'mono', 'copy-value', secret ? 'secret-value' : null],
    rows: 1,
    readonly: true,
    spellcheck: 'false',
    autocomplete: 'off',
    'data-copy': name,
  });
  input.value = value ?? '';
  const button = h('button', {
    type: 'button',
    class: 'button button-secondary copy-button',
    'aria-label': `Copy ${label}`,
    text: 'Copy',
    onclick: async () => {
      const ok = await copyText(input.value, input);
      button.textContent = ok ? 'Copied' : 'Copy failed';
      toast(ok ? `${label} copied to the clipboard` : 'Copying failed: select the text and copy it yourself');
      setTimeout(() => {
        button.textContent = 'Copy';
      }, 2000);
    },
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, class: 'field-label', text: label }),
    h('div', { class: 'copy-row' }, input, button),
    help ? h('p', { class: 'field-help' }, help) : null,
  );
}

// Labelled form fields with their own error slot, so an API complaint about a field appears under
// that field (and is announced, and tied to it with aria-describedby).
import { h, uid } from '../dom.js';
import { fieldProblems } from '../errors.js';

function field(control, { label, help, name }, layout = 'stack') {
  const id = control.id || uid(name ?? 'field');
  control.id = id;
  const helpId = help ? `${id}-help` : null;
  const errorId = `${id}-error`;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const describe = () => {
    const ids = [helpId, error.hidden ? null : errorId].filter(Boolean).join(' ');
    if (ids) control.setAttribute('aria-describedby', ids);
    else control.removeAttribute('aria-describedby');
  };
  const labelEl = h('label', { for: id, class: 'field-label', text: label });
  const helpEl = help ? h('p', { class: 'field-help', id: helpId }, help) : null;
  const wrap = layout === 'inline' ? h('div', { class: 'field field-check' }, control, h('div', {}, labelEl, helpEl, error)) : h('div', { class: 'field' }, labelEl, control, helpEl, error);
  describe();
  return {
    wrap,
    input: control,
    name,
    setError(text) {
      error.textContent = text ?? '';
      error.hidden = !text;
      if (text) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      describe();
    },
  };
}

export function textField({ label, name, value = '', type = 'text', help, required, autocomplete, placeholder, inputmode, spellcheck }) {
  const input = h('input', {
    type,
    name,
    value,
    required,
    autocomplete,
    placeholder,
    inputmode,
    spellcheck: spellcheck === undefined ? undefined : String(spellcheck),
    class: 'input',
  });
  return field(input, { label, help, name });
}

export function textareaField({ label, name, value = '', help, rows = 6, placeholder }) {
  const input = h('textarea', { name, rows, placeholder, class: 'input mono', spellcheck: 'false' });
  input.value = value ?? '';
  return field(input, { label, help, name });
}

export function checkboxField({ label, name, checked = false, help }) {
  const input = h('input', { type: 'checkbox', name, checked, class: 'checkbox' });
  return field(input, { label, help, name }, 'inline');
}

export function selectField({ label, name, value, options, help }) {
  const input = h(
    'select',
    { name, class: 'input' },
    options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(value), text: o.label })),
  );
  return field(input, { label, help, name });
}

/** Puts each `{message: {field: [...]}}` problem under its field; returns those no field claimed. */
export function showFieldErrors(fields, error) {
  for (const f of fields) f.setError(null);
  const leftover = [];
  for (const problem of fieldProblems(error)) {
    const target = fields.find((f) => f.name === problem.field);
    if (target) target.setError(problem.text);
    else leftover.push(problem);
  }
  const first = fields.find((f) => f.input.getAttribute('aria-invalid') === 'true');
  first?.input.focus();
  return leftover;
}

export const ACCESS_LEVELS = [
  { value: 5, label: 'Minimal Access' },
  { value: 10, label: 'Guest' },
  { value: 15, label: 'Planner' },
  { value: 20, label: 'Reporter' },
  { value: 30, label: 'Developer' },
  { value: 40, label: 'Maintainer' },
  { value: 50, label: 'Owner' },
];

export function roleName(level) {
  return ACCESS_LEVELS.find((l) => l.value === Number(level))?.label ?? `Level ${level}`;
}

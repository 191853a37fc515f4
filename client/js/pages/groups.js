// The groups the person may see; administrators see all and can create one.
import { code, h, time } from '../dom.js';
import { api } from '../api.js';
import { describeError } from '../errors.js';
import { showFieldErrors, textField } from '../components/fields.js';
import { pageHeader, setTitle, section } from '../components/layout.js';
import { listView } from '../components/list-view.js';
import { currentUser } from '../session.js';
import { navigate } from '../router.js';

function slug(name) {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

function newGroupForm(onCancel) {
  const name = textField({ label: 'Group name', name: 'name', required: true, autocomplete: 'off' });
  const path = textField({
    label: 'Group path',
    name: 'path',
    required: true,
    autocomplete: 'off',
    spellcheck: false,
    help: 'Used in the group’s SSO and SCIM URLs. Letters, digits, “_”, “-” and “.”.',
  });
  let pathEdited = false;
  name.input.addEventListener('input', () => {
    if (!pathEdited) path.input.value = slug(name.input.value);
  });
  path.input.addEventListener('input', () => {
    pathEdited = true;
  });
  const formError = h('div', { role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Create group' });
  const form = h(
    'form',
    { class: 'form form-narrow', novalidate: true },
    name.wrap,
    path.wrap,
    formError,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'button button-secondary', text: 'Cancel', onclick: onCancel })),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.replaceChildren();
    name.setError(null);
    path.setError(null);
    if (!name.input.value.trim()) return (name.setError('Enter a name for the group.'), name.input.focus());
    if (!path.input.value.trim()) return (path.setError('Enter a path for the group.'), path.input.focus());
    submit.disabled = true;
    try {
      const { data } = await api.post('/groups', { name: name.input.value.trim(), path: path.input.value.trim() });
      navigate(`#/groups/${data.id}/saml/configuration`);
    } catch (error) {
      const leftover = showFieldErrors([name, path], error);
      if (!error.fields || leftover.length) {
        // A taken path comes back as a plain message; it belongs under the path field.
        if (error.status === 409 || /path/i.test(error.serverMessage ?? '')) {
          path.setError(describeError(error));
          path.input.focus();
        } else formError.replaceChildren(h('p', { class: 'notice notice-error', text: describeError(error) }));
      }
    } finally {
      submit.disabled = false;
    }
  });
  return { form, focus: () => name.input.focus() };
}

export async function groupsPage(main, { signal, query }) {
  setTitle('Groups');
  const admin = currentUser()?.is_admin;
  const formSlot = h('div');
  const newButton = admin
    ? h('button', {
        type: 'button',
        class: 'button button-primary',
        text: 'New group',
        'aria-expanded': 'false',
        onclick: () => {
          if (formSlot.firstChild) return;
          newButton.setAttribute('aria-expanded', 'true');
          const { form, focus } = newGroupForm(() => {
            formSlot.replaceChildren();
            newButton.setAttribute('aria-expanded', 'false');
            newButton.focus();
          });
          formSlot.append(section({ title: 'New group', description: 'After creating it, configure SAML and generate a SCIM token on its SAML SSO page.' }, form));
          focus();
        },
      })
    : null;
  const list = listView({
    what: 'the group list',
    caption: 'Groups',
    empty: admin ? 'There are no groups yet. Create the first one with “New group”.' : 'You are not a member of any group yet.',
    signal,
    address: query,
    load: ({ page, signal: s }) => api.get('/groups', { query: { page, per_page: 20 }, signal: s }),
    columns: [
      {
        label: 'Group',
        render: (g) => h('div', { class: 'cell-primary' }, h('a', { href: `#/groups/${g.id}/saml/configuration`, class: 'strong', text: g.name })),
      },
      { label: 'Path', render: (g) => code(g.path) },
      { label: 'Created', render: (g) => time(g.created_at) },
    ],
  });
  main.append(
    pageHeader({
      title: 'Groups',
      subtitle: admin ? 'All groups on this instance.' : 'Groups you are a member of.',
      actions: newButton,
    }),
    formSlot,
    h('div', { class: 'card card-flush' }, list.el),
  );
  await list.reload();
}

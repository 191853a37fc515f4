// Group › SAML SSO › Group links: which IdP groups give which role here (docs/group-sync.md).
import { code, h, replace, toast } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { dataTable } from '../components/data-table.js';
import { confirmDialog } from '../components/dialog.js';
import { ACCESS_LEVELS, roleName, selectField, showFieldErrors, textField } from '../components/fields.js';
import { section } from '../components/layout.js';

export async function groupLinks(container, { group, signal }) {
  const endpoint = `/groups/${group.id}/saml_group_links`;
  const tableSlot = h('div');
  const errorSlot = h('div');
  let provider = null;

  const load = async () => {
    try {
      const { data } = await api.get(endpoint, { signal });
      replace(tableSlot, table(data));
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      replace(tableSlot, errorNotice(error, 'the group links'));
    }
  };

  const remove = async (link) => {
    await confirmDialog({
      title: `Remove the link for ${link.name}?`,
      danger: true,
      confirmLabel: 'Remove link',
      body: [h('p', { text: `Members who have their role through ${link.name} go back to the role they had without it, or leave the group if that was their only way in.` })],
      onConfirm: async () => {
        await api.delete(`${endpoint}/${encodeURIComponent(link.name)}`);
        toast(`Link for ${link.name} removed`);
        await load();
        return true;
      },
    });
  };

  const table = (links) =>
    dataTable({
      caption: 'Group links',
      className: 'links-table',
      empty: 'No group links yet: roles come from the SAML settings’ default role or are set by hand.',
      rows: links,
      columns: [
        { label: 'IdP group', render: (l) => code(l.name) },
        { label: 'Role', render: (l) => roleName(l.access_level) },
        {
          label: 'Actions',
          hideLabel: true,
          render: (l) => h('button', { type: 'button', class: 'button button-danger-outline button-small', text: 'Remove', 'aria-label': `Remove the link for ${l.name}`, onclick: () => remove(l) }),
        },
      ],
    });

  const name = textField({
    label: 'IdP group name',
    name: 'saml_group_name',
    required: true,
    autocomplete: 'off',
    help: 'Exactly as the identity provider sends it (Entra ID sends the group’s object ID).',
  });
  const level = selectField({
    label: 'Role',
    name: 'access_level',
    value: 30,
    options: ACCESS_LEVELS,
    help: 'Members of this IdP group get this role when SCIM updates the group or they next sign in; someone in several linked groups gets the highest role.',
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Add link' });
  const form = h('form', { class: 'form form-narrow link-form', novalidate: true }, name.wrap, level.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorSlot.replaceChildren();
    submit.disabled = true;
    try {
      await api.post(endpoint, { saml_group_name: name.input.value, access_level: Number(level.input.value) });
      toast(`Link for ${name.input.value} added`);
      name.input.value = '';
      showFieldErrors([name, level], null);
      await load();
    } catch (error) {
      const leftover = showFieldErrors([name, level], error);
      if (leftover.length > 0 || !error?.fields) errorSlot.replaceChildren(errorNotice(error, 'the link'));
    } finally {
      submit.disabled = false;
    }
  });

  try {
    provider = (await api.get(`/groups/${group.id}/saml_provider`, { signal })).data;
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
  }
  container.append(
    section(
      {
        title: 'Group links',
        id: 'group-links',
        description: h(
          'span',
          {},
          'Members of a linked IdP group get its role here: from the ',
          code(provider?.groups_attribute ?? 'groups'),
          ' attribute of their SAML sign-in, and from the groups your identity provider pushes over SCIM. The highest role wins; the last Owner is never demoted.',
        ),
      },
      tableSlot,
      h('h3', { class: 'subheading', text: 'Add a link' }),
      errorSlot,
      form,
    ),
  );
  await load();
}

// Group › SAML SSO › Verified domains: members whose email is in one of these domains are the
// group's Enterprise users (the Members badge follows the list at once). Owners and admins only.
import { code, h, replace, toast } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { dataTable } from '../components/data-table.js';
import { confirmDialog } from '../components/dialog.js';
import { showFieldErrors, textField } from '../components/fields.js';
import { section } from '../components/layout.js';

export async function verifiedDomains(container, { group, signal }) {
  const endpoint = `/groups/${group.id}/verified_domains`;
  const tableSlot = h('div');
  const errorSlot = h('div');

  const load = async () => {
    try {
      const { data } = await api.get(endpoint, { signal });
      replace(tableSlot, table(data));
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      replace(tableSlot, errorNotice(error, 'the verified domains'));
    }
  };

  const remove = async ({ domain }) => {
    await confirmDialog({
      title: `Remove the verified domain ${domain}?`,
      danger: true,
      confirmLabel: 'Remove domain',
      body: [h('p', { text: `Members with an @${domain} email are no longer shown as Enterprise users (unless this group's SCIM provisioning created them). Nobody loses access.` })],
      onConfirm: async () => {
        await api.delete(`${endpoint}/${encodeURIComponent(domain)}`);
        toast(`${domain} removed`);
        await load();
        return true;
      },
    });
  };

  const table = (rows) =>
    dataTable({
      caption: 'Verified domains',
      className: 'domains-table',
      empty: 'No verified domains: only people this group’s SCIM provisioning created are Enterprise users.',
      rows,
      columns: [
        { label: 'Domain', render: (d) => code(d.domain) },
        {
          label: 'Actions',
          hideLabel: true,
          render: (d) =>
            h('button', { type: 'button', class: 'button button-danger-outline button-small', text: 'Remove', 'aria-label': `Remove the verified domain ${d.domain}`, onclick: () => remove(d) }),
        },
      ],
    });

  const domain = textField({
    label: 'Domain',
    name: 'domain',
    required: true,
    autocomplete: 'off',
    spellcheck: false,
    placeholder: 'example.com',
    help: 'The part after the @ in your people’s email addresses.',
  });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Add domain' });
  const form = h('form', { class: 'form form-narrow domain-form', novalidate: true }, domain.wrap, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errorSlot.replaceChildren();
    submit.disabled = true;
    try {
      const { data } = await api.post(endpoint, { domain: domain.input.value });
      toast(`${data.domain} added`);
      domain.input.value = '';
      showFieldErrors([domain], null);
      await load();
    } catch (error) {
      const leftover = showFieldErrors([domain], error);
      if (leftover.length > 0 || !error?.fields) errorSlot.replaceChildren(errorNotice(error, 'the domain'));
    } finally {
      submit.disabled = false;
    }
  });

  container.append(
    section(
      {
        title: 'Verified domains',
        id: 'verified-domains',
        description: 'Members whose email address is in one of these domains are shown as Enterprise users of this group, like the people its SCIM provisioning created.',
      },
      tableSlot,
      h('h3', { class: 'subheading', text: 'Add a domain' }),
      errorSlot,
      form,
    ),
  );
  await load();
}

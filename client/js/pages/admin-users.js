// Admin › Users: platform accounts with their SAML and SCIM identities, searched on the server.
import { badge, h, time } from '../dom.js';
import { api } from '../api.js';
import { textField } from '../components/fields.js';
import { applyFilters, filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';
import { userActions } from './admin-user-actions.js';

async function groupNames(signal) {
  try {
    const { data } = await api.get('/groups', { query: { per_page: 100 }, signal });
    return new Map(data.map((g) => [g.id, g.name]));
  } catch {
    return new Map();
  }
}

function scopeName(names, groupId) {
  if (groupId === null || groupId === undefined) return h('span', { class: 'muted', text: 'Instance' });
  const name = names.get(groupId);
  return name ? h('a', { href: `#/groups/${groupId}/saml/members`, text: name }) : h('span', { text: `Group #${groupId}` });
}

/** The search and page come from the address (a user's web_url leads here with their username). */
export async function adminUsers(container, { signal, query: urlQuery = {} }) {
  const search = (urlQuery.search ?? '').trim();
  const names = await groupNames(signal);
  const list = listView({
    what: 'the user list',
    caption: 'Users',
    empty: 'No users match.',
    className: 'users-table',
    signal,
    address: urlQuery,
    keyset: { perPage: 20 },
    load: ({ keyset, signal: s }) => api.get('/users', { query: { pagination: 'keyset', ...keyset, search }, signal: s }),
    columns: [
      {
        label: 'User',
        className: 'col-person',
        render: (u) =>
          h(
            'div',
            { class: 'person' },
            h('div', { class: 'person-name' }, h('span', { class: 'strong', text: u.name }), u.is_admin ? badge('Admin', 'neutral') : null),
            h('div', { class: 'person-meta' }, h('span', { text: `@${u.username}` }), h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }), h('span', { text: u.email })),
          ),
      },
      { label: 'State', render: (u) => (u.state === 'active' ? badge('Active', 'success') : badge(u.state === 'blocked' ? 'Blocked' : u.state, 'danger')) },
      {
        label: 'Enterprise',
        render: (u) => (u.enterprise_group_id ? h('span', { class: 'inline-row' }, badge('Enterprise', 'info'), scopeName(names, u.enterprise_group_id)) : h('span', { class: 'muted', text: 'No' })),
      },
      { label: 'Created', render: (u) => time(u.created_at) },
    ],
    expandable: { label: 'Identities and tokens', render: (u) => userActions(u.id, { names, scopeName: (groupId) => scopeName(names, groupId), onChange: () => list.refresh() }) },
  });
  const query = textField({ label: 'Search users', name: 'search', type: 'search', value: search, placeholder: 'Username, name or email', autocomplete: 'off' });
  const form = filterForm({
    fields: [query],
    onSubmit: (values) => applyFilters({ search: values.search }),
  });
  container.append(
    section(
      { title: 'Users', id: 'users', description: 'Every account on this instance. Open a row to see its identities and tokens, block or unblock it, fix a SAML identity or issue a token.' },
      form,
      list.el,
    ),
  );
  await list.reload();
}

// Admin › Users: platform accounts with their SAML and SCIM identities, searched on the server.
import { badge, code, h, replace, time } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { dataTable } from '../components/data-table.js';
import { textField } from '../components/fields.js';
import { filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';

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

function identities(userId, names) {
  const slot = h('div', { class: 'identity-detail' }, h('p', { class: 'muted', text: 'Loading identities…' }));
  api.get(`/users/${userId}`).then(
    ({ data }) => {
      replace(
        slot,
        h('h3', { class: 'detail-title', text: 'SAML identities' }),
        dataTable({
          caption: 'SAML identities',
          rows: data.identities ?? [],
          empty: 'No SAML identities.',
          columns: [
            { label: 'Provider', render: (i) => i.provider ?? 'group_saml' },
            { label: 'Scope', render: (i) => scopeName(names, i.group_id) },
            { label: 'extern_uid', render: (i) => code(i.extern_uid) },
          ],
        }),
        h('h3', { class: 'detail-title', text: 'SCIM identities' }),
        dataTable({
          caption: 'SCIM identities',
          rows: data.scim_identities ?? [],
          empty: 'No SCIM identities.',
          columns: [
            { label: 'Scope', render: (i) => scopeName(names, i.group_id) },
            { label: 'externalId', render: (i) => code(i.extern_uid) },
            { label: 'State', render: (i) => (i.active ? badge('Active', 'success') : badge('Inactive', 'warning')) },
          ],
        }),
      );
    },
    (error) => replace(slot, errorNotice(error, 'this user')),
  );
  return slot;
}

export async function adminUsers(container, { signal }) {
  let search = '';
  const names = await groupNames(signal);
  const list = listView({
    what: 'the user list',
    caption: 'Users',
    empty: 'No users match.',
    className: 'users-table',
    signal,
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
    expandable: { label: 'Identities', render: (u) => identities(u.id, names) },
  });
  const query = textField({ label: 'Search users', name: 'search', type: 'search', placeholder: 'Username, name or email', autocomplete: 'off' });
  const form = filterForm({
    fields: [query],
    onSubmit: (values) => {
      search = values.search;
      list.reload();
    },
  });
  container.append(section({ title: 'Users', id: 'users', description: 'Every account on this instance. Open a row to see its SAML and SCIM identities.' }, form, list.el));
  await list.reload();
}

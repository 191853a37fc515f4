// Group › SAML SSO › SCIM groups: the groups the identity provider pushed, and the links they hit.
import { badge, code, h, time } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { dataTable } from '../components/data-table.js';
import { roleName } from '../components/fields.js';
import { section } from '../components/layout.js';

export async function scimGroupsView(container, { group, signal }) {
  let rows;
  try {
    rows = (await api.get(`/groups/${group.id}/scim_groups`, { signal })).data;
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    container.append(errorNotice(error, 'the SCIM groups'));
    return;
  }
  container.append(
    section(
      {
        title: 'SCIM groups',
        id: 'scim-groups',
        description: 'Groups pushed by your identity provider (Okta Group Push, Entra ID group provisioning). A group whose name matches a group link gives its members that role.',
      },
      dataTable({
        caption: 'SCIM groups',
        className: 'scim-groups-table',
        empty: 'Your identity provider has not pushed any group yet.',
        rows,
        columns: [
          {
            label: 'Group',
            render: (g) =>
              h('div', { class: 'stack' }, h('span', { class: 'strong', text: g.display_name }), g.scope === 'instance' ? badge('Instance', 'info', 'Pushed to the instance SCIM API') : null),
          },
          { label: 'Members', render: (g) => String(g.members) },
          {
            label: 'Group link',
            render: (g) => (g.links.length === 0 ? h('span', { class: 'muted', text: 'No link' }) : h('span', {}, `${roleName(g.links[0].access_level)} via `, code(g.links[0].name))),
          },
          { label: 'Last change', render: (g) => time(g.updated_at) },
        ],
      }),
    ),
  );
}

// Members with their SCIM and SAML identities side by side: the view that shows, without a SAML
// tracer, which externalId SCIM stored and which NameID the IdP really sends.
import { badge, code, dash, h, time } from '../dom.js';
import { api } from '../api.js';
import { roleName, textField } from '../components/fields.js';
import { applyFilters, filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';
import { canManage } from './group-shell.js';
import { memberActions } from './group-member-actions.js';
import { inviteToLink } from './link-invitations.js';

/**
 * The row's identity problem, by the same rules and in the same order as the server's report
 * (the first that applies is the row's kind there), so a flag here always has a report row.
 */
export function identityProblem(member, hasScimToken) {
  // Identity data is shown to Owners and admins only; other members get no flags.
  if (!identityVisible(member)) return null;
  const scim = member.scim_identity;
  const saml = member.group_saml_identity;
  const observed = member.last_saml_sign_in?.name_id ?? null;
  const stored = saml?.extern_uid ?? scim?.extern_uid ?? null;
  if (scim && saml && scim.extern_uid !== saml.extern_uid) return 'SCIM externalId and SAML extern_uid differ';
  if (observed !== null && stored !== null && observed !== stored) return 'the last sign-in sent another NameID';
  // An instance admin, or someone an Owner marked: not using SAML is expected, as the report says.
  const expected = Boolean(member.identity_expected);
  if (!saml && !expected) return 'not linked to a SAML account';
  if (!saml) return scim && !scim.active ? 'SCIM identity is inactive' : null;
  if (!scim && hasScimToken && !expected) return 'no SCIM identity';
  if (scim && !scim.active) return 'SCIM identity is inactive';
  return null;
}

function identityVisible(member) {
  return 'group_saml_identity' in member;
}

function personCell(m, problem, groupId) {
  return h(
    'div',
    { class: 'person' },
    h(
      'div',
      { class: 'person-name' },
      h('span', { class: 'strong', text: m.name }),
      m.enterprise ? badge('Enterprise', 'info', 'Created by this group’s SCIM provisioning or in a verified domain') : null,
    ),
    h(
      'div',
      { class: 'person-meta' },
      h('span', { text: `@${m.username}` }),
      m.email ? h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }) : null,
      m.email ? h('span', { text: m.email }) : null,
    ),
    problem
      ? h(
          'a',
          { class: 'problem-link', href: `#/groups/${groupId}/saml/mismatches?user=${m.id}`, title: 'Open the identity-mismatch report' },
          h('span', { class: 'problem-icon', 'aria-hidden': 'true', text: '!' }),
          `Identity problem: ${problem}`,
        )
      : null,
  );
}

function scimCell(m) {
  if (!identityVisible(m)) return dash();
  if (!m.scim_identity) return h('span', { class: 'muted', text: 'None' });
  return h(
    'div',
    { class: 'stack' },
    code(m.scim_identity.extern_uid, { class: ['value', m.scim_identity.active ? null : 'value-inactive'].filter(Boolean).join(' ') }),
    m.scim_identity.active ? null : badge('Inactive', 'warning', 'Deprovisioned by the identity provider'),
  );
}

/** The SAML identity, with "Invite to link" beside it: the fix for "not linked" sits next to the problem. */
function samlCell(m, group) {
  if (!identityVisible(m)) return dash();
  const value = m.group_saml_identity ? code(m.group_saml_identity.extern_uid) : h('span', { class: 'muted', text: 'Not linked' });
  return h('div', { class: 'stack' }, value, inviteButton(group, m));
}

function signInCell(m) {
  const last = m.last_saml_sign_in;
  if (!last) return dash();
  return h(
    'div',
    { class: 'stack' },
    code(last.name_id),
    h(
      'span',
      { class: 'small muted' },
      time(last.at),
      last.outcome && !/^(success|signed_in|ok|accepted)/.test(last.outcome) ? h('span', {}, ' · ', badge(outcomeLabel(last.outcome), 'warning')) : null,
    ),
  );
}

const ROLE_SOURCES = { manual: 'Set by hand', scim_provisioning: 'SCIM default role', saml_sign_in: 'SAML default role' };

/** The role and where it comes from: "Developer — via Engineering" for group sync. */
function roleCell(m) {
  const role = roleName(m.access_level);
  if (!m.role_source) return role;
  if (m.role_source === 'group_sync') {
    const links = m.group_sync_links ?? [];
    return h(
      'div',
      { class: 'stack role-source' },
      h('span', {}, `${role} — via `, ...links.flatMap((l, i) => [i > 0 ? ', ' : null, h('em', { text: l })]).filter(Boolean)),
      badge('Group sync', 'info', 'Set by SAML group links'),
    );
  }
  return h('div', { class: 'stack role-source' }, h('span', { text: role }), h('span', { class: 'small muted', text: ROLE_SOURCES[m.role_source] ?? m.role_source }));
}

/**
 * "Invite to link": a one-time link that links the NameID the IdP sends to this member's account.
 * Offered where linking is the fix: no SAML identity yet, or the IdP now sends another NameID.
 */
function inviteButton(group, m) {
  if (m.state !== 'active') return null;
  const saml = m.group_saml_identity;
  const observed = m.last_saml_sign_in?.name_id;
  if (saml && (observed === undefined || observed === saml.extern_uid)) return null;
  return h('button', {
    type: 'button',
    class: 'button button-secondary button-small',
    text: 'Invite to link',
    'aria-label': `Invite ${m.name} to link their SAML account`,
    onclick: () => inviteToLink({ group, user: m }),
  });
}

function outcomeLabel(outcome) {
  return String(outcome).replace(/_/g, ' ');
}

export async function groupMembers(container, { group, signal, query: urlQuery = {} }) {
  let hasScimToken = false;
  // The search and the page position live in the address, so reload and Back keep them.
  const search = (urlQuery.search ?? '').trim();
  // Identity columns and the token state are for those who manage the group (the API gives
  // everyone else GitLab's public member fields only, and refuses the token state).
  const manager = canManage(group);
  const tokenState = manager
    ? api.get(`/groups/${group.id}/scim_token`, { signal }).then(
        (r) => Boolean(r.data?.exists),
        () => false,
      )
    : Promise.resolve(false);
  const list = listView({
    what: 'the member list',
    caption: 'Members',
    empty: 'No members match.',
    className: 'members-table',
    signal,
    address: urlQuery,
    keyset: { perPage: 20 },
    load: async ({ keyset, signal: s }) => {
      const query = { pagination: 'keyset', ...keyset, search };
      const [result, tokenExists] = await Promise.all([api.get(`/groups/${group.id}/members`, { query, signal: s }), tokenState]);
      hasScimToken = tokenExists;
      return result;
    },
    rowClass: (m) => (identityProblem(m, hasScimToken) ? 'row-flagged' : null),
    columns: [
      { label: 'Member', render: (m) => personCell(m, identityProblem(m, hasScimToken), group.id), className: 'col-person' },
      { label: 'Role', render: roleCell },
      { label: 'State', render: (m) => (m.state === 'active' ? badge('Active', 'success') : badge(m.state === 'blocked' ? 'Blocked' : m.state, 'danger')) },
      ...(manager
        ? [
            { label: 'SCIM externalId', render: scimCell },
            { label: 'SAML extern_uid', render: (m) => samlCell(m, group) },
            { label: 'Last SAML sign-in', render: signInCell },
            { label: 'Actions', className: 'col-actions', render: (m) => memberActions(group, m, () => list.refresh()) },
          ]
        : []),
    ],
  });
  const query = textField({ label: 'Search members', name: 'search', type: 'search', value: search, placeholder: 'Name, username or email', autocomplete: 'off' });
  const form = filterForm({
    fields: [query],
    onSubmit: (values) => applyFilters({ search: values.search }),
  });
  container.append(
    section(
      {
        title: 'Members',
        id: 'members',
        description: manager ? 'Each member’s stored SCIM externalId, SAML identity and last SAML sign-in. They must all be the same value.' : 'The people in this group and their roles.',
      },
      form,
      list.el,
    ),
  );
  await list.reload();
}

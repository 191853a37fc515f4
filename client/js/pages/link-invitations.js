// Link invitations (issue 16, point 2): an Owner invites an existing account to link the identity
// the group's IdP sends, without passwords or tokens. The URL carries a secret: shown once, here.
import { badge, code, dash, h, time, toast } from '../dom.js';
import { api } from '../api.js';
import { confirmDialog, messageDialog } from '../components/dialog.js';
import { copyField } from '../components/copy-field.js';
import { selectField } from '../components/fields.js';
import { filterForm, listView } from '../components/list-view.js';
import { notice, section } from '../components/layout.js';
import { navigate } from '../router.js';

const EXPIRY_DAYS = [1, 3, 7, 14, 30].map((d) => ({ value: d, label: d === 1 ? '1 day' : `${d} days` }));

const STATES = {
  active: { label: 'Active', tone: 'success' },
  used: { label: 'Used', tone: 'info' },
  expired: { label: 'Expired', tone: 'neutral' },
  revoked: { label: 'Revoked', tone: 'warning' },
};

/**
 * "Invite to link" for one account (`user`: id, name, username): asks for the expiry, creates the
 * invitation, then shows its URL once with a Copy button. Resolves to the invitation, or null.
 */
export async function inviteToLink({ group, user }) {
  const expiry = selectField({
    label: 'The link expires after',
    name: 'expires_in_days',
    value: 7,
    options: EXPIRY_DAYS,
    help: 'It works once. After this time it stops working, used or not.',
  });
  const created = await confirmDialog({
    title: `Invite ${user.name} to link`,
    confirmLabel: 'Create invitation',
    body: [
      h('p', {
        text: `${user.name} (@${user.username}) gets a link to open. It sends them to ${group.name}'s identity provider; the identity they sign in with there is linked to this Roster account and signs them in to it from then on. No password or token is needed.`,
      }),
      expiry.wrap,
    ],
    onConfirm: async () => (await api.post(`/groups/${group.id}/saml_link_invitations`, { user_id: user.id, expires_in_days: Number(expiry.input.value) })).data,
  });
  if (!created) return null;
  await messageDialog({
    title: 'Link invitation created',
    body: [
      h('p', { text: `Send this link to ${user.name}, for example by chat or email. It works once, until ${new Date(created.expires_at).toLocaleString()}.` }),
      copyField({ label: 'Invitation link', value: created.url, name: 'invitation-url', secret: true }),
      notice(
        'warning',
        'You won’t be able to see this link again. Anyone who has it can link their identity provider account to this Roster account, so share it only with them. If it goes astray, revoke it under Link invitations.',
      ),
    ],
  });
  return created;
}

function accountCell(i) {
  if (!i.user) return dash();
  return h(
    'div',
    { class: 'person' },
    h('div', { class: 'person-name' }, h('span', { class: 'strong', text: i.user.name })),
    h('div', { class: 'person-meta' }, h('span', { text: `@${i.user.username}` })),
  );
}

function stateCell(i) {
  const state = STATES[i.state] ?? { label: i.state, tone: 'neutral' };
  const note = i.state === 'used' ? time(i.used_at) : i.state === 'revoked' && i.revoked_by ? `by ${i.revoked_by.name}` : null;
  return h('div', { class: 'stack' }, badge(state.label, state.tone), note ? h('span', { class: 'small muted' }, note) : null);
}

/** Group › SAML SSO › Link invitations: every invitation with its state, and Revoke for active ones. */
export async function linkInvitations(container, { group, signal, query: urlQuery = {} }) {
  const endpoint = `/groups/${group.id}/saml_link_invitations`;
  // The filter and the page position live in the address, so reload and Back keep them.
  const state = STATES[urlQuery.state] ? urlQuery.state : '';
  const list = listView({
    what: 'the link invitations',
    caption: 'Link invitations',
    empty: state ? `No ${state} link invitations.` : 'No link invitations yet.',
    className: 'invitations-table',
    signal,
    address: urlQuery,
    load: ({ page, signal: s }) => api.get(endpoint, { query: { page, per_page: 20, state }, signal: s }),
    columns: [
      { label: 'Account', render: accountCell, className: 'col-person' },
      { label: 'State', render: stateCell },
      { label: 'Created', render: (i) => h('div', { class: 'stack' }, time(i.created_at), h('span', { class: 'small muted', text: `by ${i.created_by.name}` })) },
      { label: 'Expires', render: (i) => time(i.expires_at) },
      { label: 'Linked NameID', render: (i) => (i.used_extern_uid ? code(i.used_extern_uid) : dash()) },
      {
        label: 'Actions',
        hideLabel: true,
        render: (i) =>
          i.state === 'active'
            ? h('button', {
                type: 'button',
                class: 'button button-danger-outline button-small',
                text: 'Revoke',
                'aria-label': `Revoke the invitation for ${i.user?.name ?? 'this account'}`,
                onclick: () => revoke(i),
              })
            : null,
      },
    ],
  });
  const revoke = async (i) => {
    const done = await confirmDialog({
      title: `Revoke the invitation for ${i.user?.name ?? 'this account'}?`,
      danger: true,
      confirmLabel: 'Revoke invitation',
      body: [h('p', { text: 'The link stops working at once. Nothing that was already linked changes.' })],
      onConfirm: async () => {
        await api.delete(`${endpoint}/${i.id}`);
        return true;
      },
    });
    if (!done) return;
    toast('Invitation revoked');
    await list.refresh();
  };
  const stateField = selectField({ label: 'State', name: 'state', value: state, options: [{ value: '', label: 'All' }, ...Object.entries(STATES).map(([value, s]) => ({ value, label: s.label }))] });
  const form = filterForm({
    fields: [stateField],
    submitLabel: 'Filter',
    onSubmit: (values) => navigate(`#/groups/${group.id}/saml/link-invitations${values.state ? `?state=${values.state}` : ''}`),
  });
  container.append(
    section(
      {
        title: 'Link invitations',
        id: 'link-invitations',
        description:
          'One-time links that let a person link the identity the identity provider sends to their existing Roster account — the fix for “User is not linked to a SAML account”. Create one with Invite to link on the Members tab or in Troubleshoot sign-in.',
      },
      form,
      list.el,
    ),
  );
  await list.reload();
}

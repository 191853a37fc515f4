// Admin › Users › one account: block or unblock it, add, fix or remove its SAML identities, and
// issue or revoke its personal access tokens (the secret shown once). Every action goes through the
// same API rules as a script's (GitLab's PUT /users/:id provider + extern_uid, block/unblock, …).
import { badge, code, dash, h, replace, time, toast } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { confirmDialog } from '../components/dialog.js';
import { copyField } from '../components/copy-field.js';
import { dataTable } from '../components/data-table.js';
import { checkboxField, selectField, textField } from '../components/fields.js';
import { currentUser } from '../session.js';

const SCOPES = [
  { value: 'api', label: 'api — everything the person may do' },
  { value: 'read_api', label: 'read_api — read-only' },
  { value: 'read_user', label: 'read_user — read-only, user endpoints only' },
];

const button = (text, onclick, extra = {}) => h('button', { type: 'button', class: 'button button-secondary button-small', text, onclick, ...extra });

/** Problems the API reports per field, shown inside the dialog (it stays open). */
function fail(message) {
  throw Object.assign(new Error(message), { status: 400, serverMessage: message, fields: null });
}

async function setBlocked(user, blocked, refresh) {
  const verb = blocked ? 'Block' : 'Unblock';
  const done = await confirmDialog({
    title: `${verb} ${user.name}?`,
    confirmLabel: verb,
    danger: blocked,
    body: h('p', {
      text: blocked
        ? 'A blocked account cannot sign in, and its personal access tokens and sessions stop working. Nothing is deleted; unblocking restores access.'
        : 'The account can sign in again, and its personal access tokens work again.',
    }),
    onConfirm: () => api.post(`/users/${user.id}/${blocked ? 'block' : 'unblock'}`, {}),
  });
  if (done !== null) {
    toast(`${user.name} is ${blocked ? 'blocked' : 'unblocked'}`);
    await refresh();
  }
}

/** The identity's provider parameters: the instance's `saml`, or a group's `group_saml`. */
function providerParams(groupId) {
  return groupId === null || groupId === undefined ? { provider: 'saml' } : { provider: 'group_saml', group_id_for_saml: groupId };
}

async function editIdentity(user, identity, names, refresh) {
  const groups = [...names.entries()].map(([id, name]) => ({ value: String(id), label: name }));
  const scope = identity
    ? null
    : selectField({
        label: 'Scope',
        name: 'scope',
        value: groups[0]?.value ?? 'instance',
        options: [...groups, { value: 'instance', label: 'Instance (self-managed SAML)' }],
        help: 'Whose SAML sign-in this NameID is for: one group’s, or the instance’s.',
      });
  const value = textField({ label: 'extern_uid (the NameID the identity provider sends)', name: 'extern_uid', value: identity?.extern_uid ?? '', spellcheck: false, autocomplete: 'off' });
  const done = await confirmDialog({
    title: identity ? `Change ${user.name}'s SAML identity` : `Add a SAML identity for ${user.name}`,
    confirmLabel: identity ? 'Save' : 'Add',
    body: [scope?.wrap ?? null, value.wrap, h('p', { class: 'small muted', text: 'A value another person holds in the same scope is refused. The change is audited.' })],
    onConfirm: async () => {
      const externUid = value.input.value.trim();
      if (!externUid) fail('Enter the extern_uid');
      const groupId = identity ? identity.group_id : scope.input.value === 'instance' ? null : Number(scope.input.value);
      return api.put(`/users/${user.id}`, { ...providerParams(groupId), extern_uid: externUid });
    },
  });
  if (done !== null) {
    toast(`${user.name}'s SAML identity is saved`);
    await refresh();
  }
}

async function removeIdentity(user, identity, scopeLabel, refresh) {
  const params = providerParams(identity.group_id);
  const done = await confirmDialog({
    title: `Remove ${user.name}'s SAML identity in ${scopeLabel}?`,
    confirmLabel: 'Remove',
    danger: true,
    body: h('p', {}, 'The identity ', code(identity.extern_uid), ' is removed. They must link their account again at their next SAML sign-in.'),
    onConfirm: () => api.delete(`/users/${user.id}/identities/${params.provider}`, { query: params.group_id_for_saml ? { group_id_for_saml: params.group_id_for_saml } : {} }),
  });
  if (done !== null) {
    toast(`${user.name}'s SAML identity is removed`);
    await refresh();
  }
}

/** Issues a token and shows its secret once, in the dialog that follows. */
async function issueToken(user, refresh) {
  const name = textField({ label: 'Token name', name: 'name', autocomplete: 'off' });
  const scopes = SCOPES.map((s) => ({ ...s, field: checkboxField({ label: s.label, name: `scope-${s.value}`, checked: s.value === 'api' }) }));
  const expires = textField({
    label: 'Expires on (optional)',
    name: 'expires_at',
    type: 'date',
    help: 'The token stops working at 00:00 UTC on this day. Leave empty for a token that works until revoked.',
  });
  const created = await confirmDialog({
    title: `Issue a personal access token for ${user.name}`,
    confirmLabel: 'Issue token',
    body: [
      name.wrap,
      h(
        'fieldset',
        { class: 'checkbox-group' },
        h('legend', { text: 'Scopes' }),
        scopes.map((s) => s.field.wrap),
      ),
      expires.wrap,
    ],
    onConfirm: async () => {
      const chosen = scopes.filter((s) => s.field.input.checked).map((s) => s.value);
      if (!name.input.value.trim()) fail('Enter a token name');
      if (chosen.length === 0) fail('Choose at least one scope');
      const { data } = await api.post(`/users/${user.id}/personal_access_tokens`, {
        name: name.input.value.trim(),
        scopes: chosen,
        ...(expires.input.value ? { expires_at: expires.input.value } : {}),
      });
      return data;
    },
  });
  if (created === null) return;
  await refresh();
  await confirmDialog({
    title: 'Copy the new token now',
    confirmLabel: 'Done',
    body: [
      h('p', { text: `This is the only time the token "${created.name}" is shown. Roster keeps only its digest.` }),
      copyField({ label: 'Personal access token', name: 'pat', value: created.token, secret: true }),
    ],
    onConfirm: () => true,
  });
}

async function revokeToken(user, token, refresh) {
  const done = await confirmDialog({
    title: `Revoke the token "${token.name}"?`,
    confirmLabel: 'Revoke',
    danger: true,
    body: h('p', { text: `Scripts using it stop working at once. ${user.name}'s other tokens are not affected.` }),
    onConfirm: () => api.delete(`/personal_access_tokens/${token.id}`),
  });
  if (done !== null) {
    toast(`The token "${token.name}" is revoked`);
    await refresh();
  }
}

function tokenState(t) {
  if (t.revoked) return badge('Revoked', 'neutral');
  if (!t.active) return badge('Expired', 'warning');
  return badge('Active', 'success');
}

/**
 * The account's detail panel with its actions; `scopeName(groupId)` draws a scope, `names` maps the
 * groups with their names (for adding an identity), `onChange` refreshes the list row.
 */
export function userActions(userId, { names, scopeName, onChange }) {
  const slot = h('div', { class: 'identity-detail' }, h('p', { class: 'muted', text: 'Loading…' }));
  const load = async () => {
    try {
      const [{ data: user }, { data: tokens }] = await Promise.all([api.get(`/users/${userId}`), api.get('/personal_access_tokens', { query: { user_id: userId, per_page: 100 } })]);
      const refresh = load;
      // Blocking changes the row's State: the list redraws (and this panel with it).
      const refreshRow = async () => {
        await onChange?.();
      };
      const self = currentUser()?.id === user.id;
      replace(
        slot,
        h(
          'div',
          { class: 'detail-actions' },
          self ? null : user.state === 'blocked' ? button('Unblock', () => setBlocked(user, false, refreshRow)) : button('Block', () => setBlocked(user, true, refreshRow)),
          button('Add SAML identity', () => editIdentity(user, null, names, refresh)),
          button('Issue personal access token', () => issueToken(user, refresh)),
        ),
        h('h3', { class: 'detail-title', text: 'SAML identities' }),
        dataTable({
          caption: 'SAML identities',
          rows: user.identities ?? [],
          empty: 'No SAML identities.',
          columns: [
            { label: 'Provider', render: (i) => i.provider ?? 'group_saml' },
            { label: 'Scope', render: (i) => scopeName(i.group_id) },
            { label: 'extern_uid', render: (i) => code(i.extern_uid) },
            {
              label: 'Actions',
              render: (i) =>
                h(
                  'div',
                  { class: 'inline-row' },
                  button('Change', () => editIdentity(user, i, names, refresh), { 'aria-label': `Change the SAML identity ${i.extern_uid}` }),
                  button('Remove', () => removeIdentity(user, i, i.group_id === null ? 'the instance' : (names.get(i.group_id) ?? `group #${i.group_id}`), refresh), {
                    'aria-label': `Remove the SAML identity ${i.extern_uid}`,
                  }),
                ),
            },
          ],
        }),
        h('h3', { class: 'detail-title', text: 'SCIM identities' }),
        dataTable({
          caption: 'SCIM identities',
          rows: user.scim_identities ?? [],
          empty: 'No SCIM identities.',
          columns: [
            { label: 'Scope', render: (i) => scopeName(i.group_id) },
            { label: 'externalId', render: (i) => code(i.extern_uid) },
            { label: 'State', render: (i) => (i.active ? badge('Active', 'success') : badge('Inactive', 'warning')) },
          ],
        }),
        h('h3', { class: 'detail-title', text: 'Personal access tokens' }),
        dataTable({
          caption: 'Personal access tokens',
          rows: tokens ?? [],
          empty: 'No personal access tokens.',
          columns: [
            { label: 'Name', render: (t) => h('span', { class: 'strong', text: t.name }) },
            { label: 'Scopes', render: (t) => h('span', { text: (t.scopes ?? []).join(', ') }) },
            { label: 'Created', render: (t) => time(t.created_at) },
            { label: 'Last used', render: (t) => (t.last_used_at ? time(t.last_used_at) : dash()) },
            { label: 'Expires', render: (t) => (t.expires_at ? h('span', { text: t.expires_at }) : h('span', { class: 'muted', text: 'Never' })) },
            { label: 'State', render: tokenState },
            {
              label: 'Actions',
              render: (t) => (t.revoked ? dash() : button('Revoke', () => revokeToken(user, t, refresh), { 'aria-label': `Revoke the token ${t.name}` })),
            },
          ],
        }),
      );
    } catch (error) {
      replace(slot, errorNotice(error, 'this user'));
    }
  };
  void load();
  return slot;
}

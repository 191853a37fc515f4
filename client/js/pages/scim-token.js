// The SCIM endpoint URL and token of a group or the instance. The secret is shown once, right
// after it is generated; the server only ever returns its prefix afterwards.
import { code, h, replace, time } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { copyField } from '../components/copy-field.js';
import { confirmDialog } from '../components/dialog.js';
import { section } from '../components/layout.js';

/**
 * `providerEndpoint`: the scope's SAML settings. The SCIM API refuses every request until they
 * exist, which an owner would otherwise only learn from errors in the IdP.
 */
export async function scimTokenPanel(container, { endpoint, providerEndpoint, signal, scope = 'group' }) {
  let status;
  let provider;
  try {
    [status, provider] = await Promise.all([
      api.get(endpoint, { signal }).then((r) => r.data),
      providerEndpoint
        ? api.get(providerEndpoint, { signal }).then(
            (r) => r.data,
            () => null,
          )
        : null,
    ]);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    container.append(errorNotice(error, scope === 'group' ? 'this group' : 'the instance SCIM token'));
    return;
  }
  const statusSlot = h('div', { class: 'token-status' });
  const actionSlot = h('div', { class: 'token-actions' });
  const resultSlot = h('div', { class: 'token-result' });
  const errorSlot = h('div');

  const draw = () => {
    replace(statusSlot, statusLine(status));
    const button = status.exists
      ? h('button', { type: 'button', class: 'button button-danger-outline', text: 'Reset SCIM token', onclick: () => reset() })
      : h('button', { type: 'button', class: 'button button-primary', text: 'Generate a SCIM token', onclick: () => generate() });
    replace(actionSlot, button);
  };

  const showNewToken = (token) => {
    replace(
      resultSlot,
      h(
        'div',
        { class: 'notice notice-success new-token', role: 'status' },
        h('h3', { text: 'Your new SCIM token' }),
        copyField({ label: 'SCIM token', name: 'scim_token', value: token, secret: true }),
        h('p', {}, h('strong', { text: 'Copy it now: you won’t be able to see it again.' }), ' Enter it as the API token (Okta) or Secret Token (Entra ID) in your identity provider’s SCIM app.'),
      ),
    );
  };
  const focusToken = () => resultSlot.querySelector('input')?.focus();

  const issue = async () => {
    const { data } = await api.post(endpoint, {});
    // Show the secret before anything else can fail: it is never retrievable again.
    showNewToken(data.scim_token);
    try {
      status = (await api.get(endpoint)).data;
    } catch {
      status = { ...status, exists: true, token_prefix: data.scim_token.slice(0, 16), created_at: new Date().toISOString(), last_used_at: null };
    }
    draw();
    return true;
  };

  const generate = async () => {
    errorSlot.replaceChildren();
    actionSlot.querySelector('button').disabled = true;
    try {
      await issue();
      focusToken();
    } catch (error) {
      errorSlot.replaceChildren(errorNotice(error, 'the SCIM token'));
      actionSlot.querySelector('button').disabled = false;
    }
  };

  const reset = async () => {
    errorSlot.replaceChildren();
    const done = await confirmDialog({
      title: 'Reset the SCIM token?',
      danger: true,
      confirmLabel: 'Reset SCIM token',
      body: [
        h('p', { text: 'The current token stops working immediately.' }),
        h('p', {}, h('strong', { text: 'Provisioning stops until your identity provider gets the new token' }), ': until then, people added, changed or removed in the IdP are not updated here.'),
      ],
      onConfirm: issue,
    });
    if (done) focusToken();
    else actionSlot.querySelector('button')?.focus();
  };

  draw();
  container.append(
    section(
      {
        title: 'SCIM token',
        id: 'scim-token',
        description: 'Your identity provider uses the endpoint URL and this token to create, update and deactivate people.',
      },
      copyField({
        label: 'SCIM API endpoint URL',
        name: 'scim_api_url',
        value: status.scim_api_url,
        help: 'Enter it as the SCIM connector base URL (Okta) or Tenant URL (Entra ID).',
      }),
      provider && provider.configured === false
        ? h(
            'div',
            { class: 'notice notice-warning' },
            h('p', { text: 'SAML SSO is not configured yet, so the SCIM API refuses every request. Configure it first (the Configuration tab for a group, SAML settings for the instance).' }),
          )
        : null,
      statusSlot,
      errorSlot,
      resultSlot,
      actionSlot,
    ),
  );
}

function statusLine(status) {
  if (!status.exists) {
    return h('p', { class: 'muted', text: 'No SCIM token yet. Generate one, then enter it in your identity provider’s SCIM app.' });
  }
  return h(
    'dl',
    { class: 'facts' },
    h('div', {}, h('dt', { text: 'Token' }), h('dd', {}, code(`${status.token_prefix ?? ''}…`))),
    h('div', {}, h('dt', { text: 'Created' }), h('dd', {}, time(status.created_at))),
    h('div', {}, h('dt', { text: 'Last used' }), h('dd', {}, status.last_used_at ? time(status.last_used_at) : h('span', { class: 'muted', text: 'Never' }))),
  );
}

// SAML SSO configuration for a group or the instance: the SP's own URLs to hand to the IdP, and
// the form for the IdP's side.
import { badge, code, h, time } from '../dom.js';
import { api } from '../api.js';
import { describeError, errorNotice } from '../errors.js';
import { copyField } from '../components/copy-field.js';
import { ACCESS_LEVELS, checkboxField, selectField, showFieldErrors, textareaField, textField } from '../components/fields.js';
import { section } from '../components/layout.js';
import { confirmDialog } from '../components/dialog.js';
import { toast } from '../dom.js';

export async function samlConfiguration(container, { endpoint, signal, scope = 'group' }) {
  let provider;
  try {
    provider = (await api.get(endpoint, { signal })).data;
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    container.append(errorNotice(error, scope === 'group' ? 'this group' : 'the instance SAML settings'));
    return;
  }
  const who = scope === 'group' ? 'members of this group' : 'people on this instance';
  // The instance is a service provider of its own (self-managed sign-in, /users/auth/saml/), beside
  // each group's; its page says what its sign-in does, since that differs from a group's.
  const spDetails = scope === 'group' ? spSection(provider, who) : [instanceHelp(), spSection(provider, who)];
  let panel = certificatePanel(provider, endpoint);
  // After a save the panel shows what is now stored.
  const onSaved = (saved) => {
    const next = certificatePanel(saved, endpoint);
    panel.replaceWith(next);
    panel = next;
  };
  let form = providerForm(provider, endpoint, who, onSaved, scope);
  // An import fills several form fields at once: the form is rebuilt from what is now stored.
  const onImported = (saved) => {
    onSaved(saved);
    const next = providerForm(saved, endpoint, who, onSaved, scope);
    form.replaceWith(next);
    form = next;
  };
  container.append(...[spDetails].flat(), panel, metadataImport(endpoint, onImported), form);
}

function instanceHelp() {
  return h(
    'div',
    { class: 'notice notice-info', id: 'instance-saml-help' },
    h('p', {
      text: 'Instance SAML sign-in lets people sign in to Roster itself at the SSO URL below (or from the identity provider’s dashboard). The NameID is matched exactly against instance SAML identities — the ones instance SCIM provisioning creates, or that a person links by signing in to Roster first and then opening the SSO URL. A successful sign-in gives a Roster session; it adds no one to a group, and each group’s own SAML SSO keeps working as before.',
    }),
    h('p', {
      text: 'Refused sign-ins (not linked, no account, deprovisioned by instance SCIM, blocked) are in the audit log and in the Troubleshoot sign-in tab; identities that disagree with the NameID the IdP sends are in the Identity mismatches tab. These settings also apply to instance-level SCIM provisioning.',
    }),
  );
}

/**
 * Pasting (or choosing the file of) the IdP's SAML metadata fills the SSO URL, SLO URL, entity ID
 * and signing certificates in one step; the server reads it and says what is wrong with it.
 */
function metadataImport(endpoint, onImported) {
  const xml = textareaField({
    label: 'Identity provider metadata XML',
    name: 'metadata',
    rows: 6,
    placeholder: '<EntityDescriptor entityID="…" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">…</EntityDescriptor>',
    help: 'Okta: the app’s Sign On tab › Metadata URL (open it and copy the XML). Entra ID: Single sign-on › SAML certificates › Federation Metadata XML.',
  });
  const file = h('input', { type: 'file', id: 'idp-metadata-file', accept: '.xml,application/samlmetadata+xml,application/xml,text/xml', class: 'input' });
  const fileField = h('div', { class: 'field' }, h('label', { for: 'idp-metadata-file', class: 'field-label', text: 'Or choose the metadata file' }), file);
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) xml.input.value = await chosen.text();
  });
  const result = h('div');
  const submit = h('button', { type: 'submit', class: 'button button-secondary', text: 'Import metadata' });
  const form = h('form', { class: 'form', novalidate: true }, xml.wrap, fileField, result, h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.replaceChildren();
    xml.setError(null);
    submit.disabled = true;
    submit.textContent = 'Importing…';
    try {
      const saved = (await api.post(`${endpoint}/metadata`, { metadata: xml.input.value })).data;
      onImported(saved);
      const count = saved.certificates.length;
      const filled = [
        'the single sign-on URL',
        saved.slo_url ? 'the single logout URL' : null,
        'the entity ID',
        count === 1 ? 'its signing certificate' : `its ${count} signing certificates`,
      ].filter(Boolean);
      toast('Metadata imported');
      result.replaceChildren(
        h('p', { class: 'notice notice-success', role: 'status', text: `Imported ${filled.slice(0, -1).join(', ')} and ${filled.at(-1)} from ${saved.idp_entity_id}. Check the settings below.` }),
      );
      xml.input.value = '';
      file.value = '';
    } catch (error) {
      const leftover = showFieldErrors([xml], error);
      if (!error.fields || leftover.length) result.replaceChildren(errorNotice(error, 'the metadata'));
    } finally {
      submit.disabled = false;
      submit.textContent = 'Import metadata';
    }
  });
  return section(
    {
      title: 'Import identity provider metadata',
      id: 'idp-metadata-import',
      description: 'Fills in the IdP’s single sign-on URL, single logout URL, entity ID and signing certificates (up to two) from its SAML metadata. Whether SAML is enabled stays as it is.',
    },
    form,
  );
}

/**
 * The accepted IdP signing certificates (up to two, for rotation): which ones they are (SHA-256
 * fingerprint, subject) and when they stop working, with a warning from 30 days before.
 */
function certificatePanel(provider, endpoint) {
  const certificates = provider.certificates ?? [];
  const body = certificates.length
    ? certificates.map((c, i) => certificateCard(c, i === 0 ? 'Signing certificate' : 'Second signing certificate', i > 0))
    : [h('p', { class: 'muted', text: 'No signing certificate yet. Paste the one your identity provider shows in its SAML setup below.' })];
  return section(
    {
      title: 'Signing certificates',
      id: 'idp-certificates',
      description: 'Responses signed with either certificate are accepted. To rotate, add the IdP’s new certificate as the second one, let the IdP switch, then remove the old one.',
    },
    h('div', { class: 'certificate-list' }, body),
    spKeys(endpoint),
  );
}

/**
 * Roster's own key pairs for this provider: the current one signs logout messages and is the one
 * the metadata offers IdPs for encrypting assertions; older ones still decrypt until removed.
 */
function spKeys(endpoint) {
  const list = h('div', { class: 'certificate-list sp-key-list' }, h('p', { class: 'muted', text: 'Loading…' }));
  const status = h('div');
  const render = (keys) => list.replaceChildren(...keys.map((k, i) => spKeyCard({ ...k, endpoint: `${endpoint}/sp_keys/${k.id}` }, i, reload)));
  async function reload() {
    try {
      render((await api.get(`${endpoint}/sp_keys`)).data);
    } catch (error) {
      list.replaceChildren(errorNotice(error, 'the service provider keys'));
    }
  }
  const generate = h('button', { type: 'button', class: 'button button-secondary', text: 'Generate a new key' });
  generate.addEventListener('click', async () => {
    const keys = await confirmDialog({
      title: 'Generate a new service provider key?',
      body: h('p', {
        text: 'The new key is published in the SAML metadata for encryption and signs logout messages from now on. The current key keeps decrypting assertions until you remove it, so update the encryption certificate in the identity provider first.',
      }),
      confirmLabel: 'Generate key',
      onConfirm: async () => (await api.post(`${endpoint}/sp_keys`)).data,
    });
    if (!keys) return;
    render(keys);
    toast('New service provider key generated');
    status.replaceChildren(
      h('p', { class: 'notice notice-success', role: 'status', text: 'Generated. Give the identity provider the new certificate from the SAML metadata, then remove the previous key.' }),
    );
  });
  reload();
  return h(
    'div',
    { class: 'sp-keys' },
    h('h3', { text: 'Roster’s keys for this provider' }),
    h('p', { class: 'muted', text: 'Identity providers encrypt assertions to the current key (it is in the SAML metadata); previous keys still decrypt until you remove them.' }),
    list,
    status,
    h('div', { class: 'form-actions' }, generate),
  );
}

function spKeyCard(k, index, reload) {
  const label = k.current ? 'Current service provider key' : `Previous service provider key ${index}`;
  const row = (key, value) => h('div', { class: 'kv' }, h('span', { class: 'kv-key', text: key }), value);
  const remove = k.current
    ? null
    : h('button', {
        type: 'button',
        class: 'button button-danger button-small',
        text: 'Remove',
        onclick: async () => {
          const done = await confirmDialog({
            title: 'Remove this service provider key?',
            body: h('p', { text: 'Assertions the identity provider still encrypts to this key will be refused. Remove it once the identity provider uses the current key.' }),
            confirmLabel: 'Remove key',
            danger: true,
            onConfirm: () => api.delete(`${k.endpoint}`).then(() => true),
          });
          if (done) {
            toast('Service provider key removed');
            reload();
          }
        },
      });
  return h(
    'article',
    { class: 'sp-key', 'aria-label': label },
    h('div', { class: 'inline-row' }, h('h3', { text: label }), k.current ? badge('Signs and decrypts', 'success') : badge('Decrypts only', 'neutral'), remove),
    row('SHA-256 fingerprint', code(k.fingerprint_sha256, { class: 'value fingerprint' })),
    row('Subject', h('span', { text: k.subject })),
    row('Valid until', time(k.valid_to)),
    row('Created', time(k.created_at)),
  );
}

function certificateCard(c, label, second) {
  const state = c.expired ? badge('Expired', 'danger') : c.expiring_soon ? badge(`Expires in ${c.days_left} days`, 'warning') : badge('Valid', 'success');
  const next = second ? 'Replace it with the identity provider’s next certificate' : 'Add the identity provider’s next certificate as the second certificate';
  const warning = c.expired
    ? h('p', { class: 'notice notice-error', role: 'alert', text: `This certificate has expired. ${next}, so sign-ins keep working while the IdP switches.` })
    : c.expiring_soon
      ? h('p', { class: 'notice notice-warning', role: 'status', text: `This certificate expires in ${c.days_left} days. ${next} before then, so sign-ins keep working while the IdP switches.` })
      : null;
  const row = (key, value) => h('div', { class: 'kv' }, h('span', { class: 'kv-key', text: key }), value);
  return h(
    'article',
    { class: 'certificate', 'aria-label': label },
    h('div', { class: 'inline-row' }, h('h3', { text: label }), state),
    row('SHA-256 fingerprint', code(c.fingerprint_sha256, { class: 'value fingerprint' })),
    row('Subject', h('span', { text: c.subject })),
    row('Issuer', h('span', { text: c.issuer })),
    row('Valid until', time(c.valid_to)),
    warning,
  );
}

function spSection(provider, who) {
  return section(
    {
      title: 'Service provider details',
      id: 'sp-details',
      description: 'Enter these values in your identity provider’s SAML app for Roster.',
    },
    h(
      'div',
      { class: 'grid-2' },
      copyField({ label: 'SSO URL', name: 'sso_start_url', value: provider.sso_start_url, help: `What ${who} open to sign in; use it as the app’s sign-in URL in the IdP dashboard.` }),
      copyField({ label: 'Metadata URL', name: 'metadata_url', value: provider.metadata_url, help: 'Roster’s SAML metadata, for IdPs that import it.' }),
      copyField({ label: 'Assertion consumer service URL', name: 'acs_url', value: provider.acs_url, help: 'Also called Single sign-on URL (Okta) or Reply URL (Entra ID).' }),
      copyField({ label: 'Identifier (entity ID)', name: 'sp_entity_id', value: provider.sp_entity_id, help: 'Also called Audience URI (Okta) or Identifier (Entra ID).' }),
    ),
  );
}

function providerForm(provider, endpoint, who, onSaved, scope) {
  const enabled = checkboxField({
    label: 'Enable SAML authentication',
    name: 'enabled',
    checked: provider.enabled,
    help: `Lets ${who} sign in through the identity provider at the SSO URL above. When off, SAML sign-ins are refused; SCIM provisioning keeps working.`,
  });
  const ssoUrl = textField({
    label: 'Identity provider single sign-on URL',
    name: 'sso_url',
    type: 'url',
    value: provider.sso_url ?? '',
    spellcheck: false,
    placeholder: 'https://idp.example.com/app/…/sso/saml',
    help: 'Where Roster sends people who open the SSO URL, to sign in at the IdP. Your IdP shows it in the app’s SAML setup.',
  });
  const sloUrl = textField({
    label: 'Identity provider single logout URL (optional)',
    name: 'slo_url',
    type: 'url',
    value: provider.slo_url ?? '',
    spellcheck: false,
    placeholder: 'https://idp.example.com/app/…/slo/saml',
    help: 'When set, signing out of Roster after a SAML sign-in also signs out at the IdP (single logout).',
  });
  const certificate = textareaField({
    label: 'Identity provider signing certificate',
    name: 'certificate',
    value: provider.certificate ?? '',
    rows: 7,
    placeholder: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
    help: 'The X.509 certificate the IdP signs responses with, in PEM form. Responses signed with any other key are refused.',
  });
  const secondCertificate = textareaField({
    label: 'Second signing certificate (optional, for rotation)',
    name: 'secondary_certificate',
    value: provider.secondary_certificate ?? '',
    rows: 5,
    placeholder: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
    help: 'The IdP’s next (or previous) certificate. Both are accepted until you remove one.',
  });
  const entityId = textField({
    label: 'Identity provider entity ID (optional)',
    name: 'idp_entity_id',
    value: provider.idp_entity_id ?? '',
    spellcheck: false,
    placeholder: 'http://www.okta.com/exk… or https://sts.windows.net/<tenant>/',
    help: 'Also called Issuer. When set, responses from any other issuer are refused. Compared exactly.',
  });
  const wantSigned = checkboxField({
    label: 'Responses must sign the assertion',
    name: 'want_assertions_signed',
    checked: provider.want_assertions_signed,
    help: 'Refuse responses where only the outer response is signed. Roster’s metadata tells the IdP (WantAssertionsSigned).',
  });
  const requireEncrypted = checkboxField({
    label: 'Require encrypted assertions',
    name: 'require_encrypted_assertions',
    checked: provider.require_encrypted_assertions,
    help: 'Refuse assertions the identity provider sends in clear. Turn on encryption in the IdP’s SAML app first, with the encryption certificate from Roster’s SAML metadata.',
  });
  const enforced = checkboxField({
    label: 'Enforce SSO-only authentication',
    name: 'enforced_sso',
    checked: provider.enforced_sso,
    help: 'When on, the IdP decides who gets in: a person whose SCIM identity here was deactivated is refused at SAML sign-in until the IdP reactivates them, and SCIM provisioning links an existing account only if that account has already signed in here with SAML (otherwise the IdP gets a 412 and the audit log says why). When off, a deactivated person can still sign in, and SCIM links existing accounts by email. Personal access tokens are not affected.',
  });
  const role = selectField({
    label: 'Default membership role',
    name: 'default_membership_role',
    value: provider.default_membership_role,
    options: ACCESS_LEVELS,
    help: 'The role given to people who join by signing in with SAML and to people SCIM provisions or adds back. People who are already members keep their role.',
  });
  const groupsAttribute = textField({
    label: 'Groups attribute',
    name: 'groups_attribute',
    value: provider.groups_attribute ?? 'groups',
    spellcheck: false,
    help: 'The assertion attribute that lists the person’s IdP groups, for group links. Entra ID’s groups claim is always read too.',
  });
  // Welcome emails name the group and its SSO URL, so they exist only for groups.
  const isGroup = scope === 'group';
  const welcome = isGroup
    ? checkboxField({
        label: 'Send a welcome email',
        name: 'welcome_email',
        checked: provider.welcome_email,
        help: 'When SCIM provisioning creates an account or links an existing one, Roster emails the person this group’s name and its SSO URL. Messages are queued and sent by the mail server set in SMTP_URL; without it they wait in Admin area › Email outbox.',
      })
    : null;
  const welcomeAgain = isGroup
    ? checkboxField({
        label: 'Also welcome people who are added back',
        name: 'welcome_email_on_reactivation',
        checked: provider.welcome_email_on_reactivation,
        help: 'Send the welcome again when SCIM reactivates someone who had been removed from the group.',
      })
    : null;
  const fields = [enabled, ssoUrl, sloUrl, certificate, secondCertificate, entityId, wantSigned, requireEncrypted, enforced, role, groupsAttribute, welcome, welcomeAgain].filter(Boolean);
  const formError = h('div');
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Save changes' });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    fields.map((f) => f.wrap),
    formError,
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.replaceChildren();
    showFieldErrors(fields, null);
    submit.disabled = true;
    submit.textContent = 'Saving…';
    try {
      const saved = await api.put(endpoint, {
        enabled: enabled.input.checked,
        sso_url: ssoUrl.input.value.trim() || null,
        slo_url: sloUrl.input.value.trim() || null,
        certificate: certificate.input.value.trim() || null,
        secondary_certificate: secondCertificate.input.value.trim() || null,
        idp_entity_id: entityId.input.value.trim() || null,
        want_assertions_signed: wantSigned.input.checked,
        require_encrypted_assertions: requireEncrypted.input.checked,
        enforced_sso: enforced.input.checked,
        default_membership_role: Number(role.input.value),
        groups_attribute: groupsAttribute.input.value.trim() || null,
        ...(isGroup ? { welcome_email: welcome.input.checked, welcome_email_on_reactivation: welcomeAgain.input.checked } : {}),
      });
      onSaved(saved.data);
      toast('SAML settings saved');
      formError.replaceChildren(h('p', { class: 'notice notice-success', role: 'status', text: 'Saved. Sign-ins use the new settings from now on.' }));
    } catch (error) {
      const leftover = showFieldErrors(fields, error);
      if (!error.fields || leftover.length) {
        const target = guessField(fields, error);
        if (target) {
          target.setError(describeError(error));
          target.input.focus();
        } else formError.replaceChildren(errorNotice(error, 'the SAML settings'));
      }
    } finally {
      submit.disabled = false;
      submit.textContent = 'Save changes';
    }
  });
  return section({ title: 'Identity provider', id: 'idp-settings', description: 'How Roster trusts your identity provider.' }, form);
}

/** Plain-message validation errors usually name their field ("Invalid certificate"). */
function guessField(fields, error) {
  const message = (error.serverMessage ?? '').toLowerCase();
  if (error.status !== 400 && error.status !== 422) return null;
  if (message.includes('entity')) return fields.find((f) => f.name === 'idp_entity_id');
  if (message.includes('secondary_certificate')) return fields.find((f) => f.name === 'secondary_certificate');
  if (message.includes('certificate')) return fields.find((f) => f.name === 'certificate');
  if (message.includes('url')) return fields.find((f) => f.name === 'sso_url');
  if (message.includes('role')) return fields.find((f) => f.name === 'default_membership_role');
  return null;
}

// SAML SSO › Troubleshoot sign-in: "why can't this person sign in?" in one search. The search is in
// the URL (?q=), so a reload, Back, or a link from a refusal page shows the same answer.
import { badge, code, dash, h, time } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { navigate } from '../router.js';
import { textField, roleName } from '../components/fields.js';
import { filterForm } from '../components/list-view.js';
import { notice, section } from '../components/layout.js';
import { inviteToLink } from './link-invitations.js';

const STATUS = {
  can_sign_in: { label: 'Can sign in', tone: 'success' },
  cannot_sign_in: { label: 'Cannot sign in', tone: 'danger' },
  unknown: { label: 'Not sure yet', tone: 'warning' },
};

const SOURCES = { audit: 'Audit event', sign_in: 'Sign-in', scim_request: 'SCIM request' };

function facts(person) {
  const item = (label, value) => [h('dt', { text: label }), h('dd', {}, value ?? dash())];
  return h(
    'dl',
    { class: 'values-list' },
    item('Membership', person.member ? `${roleName(person.member.access_level)}${person.member.expires_at ? ` until ${person.member.expires_at}` : ''}` : 'Not a member'),
    item(
      'SCIM externalId',
      person.scim_identity ? [code(person.scim_identity.extern_uid), person.scim_identity.active ? '' : ' ', person.scim_identity.active ? null : badge('inactive', 'warning')] : null,
    ),
    item('SAML extern_uid', person.saml_identity ? code(person.saml_identity.extern_uid) : null),
    item('Last NameID', person.last_sign_in ? [code(person.last_sign_in.name_id), h('div', { class: 'small muted' }, time(person.last_sign_in.at))] : null),
  );
}

function timeline(entries) {
  if (entries.length === 0) return h('p', { class: 'muted small', text: 'Nothing recorded yet.' });
  return h(
    'ol',
    { class: 'timeline' },
    entries.map((e) => h('li', {}, h('div', { class: 'timeline-meta small muted' }, time(e.at), ' · ', SOURCES[e.source] ?? e.source), h('div', { class: 'timeline-text', text: e.summary }))),
  );
}

/** For a group: a person with an active account but no SAML identity here can be sent a link invitation. */
function inviteAction(person, group) {
  if (!group || !person.user || person.saml_identity || person.user.state !== 'active') return null;
  // Owners may invite members only (the API refuses the rest); admins anyone, a removed member too.
  if (!person.member && group.permissions?.is_admin !== true) return null;
  return h(
    'div',
    { class: 'form-actions' },
    h('button', {
      type: 'button',
      class: 'button button-primary',
      text: 'Invite to link',
      'aria-label': `Invite ${person.user.name} to link their SAML account`,
      onclick: () => inviteToLink({ group, user: person.user }),
    }),
  );
}

function personCard(person, group) {
  const status = STATUS[person.verdict.status] ?? STATUS.unknown;
  const title = person.user ? `${person.user.name} (@${person.user.username})` : `Unknown NameID ${person.name_id}`;
  return h(
    'article',
    { class: 'diagnosis', 'aria-label': title },
    h(
      'header',
      { class: 'diagnosis-header' },
      h('h3', { text: title }),
      badge(status.label, status.tone),
      person.user ? h('span', { class: 'small muted', text: person.user.email }) : null,
      person.user?.state === 'blocked' ? badge('blocked', 'danger') : null,
    ),
    h('p', { class: 'diagnosis-verdict', text: person.verdict.summary }),
    person.verdict.fix.length > 0
      ? h(
          'div',
          {},
          h('h4', { class: 'small', text: 'How to fix it' }),
          h(
            'ol',
            { class: 'diagnosis-fix' },
            person.verdict.fix.map((f) => h('li', { text: f })),
          ),
        )
      : null,
    person.verdict.warnings.length > 0
      ? notice(
          'warning',
          h(
            'ul',
            {},
            person.verdict.warnings.map((w) => h('li', { text: w })),
          ),
        )
      : null,
    inviteAction(person, group),
    h(
      'div',
      { class: 'diagnosis-body' },
      h('div', {}, h('h4', { class: 'small', text: 'Identities' }), facts(person)),
      h('div', {}, h('h4', { class: 'small', text: 'What happened, newest first' }), timeline(person.timeline)),
    ),
  );
}

/**
 * The troubleshooter for a scope: `endpoint` is the diagnosis API, `here` the page's own address,
 * `where` names the scope in sentences, `group` (for a group's troubleshooter) enables "Invite to link".
 */
export async function signInTroubleshooter(container, { endpoint, here, query, signal, where = 'this group', group }) {
  const q = (query.q ?? '').trim();
  const search = textField({ label: 'Name, email, username, externalId or NameID', name: 'q', value: q, spellcheck: false, autocomplete: 'off' });
  const results = h('div', { class: 'diagnosis-results', 'aria-live': 'polite' });
  container.append(
    section(
      {
        title: 'Troubleshoot sign-in',
        id: 'troubleshoot',
        description: 'Find out why someone cannot sign in with SAML: current members, people who were removed, and NameIDs the identity provider sent that matched nobody.',
      },
      filterForm({ fields: [search], submitLabel: 'Troubleshoot', onSubmit: ({ q: next }) => navigate(`${here}${next ? `?q=${encodeURIComponent(next)}` : ''}`) }),
      results,
    ),
  );
  if (!q) return;
  results.append(h('p', { class: 'muted', text: 'Looking…' }));
  try {
    const { data } = await api.get(endpoint, { query: { q }, signal });
    const found = [
      // About the whole scope, whoever was searched: responses refused before anyone could be named.
      ...(data.scope_warnings ?? []).map((text) => notice('warning', text)),
      data.people.length === 0 ? h('p', { class: 'empty', text: `Nobody connected to ${where} matches “${q}”: no member, no identity, and no sign-in with that NameID or email.` }) : null,
      ...data.people.map((person) => personCard(person, group)),
      data.truncated ? notice('info', 'More people match than are shown: search by email, externalId or NameID to find one person.') : null,
    ];
    results.replaceChildren(...found.filter(Boolean));
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    results.replaceChildren(errorNotice(error, 'the sign-in diagnosis'));
  }
}

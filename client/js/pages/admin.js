// Admin area: the instance's SCIM token and SAML settings (with its identity-mismatch report and
// sign-in troubleshooter), users, instance-wide logs and the email outbox.
import { h } from '../dom.js';
import { breadcrumbs, pageHeader, setTitle, tabs } from '../components/layout.js';
import { currentUser } from '../session.js';
import { adminUsers } from './admin-users.js';
import { identityMismatches } from './identity-mismatches.js';
import { signInTroubleshooter } from './sign-in-troubleshooter.js';
import { emailOutbox } from './admin-email-outbox.js';
import { auditEventsView } from './audit-events.js';
import { samlConfiguration } from './saml-configuration.js';
import { scimRequestsView } from './scim-requests.js';
import { scimTokenPanel } from './scim-token.js';

const SECTIONS = [
  { key: 'scim-token', label: 'SCIM token' },
  { key: 'saml', label: 'SAML settings' },
  { key: 'identity-mismatches', label: 'Identity mismatches' },
  { key: 'sign-in-troubleshooter', label: 'Troubleshoot sign-in' },
  { key: 'users', label: 'Users' },
  { key: 'audit-events', label: 'Audit events' },
  { key: 'scim-requests', label: 'SCIM requests' },
  { key: 'email-outbox', label: 'Email outbox' },
];

export async function adminPage(main, { params, query, signal }) {
  const active = SECTIONS.find((s) => s.key === params.section) ?? SECTIONS[0];
  setTitle(active.label, 'Admin');
  main.append(
    breadcrumbs([{ label: 'Admin area', href: '#/admin' }, { label: active.label }]),
    pageHeader({ title: 'Admin area', subtitle: 'Instance-wide provisioning, sign-in settings and accounts.' }),
  );
  if (!currentUser()?.is_admin) {
    main.append(h('div', { class: 'notice notice-error', role: 'alert' }, h('p', { text: 'Only instance administrators can open the admin area.' })));
    return;
  }
  const body = h('div', { class: 'section-stack' });
  main.append(
    tabs(
      SECTIONS.map((s) => ({ label: s.label, href: `#/admin/${s.key}`, active: s.key === active.key })),
      'Admin sections',
    ),
    body,
  );
  switch (active.key) {
    case 'scim-token':
      return scimTokenPanel(body, { endpoint: '/application/scim_token', providerEndpoint: '/application/saml_provider', signal, scope: 'instance' });
    case 'saml':
      return samlConfiguration(body, { endpoint: '/application/saml_provider', signal, scope: 'instance' });
    case 'identity-mismatches':
      return identityMismatches(body, { endpoint: '/application/identity_mismatches', instance: true, signal, query: query ?? {} });
    case 'sign-in-troubleshooter':
      return signInTroubleshooter(body, { endpoint: '/application/sign_in_diagnosis', here: '#/admin/sign-in-troubleshooter', query: query ?? {}, signal, where: 'the instance' });
    case 'users':
      return adminUsers(body, { signal, query });
    case 'audit-events':
      return auditEventsView(body, { endpoint: '/audit_events', signal, query, description: 'Events from every group and the instance, newest first.' });
    case 'scim-requests':
      return scimRequestsView(body, { endpoint: '/application/scim_requests', signal, query, description: 'Requests to the instance SCIM API, newest first. Open a row to see the body it sent.' });
    case 'email-outbox':
      return emailOutbox(body, { signal, query });
  }
}

// The frame around every group page: breadcrumb, heading and the group's tabs.
import { code, h } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { breadcrumbs, pageHeader, setTitle, tabs } from '../components/layout.js';

// `manage`: only for those who manage the group (Owners and admins); the API refuses the others,
// so the UI does not offer what would only answer 403.
export const GROUP_TABS = [
  { key: 'saml', label: 'SAML SSO', path: 'saml/configuration' },
  { key: 'audit-events', label: 'Audit events', path: 'audit-events', manage: true },
  { key: 'scim-requests', label: 'SCIM requests', path: 'scim-requests', manage: true },
];

export const SAML_SECTIONS = [
  { key: 'configuration', label: 'Configuration', manage: true },
  { key: 'scim-token', label: 'SCIM token', manage: true },
  { key: 'group-links', label: 'Group links', manage: true },
  { key: 'scim-groups', label: 'SCIM groups', manage: true },
  { key: 'members', label: 'Members' },
  { key: 'domains', label: 'Verified domains', manage: true },
  { key: 'mismatches', label: 'Identity mismatches', manage: true },
  { key: 'troubleshoot', label: 'Troubleshoot sign-in', manage: true },
  { key: 'link-invitations', label: 'Link invitations', manage: true },
];

/** Whether the signed-in person manages the group (GET /groups/:id says so in `permissions`). */
export function canManage(group) {
  return group.permissions?.can_manage === true;
}

/** The sections and tabs this person may open. */
export function allowed(items, group) {
  return items.filter((item) => !item.manage || canManage(group));
}

/** Loads the group and draws the frame; returns null (with the error shown) if it cannot. */
export async function groupShell(main, { params, signal }, active, pageLabel) {
  let group;
  try {
    group = (await api.get(`/groups/${encodeURIComponent(params.id)}`, { signal })).data;
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    main.append(breadcrumbs([{ label: 'Groups', href: '#/groups' }, { label: 'Group' }]), errorNotice(error, 'this group'));
    return null;
  }
  setTitle(pageLabel, group.name);
  const content = h('div', { class: 'group-content' });
  main.append(
    breadcrumbs([{ label: 'Groups', href: '#/groups' }, { label: group.name, href: `#/groups/${group.id}/saml/${canManage(group) ? 'configuration' : 'members'}` }, { label: pageLabel }]),
    pageHeader({ title: group.name, subtitle: h('span', {}, 'Path ', code(group.path)) }),
    tabs(
      allowed(GROUP_TABS, group).map((t) => ({ label: t.label, href: `#/groups/${group.id}/${t.key === 'saml' && !canManage(group) ? 'saml/members' : t.path}`, active: t.key === active })),
      'Group pages',
    ),
    content,
  );
  return { group, content };
}

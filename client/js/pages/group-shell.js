// The frame around every group page: breadcrumb, heading and the group's tabs.
import { code, h } from '../dom.js';
import { api } from '../api.js';
import { errorNotice } from '../errors.js';
import { breadcrumbs, pageHeader, setTitle, tabs } from '../components/layout.js';

export const GROUP_TABS = [
  { key: 'saml', label: 'SAML SSO', path: 'saml/configuration' },
  { key: 'audit-events', label: 'Audit events', path: 'audit-events' },
  { key: 'scim-requests', label: 'SCIM requests', path: 'scim-requests' },
];

export const SAML_SECTIONS = [
  { key: 'configuration', label: 'Configuration' },
  { key: 'scim-token', label: 'SCIM token' },
  { key: 'members', label: 'Members' },
  { key: 'mismatches', label: 'Identity mismatches' },
  { key: 'troubleshoot', label: 'Troubleshoot sign-in' },
];

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
    breadcrumbs([{ label: 'Groups', href: '#/groups' }, { label: group.name, href: `#/groups/${group.id}/saml/configuration` }, { label: pageLabel }]),
    pageHeader({ title: group.name, subtitle: h('span', {}, 'Path ', code(group.path)) }),
    tabs(
      GROUP_TABS.map((t) => ({ label: t.label, href: `#/groups/${group.id}/${t.path}`, active: t.key === active })),
      'Group pages',
    ),
    content,
  );
  return { group, content };
}

// Group › SAML SSO: configuration, SCIM token, group links, SCIM groups, members, verified domains,
// the identity-mismatch report, the troubleshooter and link invitations.
import { formatCount, h } from '../dom.js';
import { api } from '../api.js';
import { setTitle, tabs } from '../components/layout.js';
import { record } from '../router.js';
import { allowed, canManage, groupShell, SAML_SECTIONS } from './group-shell.js';
import { groupLinks } from './group-links.js';
import { groupMembers } from './group-members.js';
import { identityMismatches } from './identity-mismatches.js';
import { samlConfiguration } from './saml-configuration.js';
import { scimGroupsView } from './scim-groups.js';
import { scimTokenPanel } from './scim-token.js';
import { signInTroubleshooter } from './sign-in-troubleshooter.js';
import { linkInvitations } from './link-invitations.js';
import { verifiedDomains } from './verified-domains.js';

export async function groupSamlPage(main, ctx) {
  const shell = await groupShell(main, ctx, 'saml', 'SAML SSO');
  if (!shell) return;
  const { group, content } = shell;
  const sections = allowed(SAML_SECTIONS, group);
  const active = sections.find((s) => s.key === ctx.params.section) ?? sections.find((s) => s.key === 'members');
  // A section this person may not open (the default Configuration, for a Developer): show the one
  // they may, and say so in the address bar, without a request that would only answer 403.
  if (active.key !== ctx.params.section) record(`#/groups/${group.id}/saml/${active.key}`, { replace: true });
  setTitle(active.label, 'SAML SSO', group.name);
  const countSlot = h('span', { class: 'tab-count', hidden: true });
  const setCount = (total) => {
    countSlot.hidden = !total;
    countSlot.textContent = total ? formatCount(total) : '';
    countSlot.setAttribute('aria-label', total ? `${total} problems` : '');
  };
  const nav = tabs(
    sections.map((s) => ({ label: s.label, href: `#/groups/${group.id}/saml/${s.key}`, active: s.key === active.key })),
    'SAML SSO sections',
    'subtabs',
  );
  nav.querySelector(`a[href$="/saml/mismatches"]`)?.append(countSlot);
  const body = h('div', { class: 'section-stack' });
  content.append(nav, body);
  if (active.key !== 'mismatches' && canManage(group)) {
    // The report's size on its tab, so a problem is visible from every section. Owners and admins only.
    api.get(`/groups/${group.id}/identity_mismatches`, { query: { per_page: 1 }, signal: ctx.signal }).then(
      (r) => setCount(r.page?.total ?? 0),
      () => {},
    );
  }
  const args = { group, signal: ctx.signal, query: ctx.query };
  switch (active.key) {
    case 'configuration':
      return samlConfiguration(body, { endpoint: `/groups/${group.id}/saml_provider`, signal: ctx.signal });
    case 'scim-token':
      return scimTokenPanel(body, { endpoint: `/groups/${group.id}/scim_token`, providerEndpoint: `/groups/${group.id}/saml_provider`, signal: ctx.signal });
    case 'group-links':
      return groupLinks(body, args);
    case 'scim-groups':
      return scimGroupsView(body, args);
    case 'members':
      return groupMembers(body, args);
    case 'domains':
      return verifiedDomains(body, args);
    case 'mismatches':
      return identityMismatches(body, { ...args, onCount: setCount });
    case 'troubleshoot':
      return signInTroubleshooter(body, { endpoint: `/groups/${group.id}/sign_in_diagnosis`, here: `#/groups/${group.id}/saml/troubleshoot`, query: ctx.query, signal: ctx.signal, group });
    case 'link-invitations':
      return linkInvitations(body, args);
  }
}

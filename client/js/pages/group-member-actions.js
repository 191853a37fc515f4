// Group › Members › one member: change the role or remove them, behind a confirmation. The API
// keeps the rules (last Owner, roles set by group sync); its refusal appears inside the dialog,
// which stays open, in the server's words ("Cannot remove last group owner").
import { h, toast } from '../dom.js';
import { api } from '../api.js';
import { confirmDialog } from '../components/dialog.js';
import { ACCESS_LEVELS, roleName, selectField } from '../components/fields.js';

const button = (text, onclick, label) => h('button', { type: 'button', class: 'button button-secondary button-small', text, onclick, 'aria-label': label });

async function changeRole(group, member, refresh) {
  const role = selectField({
    label: 'Role',
    name: 'access_level',
    value: member.access_level,
    options: ACCESS_LEVELS.map((l) => ({ value: String(l.value), label: l.label })),
  });
  const done = await confirmDialog({
    title: `Change ${member.name}'s role`,
    confirmLabel: 'Change role',
    body: [
      h('p', { text: `${member.name} is ${roleName(member.access_level)} in ${group.name}. The change takes effect at once and is audited.` }),
      role.wrap,
      member.role_source === 'group_sync' ? h('p', { class: 'small muted', text: 'This role is set by SAML group links: change the link or the person’s IdP groups instead.' }) : null,
    ],
    onConfirm: async () => {
      const level = Number(role.input.value);
      if (level === Number(member.access_level)) return { unchanged: true };
      await api.put(`/groups/${group.id}/members/${member.id}`, { access_level: level });
      return { level };
    },
  });
  if (done === null || done.unchanged) return;
  toast(`${member.name} is now ${roleName(done.level)}`);
  await refresh();
}

async function removeMember(group, member, refresh) {
  const done = await confirmDialog({
    title: `Remove ${member.name} from ${group.name}?`,
    confirmLabel: 'Remove member',
    danger: true,
    body: h('p', {
      text: `${member.name} loses access to ${group.name} at once. Their account and identities are kept, and the removal is audited. A later SAML sign-in or SCIM update may add them again.`,
    }),
    onConfirm: () => api.delete(`/groups/${group.id}/members/${member.id}`),
  });
  if (done === null) return;
  toast(`${member.name} is removed from ${group.name}`);
  await refresh();
}

/** The row's actions cell; only drawn for those who manage the group. */
export function memberActions(group, member, refresh) {
  return h(
    'div',
    { class: 'inline-row member-actions' },
    button('Change role', () => changeRole(group, member, refresh), `Change the role of ${member.name}`),
    button('Remove', () => removeMember(group, member, refresh), `Remove ${member.name} from the group`),
  );
}

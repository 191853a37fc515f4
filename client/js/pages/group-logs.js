// Group › Audit events and Group › SCIM requests.
import { auditEventsView } from './audit-events.js';
import { notice } from '../components/layout.js';
import { canManage, groupShell } from './group-shell.js';
import { scimRequestsView } from './scim-requests.js';

export async function groupAuditPage(main, ctx) {
  const shell = await groupShell(main, ctx, 'audit-events', 'Audit events');
  if (!shell) return;
  if (!canManage(shell.group)) return shell.content.append(ownersOnly('audit events'));
  await auditEventsView(shell.content, { endpoint: `/groups/${shell.group.id}/audit_events`, signal: ctx.signal, query: ctx.query });
}

export async function groupScimRequestsPage(main, ctx) {
  const shell = await groupShell(main, ctx, 'scim-requests', 'SCIM requests');
  if (!shell) return;
  if (!canManage(shell.group)) return shell.content.append(ownersOnly('SCIM requests'));
  await scimRequestsView(shell.content, { endpoint: `/groups/${shell.group.id}/scim_requests`, signal: ctx.signal, query: ctx.query });
}

/** Reached by a typed or shared address: say who may see the page instead of asking the API for a 403. */
function ownersOnly(what) {
  return notice('info', `The group's ${what} are shown to its Owners and to admins.`);
}

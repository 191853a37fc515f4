// Group › Audit events and Group › SCIM requests.
import { auditEventsView } from './audit-events.js';
import { groupShell } from './group-shell.js';
import { scimRequestsView } from './scim-requests.js';

export async function groupAuditPage(main, ctx) {
  const shell = await groupShell(main, ctx, 'audit-events', 'Audit events');
  if (!shell) return;
  await auditEventsView(shell.content, { endpoint: `/groups/${shell.group.id}/audit_events`, signal: ctx.signal });
}

export async function groupScimRequestsPage(main, ctx) {
  const shell = await groupShell(main, ctx, 'scim-requests', 'SCIM requests');
  if (!shell) return;
  await scimRequestsView(shell.content, { endpoint: `/groups/${shell.group.id}/scim_requests`, signal: ctx.signal });
}

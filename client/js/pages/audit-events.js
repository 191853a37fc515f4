// Audit events, newest first, filtered by name and date on the server.
import { code, dash, h, time } from '../dom.js';
import { api } from '../api.js';
import { selectField, textField } from '../components/fields.js';
import { applyFilters, filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';

export const EVENT_NAMES = [
  'user_provisioned_by_scim',
  'user_linked_by_scim',
  'user_reprovisioned_by_scim',
  'user_deprovisioned_by_scim',
  'scim_identity_updated',
  'scim_user_attributes_updated',
  'scim_provisioning_refused',
  'inactive_scim_user_cannot_be_added',
  'scim_token_created',
  'scim_token_regenerated',
  'saml_provider_updated',
  'saml_identity_linked',
  'saml_identity_updated',
  'saml_identity_deleted',
  'authenticated_with_group_saml',
  'update_mismatched_group_saml_extern_uid',
  'saml_sign_in_refused',
  'member_added',
  'member_role_changed',
  'member_removed',
  'personal_access_token_created',
  'identity_mismatch_resolved',
  'user_created',
  'group_created',
  'group_updated',
  'scim_identity_deleted',
  'user_blocked',
  'user_unblocked',
  'user_updated',
  'personal_access_token_revoked',
  'group_deleted',
  'scim_identity_alias_created',
  'scim_identity_alias_dropped',
  'saml_link_invitation_created',
  'saml_link_invitation_used',
  'saml_link_invitation_revoked',
  'saml_link_invitation_refused',
  'verified_domain_added',
  'verified_domain_removed',
  'saml_sp_key_created',
  'saml_sp_key_removed',
  'saml_logout_requested',
  'saml_logout_completed',
  'saml_logout_by_idp',
  'saml_logout_refused',
];

export function eventLabel(name) {
  const text = name
    .replace(/_/g, ' ')
    .replace(/\bscim\b/g, 'SCIM')
    .replace(/\bsaml\b/g, 'SAML');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A `YYYY-MM-DD` day from the address, or '' for anything else. */
function day(value) {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '';
}

/** A local calendar day's first (or last) millisecond as an ISO instant ('' stays ''). */
function dayBound(value, end = false) {
  if (!value) return '';
  const [y, m, d] = value.split('-').map(Number);
  return new Date(new Date(y, m - 1, end ? d + 1 : d).getTime() - (end ? 1 : 0)).toISOString();
}

/**
 * Keys the API repeats inside `details` for GitLab scripts (audit.service.ts): the table shows each
 * in a column of its own already.
 */
const COLUMN_KEYS = new Set(['author_name', 'target_id', 'target_type', 'target_details', 'ip_address', 'entity_path']);

/** A value as the reader wants it: text as is, nothing as a dash, anything else as compact JSON. */
function shown(value) {
  if (value === null || value === undefined || value === '') return dash();
  return h('span', { class: 'detail-value', text: typeof value === 'string' ? value : JSON.stringify(value) });
}

/**
 * A change as a small table of the fields that changed, before and after: `from`/`to` objects
 * (settings), or `from`/`to` values (an identifier that moved). A grid with table roles, not a
 * <table>: the list's own table turns into cards on phones, and its rules would reach a nested one.
 */
function changeTable(from, to) {
  const objects = (from === null || typeof from === 'object') && (to === null || typeof to === 'object') && !Array.isArray(from) && !Array.isArray(to);
  const keys = objects ? [...new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})])].filter((k) => JSON.stringify(from?.[k]) !== JSON.stringify(to?.[k])) : [null];
  if (keys.length === 0) return null;
  const cell = (role, content) => h('div', { role, class: `change-${role}` }, content);
  return h(
    'div',
    { class: 'change-table', role: 'table', 'aria-label': 'Changed fields' },
    h('div', { role: 'row', class: 'change-head' }, cell('columnheader', 'Field'), cell('columnheader', 'Before'), cell('columnheader', 'After')),
    keys.map((k) =>
      h('div', { role: 'row' }, cell('rowheader', k === null ? 'value' : k.replace(/_/g, ' ')), cell('cell', shown(k === null ? from : from?.[k])), cell('cell', shown(k === null ? to : to?.[k]))),
    ),
  );
}

function detailsCell(event) {
  const details = event.details && typeof event.details === 'object' ? Object.fromEntries(Object.entries(event.details).filter(([key]) => !COLUMN_KEYS.has(key))) : event.details;
  if (details === null || details === undefined || (typeof details === 'object' && Object.keys(details).length === 0)) return dash();
  if (typeof details !== 'object') return h('span', { text: String(details) });
  const change = 'from' in details && 'to' in details ? changeTable(details.from, details.to) : null;
  // Empty values say nothing to the reader ("in response to: null"); leave them out. `changed`
  // repeats the table's rows.
  const entries = Object.entries(details).filter(([key, value]) => value !== null && value !== undefined && value !== '' && !(change && (key === 'from' || key === 'to' || key === 'changed')));
  if (entries.length === 0 && !change) return dash();
  return h(
    'div',
    { class: 'stack' },
    change,
    entries.length > 0
      ? h(
          'dl',
          { class: 'details-list' },
          entries.map(([key, value]) => h('div', {}, h('dt', { text: key.replace(/_/g, ' ') }), h('dd', {}, shown(value)))),
        )
      : null,
  );
}

function targetCell(event) {
  if (!event.target_details && !event.target_type) return dash();
  return h(
    'div',
    { class: 'stack' },
    event.target_details ? h('span', { text: event.target_details }) : null,
    event.target_type ? h('span', { class: 'small muted', text: `${event.target_type}${event.target_id !== null && event.target_id !== undefined ? ` #${event.target_id}` : ''}` }) : null,
  );
}

/** `query`: the address's filters (`event_name`, `from`, `to` as calendar days) and page position. */
export async function auditEventsView(container, { endpoint, signal, query = {}, title = 'Audit events', description }) {
  const chosen = { event_name: EVENT_NAMES.includes(query.event_name) ? query.event_name : '', from: day(query.from), to: day(query.to) };
  const filters = { event_name: chosen.event_name, created_after: dayBound(chosen.from), created_before: dayBound(chosen.to, true) };
  const list = listView({
    what: 'the audit events',
    caption: 'Audit events',
    empty: 'No audit events match these filters.',
    className: 'audit-table',
    signal,
    address: query,
    keyset: { perPage: 20 },
    load: ({ keyset, signal: s }) => api.get(endpoint, { query: { pagination: 'keyset', ...keyset, ...filters }, signal: s }),
    columns: [
      { label: 'Time', render: (e) => time(e.created_at), className: 'col-time' },
      { label: 'Event', render: (e) => h('div', { class: 'stack' }, h('span', { class: 'strong', text: eventLabel(e.event_name) }), h('span', { class: 'event-code', text: e.event_name })) },
      {
        label: 'Author',
        render: (e) => (e.author?.id === null || e.author?.id === undefined ? h('span', { class: 'muted', text: e.author?.name || 'System' }) : h('span', { text: e.author.name })),
      },
      { label: 'Target', render: targetCell },
      { label: 'Details', render: detailsCell, className: 'col-details' },
      { label: 'IP address', render: (e) => (e.ip_address ? code(e.ip_address) : dash()) },
    ],
  });
  const eventName = selectField({
    label: 'Event',
    name: 'event_name',
    value: chosen.event_name,
    options: [{ value: '', label: 'All events' }, ...EVENT_NAMES.map((n) => ({ value: n, label: eventLabel(n) }))],
  });
  const from = textField({ label: 'From', name: 'from', type: 'date', value: chosen.from });
  const to = textField({ label: 'To', name: 'to', type: 'date', value: chosen.to });
  const form = filterForm({
    fields: [eventName, from, to],
    submitLabel: 'Filter',
    onSubmit: (values) => applyFilters({ event_name: values.event_name, from: values.from, to: values.to }),
    onReset: () => applyFilters({}),
  });
  container.append(section({ title, id: 'audit', description: description ?? 'Every change to accounts, identities, tokens and settings, newest first.' }, form, list.el));
  await list.reload();
}

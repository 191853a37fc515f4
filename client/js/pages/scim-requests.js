// The SCIM request log: what the IdP sent and what Roster answered. The stored body has secrets
// redacted server-side; here it is shown as text only.
import { badge, code, dash, h, time } from '../dom.js';
import { api } from '../api.js';
import { selectField, textField } from '../components/fields.js';
import { applyFilters, filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';

const STATUSES = [200, 201, 204, 400, 401, 403, 404, 409, 412, 413, 415, 429, 500];

function statusBadge(status) {
  const tone = status >= 500 ? 'danger' : status >= 400 ? 'warning' : 'success';
  return badge(String(status), tone);
}

/** The path below the SCIM base (the same on every row of a scope), the full path as a tooltip. */
function pathCell(r) {
  const short = String(r.path).replace(/^\/api\/scim\/v2\/(groups\/[^/]+|application)(?=\/|$)/, '') || '/';
  let query = null;
  if (r.query) {
    try {
      query = decodeURIComponent(String(r.query).replace(/\+/g, ' '));
    } catch {
      query = String(r.query);
    }
  }
  return h('div', { class: 'stack' }, code(short, { title: r.path }), query ? h('span', { class: 'path-query', text: `?${query.replace(/^\?/, '')}` }) : null);
}

function prettyBody(body) {
  if (body === null || body === undefined || body === '') return null;
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function requestDetail(r) {
  const body = prettyBody(r.body);
  const fact = (label, value) => (value === null || value === undefined || value === '' ? null : h('div', {}, h('dt', { text: label }), h('dd', {}, code(String(value)))));
  return h(
    'div',
    { class: 'request-detail' },
    h(
      'dl',
      { class: 'facts' },
      fact('Query', r.query),
      fact('userName', r.user_name),
      fact('Resource id', r.resource_id),
      fact('Duration', r.duration_ms !== undefined && r.duration_ms !== null ? `${r.duration_ms} ms` : null),
    ),
    h('p', { class: 'field-label', text: 'Request body (secrets redacted)' }),
    body ? h('pre', { class: 'code-block', tabindex: '0', text: body }) : h('p', { class: 'muted', text: 'This request had no body.' }),
  );
}

/** `query`: the address's filters (`external_id`, `status`) and page position. */
export async function scimRequestsView(container, { endpoint, signal, query = {}, description }) {
  const filters = { external_id: (query.external_id ?? '').trim(), status: STATUSES.map(String).includes(query.status) ? query.status : '' };
  const list = listView({
    what: 'the SCIM request log',
    caption: 'SCIM requests',
    empty: 'No SCIM requests match these filters.',
    className: 'requests-table',
    signal,
    address: query,
    load: ({ page, signal: s }) => api.get(endpoint, { query: { page, per_page: 20, ...filters }, signal: s }),
    columns: [
      { label: 'Time', render: (r) => time(r.created_at), className: 'col-time' },
      { label: 'Method', render: (r) => h('span', { class: 'method', text: r.method }) },
      { label: 'Path', render: pathCell, className: 'col-path' },
      { label: 'Status', render: (r) => statusBadge(r.status) },
      { label: 'externalId', render: (r) => (r.external_id ? code(r.external_id) : dash()) },
      { label: 'Detail', render: (r) => (r.error_detail ? h('span', { text: r.error_detail }) : r.user_name ? h('span', { class: 'muted', text: r.user_name }) : dash()), className: 'col-detail' },
    ],
    expandable: { label: 'Body', render: requestDetail },
  });
  const externalId = textField({ label: 'externalId', name: 'external_id', type: 'search', autocomplete: 'off', spellcheck: false, value: filters.external_id });
  const status = selectField({ label: 'Status', name: 'status', value: filters.status, options: [{ value: '', label: 'Any status' }, ...STATUSES.map((s) => ({ value: s, label: String(s) }))] });
  const form = filterForm({
    fields: [externalId, status],
    submitLabel: 'Filter',
    onSubmit: (values) => applyFilters({ external_id: values.external_id, status: values.status }),
    onReset: () => applyFilters({}),
  });
  container.append(
    section(
      { title: 'SCIM requests', id: 'scim-requests', description: description ?? 'Every request the identity provider sent, newest first. Open a row to see the body it sent.' },
      form,
      list.el,
    ),
  );
  await list.reload();
}

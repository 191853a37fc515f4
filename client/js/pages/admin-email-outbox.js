// Admin › Email outbox: the welcome messages SCIM provisioning queued, sent or still waiting. Without
// SMTP_URL nothing is sent, and this list is where the messages are.
import { badge, code, h, replace, time } from '../dom.js';
import { api } from '../api.js';
import { selectField } from '../components/fields.js';
import { applyFilters, filterForm, listView } from '../components/list-view.js';
import { section } from '../components/layout.js';

const STATUS_OPTIONS = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Waiting' },
  { value: 'sent', label: 'Sent' },
];

function deliveryNotice(mode) {
  if (mode === 'smtp') {
    return h(
      'div',
      { class: 'notice notice-info' },
      h('p', { text: 'Messages are delivered through the SMTP server set in SMTP_URL. A failed delivery is retried later, waiting longer after each failure; its last error is shown here.' }),
    );
  }
  return h(
    'div',
    { class: 'notice notice-warning' },
    h('p', { text: 'SMTP_URL is not set, so Roster sends no email: messages wait here. Pass them on yourself, or set SMTP_URL and restart Roster to have them delivered, oldest first.' }),
  );
}

export async function emailOutbox(container, { signal, query = {} }) {
  // The status filter and page position live in the address.
  const status = STATUS_OPTIONS.some((o) => o.value === query.status) ? query.status : '';
  const noticeSlot = h('div');
  const list = listView({
    what: 'the email outbox',
    caption: 'Email outbox',
    empty: 'No messages.',
    className: 'outbox-table',
    signal,
    address: query,
    load: async ({ page, signal: s }) => {
      const result = await api.get('/email_outbox', { query: { page, per_page: 20, status }, signal: s });
      replace(noticeSlot, deliveryNotice(result.headers?.get('X-Delivery')));
      return result;
    },
    columns: [
      { label: 'To', render: (m) => code(m.recipient) },
      { label: 'Subject', render: (m) => h('span', { text: m.subject }) },
      { label: 'Status', render: (m) => (m.status === 'sent' ? badge('Sent', 'success') : badge('Waiting', 'warning')) },
      { label: 'Attempts', render: (m) => h('span', { text: String(m.attempts) }) },
      { label: 'Last error', render: (m) => (m.last_error ? h('span', { class: 'small', text: m.last_error }) : h('span', { class: 'muted', text: '—' })) },
      { label: 'Queued', render: (m) => time(m.created_at) },
      { label: 'Sent', render: (m) => (m.sent_at ? time(m.sent_at) : h('span', { class: 'muted', text: '—' })) },
    ],
    expandable: { label: 'Message', render: (m) => h('pre', { class: 'message-body', text: m.body }) },
  });
  const statusField = selectField({ label: 'Status', name: 'status', value: status, options: STATUS_OPTIONS });
  const form = filterForm({
    fields: [statusField],
    submitLabel: 'Show',
    onSubmit: (values) => applyFilters({ status: values.status }),
  });
  container.append(
    section(
      { title: 'Email outbox', id: 'email-outbox', description: 'Welcome messages for people SCIM provisioning created or linked, newest first. Open a row to read the message.' },
      noticeSlot,
      form,
      list.el,
    ),
  );
  await list.reload();
}

// API failures in words a group owner understands, shown next to whatever caused them.
import { h } from './dom.js';

const FIELD_LABELS = {
  name: 'Name',
  path: 'Path',
  sso_url: 'Identity provider SSO URL',
  certificate: 'Certificate',
  default_membership_role: 'Default membership role',
  enabled: 'Enabled',
  enforced_sso: 'Enforce SSO',
  extern_uid: 'Identifier',
  token: 'Personal access token',
  page: 'Page',
  per_page: 'Page size',
  created_after: 'From date',
  created_before: 'To date',
  status: 'Status',
  external_id: 'externalId',
  event_name: 'Event',
  search: 'Search',
};

/** Strips GitLab-style status prefixes ("404 Group Not Found" → "Group Not Found"). */
function clean(message) {
  return message.replace(/^\d{3}\s+/, '').replace(/^[a-z]/, (c) => c.toUpperCase());
}

/**
 * One sentence for an ApiError. `what` names the thing the request was about ("this group"),
 * used for 404s.
 */
export function describeError(error, what = 'this item') {
  if (!error || typeof error.status !== 'number') return 'Something went wrong in the page. Reload it and try again.';
  const server = error.serverMessage ? clean(error.serverMessage) : null;
  switch (true) {
    case error.status === 0:
      return 'Roster could not be reached. Check your network connection and try again.';
    case error.status === 401:
      return 'Your session has ended. Sign in again to continue.';
    case error.status === 403 && /csrf/i.test(error.serverMessage ?? ''):
      return 'This page is out of date with your session. Reload the page and try again.';
    case error.status === 403:
      return "You don't have permission to do this. Only the group's Owners and instance administrators can.";
    case error.status === 404:
      return server && !/^not found$/i.test(server) && !/group not found/i.test(server) ? `${server}.`.replace(/\.\.$/, '.') : `${capitalize(what)} was not found, or you don't have access to it.`;
    case error.status === 429:
      return `Too many requests in a short time. Wait ${error.retryAfter ? `${error.retryAfter} seconds` : 'a moment'} and try again.`;
    case error.status >= 500:
      return 'Roster ran into an unexpected problem. Try again; if it keeps happening, ask your administrator to check the server log.';
    case error.fields !== null:
      return 'Some fields need attention.';
    case server !== null:
      return /[.!?]$/.test(server) ? server : `${server}.`;
    default:
      return 'The request was refused. Check the values and try again.';
  }
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Field problems from `{"message": {"field": ["problem"]}}` as readable lines. */
export function fieldProblems(error) {
  if (!error?.fields) return [];
  return Object.entries(error.fields).map(([field, problems]) => ({
    field,
    text: `${FIELD_LABELS[field] ?? field} ${[].concat(problems).join(', ')}`,
  }));
}

/** An inline alert; `role=alert` so screen readers hear it where it appears. */
export function errorNotice(error, what) {
  const problems = fieldProblems(error);
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('p', { text: describeError(error, what) }),
    problems.length
      ? h(
          'ul',
          {},
          problems.map((p) => h('li', { text: p.text })),
        )
      : null,
  );
}

export function isAbort(error) {
  return error?.name === 'AbortError';
}

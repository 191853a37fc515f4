// Entry point: restores the session, draws the top bar and starts the router.
import { h, replace } from './dom.js';
import { handleSessionLoss } from './api.js';
import { describeError } from './errors.js';
import { beforeEach, currentLocation, navigate, notFound, route, start } from './router.js';
import { currentUser, forgetSession, onSessionChange, restoreSession, signOut } from './session.js';
import { adminPage } from './pages/admin.js';
import { groupAuditPage, groupScimRequestsPage } from './pages/group-logs.js';
import { groupSamlPage } from './pages/group-saml.js';
import { groupsPage } from './pages/groups.js';
import { rememberTarget, signInPage } from './pages/sign-in.js';

route('/sign-in', signInPage, { public: true });
route('/', () => navigate('#/groups', { replace: true }));
route('/groups', groupsPage);
route('/groups/:id', (_main, { params }) => navigate(`#/groups/${params.id}/saml/configuration`, { replace: true }));
route('/groups/:id/saml/:section?', groupSamlPage);
route('/groups/:id/audit-events', groupAuditPage);
route('/groups/:id/scim-requests', groupScimRequestsPage);
route('/admin/:section?', adminPage);
notFound((main) => {
  main.append(
    h('div', { class: 'empty-state' }, h('h1', { text: 'Page not found' }), h('p', {}, 'There is no page at this address. ', h('a', { href: '#/groups', text: 'Go to your groups' }), '.')),
  );
});

beforeEach((found, loc) => {
  if (found?.options.public) return currentUser() ? '#/groups' : null;
  if (!currentUser()) {
    rememberTarget(`#${loc.raw}`);
    return '#/sign-in';
  }
  return null;
});

function drawTopbar(user) {
  const nav = document.getElementById('topnav');
  const account = document.getElementById('account');
  nav.hidden = !user;
  account.hidden = !user;
  if (!user) {
    replace(nav);
    replace(account);
    return;
  }
  const path = currentLocation().path;
  const link = (href, label, active) => h('a', { href, class: active ? 'active' : null, 'aria-current': active ? 'page' : null, text: label });
  replace(nav, link('#/groups', 'Groups', path.startsWith('/groups')), user.is_admin ? link('#/admin', 'Admin area', path.startsWith('/admin')) : null);
  replace(
    account,
    h(
      'span',
      { class: 'account-name', title: user.email },
      h('span', { class: 'avatar', 'aria-hidden': 'true', text: (user.name || user.username || '?').trim().charAt(0).toUpperCase() }),
      h('span', { class: 'account-label', text: user.name || user.username }),
    ),
    h('button', {
      type: 'button',
      class: 'button button-ghost button-small',
      text: 'Sign out',
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        let logoutUrl = null;
        try {
          logoutUrl = await signOut();
        } catch {
          // The cookie may already be gone; either way the page forgets the session.
        }
        // Single logout: the IdP ends its session too, then sends the browser back to Roster.
        if (logoutUrl) window.location.assign(logoutUrl);
        else navigate('#/sign-in?reason=signed-out');
      },
    }),
  );
}

async function boot() {
  onSessionChange(drawTopbar);
  window.addEventListener('hashchange', () => drawTopbar(currentUser()));
  handleSessionLoss(() => {
    if (!currentUser()) return;
    forgetSession();
    rememberTarget(location.hash);
    navigate('#/sign-in?reason=expired');
  });
  try {
    await restoreSession();
  } catch (error) {
    document.getElementById('main').replaceChildren(h('div', { class: 'notice notice-error', role: 'alert' }, h('p', { text: describeError(error) })));
    return;
  }
  start();
}

boot();

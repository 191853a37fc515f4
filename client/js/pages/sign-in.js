// Sign in with a personal access token: POST /api/v4/session sets the session cookie.
import { h } from '../dom.js';
import { describeError } from '../errors.js';
import { textField } from '../components/fields.js';
import { setTitle } from '../components/layout.js';
import { signIn } from '../session.js';
import { navigate } from '../router.js';

let pendingTarget = null;

/** Where to go after signing in (the page that asked for a session). */
export function rememberTarget(hash) {
  pendingTarget = hash;
}

export async function signInPage(main, { query }) {
  setTitle('Sign in');
  const token = textField({
    label: 'Personal access token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: false,
    help: 'A token that starts with roster_pat_. Administrators create one with npm run cli -- create-admin; group owners get theirs from an administrator.',
  });
  token.input.required = true;
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block', text: 'Sign in' });
  const form = h('form', { class: 'sign-in-form', novalidate: true }, token.wrap, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = token.input.value.trim();
    if (!value) {
      token.setError('Enter your personal access token.');
      token.input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    token.setError(null);
    try {
      await signIn(value);
      const target = pendingTarget && !pendingTarget.startsWith('#/sign-in') ? pendingTarget : '#/groups';
      pendingTarget = null;
      navigate(target);
    } catch (error) {
      token.setError(error.status === 401 ? 'That token was not accepted. Check that you copied all of it and that it has not been revoked.' : describeError(error));
      token.input.focus();
      token.input.select();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  const ended = query.reason === 'expired' ? h('div', { class: 'notice notice-info', role: 'status' }, h('p', { text: 'Your session has ended. Sign in again to continue.' })) : null;
  const signedOut = query.reason === 'signed-out' ? h('div', { class: 'notice notice-success', role: 'status' }, h('p', { text: 'You have signed out.' })) : null;
  main.append(
    h(
      'div',
      { class: 'sign-in' },
      h(
        'div',
        { class: 'sign-in-card' },
        h('img', { src: '/favicon.svg', alt: '', width: 40, height: 40, class: 'sign-in-logo' }),
        h('h1', { text: 'Sign in to Roster' }),
        h('p', { class: 'muted', text: 'Manage SCIM provisioning and SAML single sign-on for your groups.' }),
        ended,
        signedOut,
        form,
        h(
          'p',
          { class: 'sign-in-foot' },
          'Signing in with your company account? Open your group’s SSO URL (it looks like ',
          h('code', { text: '/groups/<path>/-/saml/sso' }),
          '); you will land here signed in.',
        ),
      ),
    ),
  );
  token.input.focus();
}

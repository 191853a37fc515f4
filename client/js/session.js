// Who is signed in. The session itself is an HttpOnly cookie; the page only learns the user and the
// CSRF token from POST/GET /api/v4/session, and forgets them on sign-out.
import { api, setCsrfToken } from './api.js';

let current = null;
const listeners = new Set();

export function currentUser() {
  return current;
}

export function onSessionChange(listener) {
  listeners.add(listener);
}

function set(user, csrf) {
  current = user;
  setCsrfToken(csrf);
  for (const listener of listeners) listener(current);
}

/** Restores a session the cookie already holds (after a reload, or after a SAML sign-in). */
export async function restoreSession() {
  try {
    const { data } = await api.get('/session', { quiet401: true });
    if (data?.user) set(data.user, data.csrf_token ?? null);
    else set(null, null);
  } catch (error) {
    if (error?.status === 401 || error?.status === 404) set(null, null);
    else throw error;
  }
  return current;
}

export async function signIn(token) {
  const { data } = await api.post('/session', { token }, { quiet401: true });
  set(data.user, data.csrf_token);
  return current;
}

/**
 * Ends the session. After a SAML sign-in whose provider has single logout, the server answers with
 * the IdP's logout URL (a signed LogoutRequest): returned so the caller sends the browser there.
 */
export async function signOut() {
  try {
    const response = await api.delete('/session', { quiet401: true });
    return response?.data?.logout_url ?? null;
  } finally {
    set(null, null);
  }
}

/** The server ended the session (expired, or signed out elsewhere). */
export function forgetSession() {
  set(null, null);
}

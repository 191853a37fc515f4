/**
 * The person's side of a link invitation, as a browser does it without JavaScript: open the URL
 * (the page sets a nonce cookie), press Continue (303 to the IdP with an AuthnRequest), and let
 * the test IdP answer that request. Shared by the e2e and the two-process race tests.
 */
import type { Agent } from 'supertest';
import { authnRequestIdFromRedirect } from './test-idp.js';

export interface StartedInvitation {
  /** The AuthnRequest id the IdP must answer (InResponseTo). */
  requestId: string;
  /** Where Continue sent the browser: the IdP's SSO URL with the AuthnRequest. */
  location: string;
}

/** The invitation URL's path and query, as supertest requests them. */
export function invitationPath(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

/** Opens the invitation and continues to the IdP; throws with the page when either step is refused. */
export async function startInvitation(http: Agent, url: string): Promise<StartedInvitation> {
  const page = await http.get(invitationPath(url));
  if (page.status !== 200) throw new Error(`opening the invitation answered ${page.status}: ${page.text.slice(0, 300)}`);
  const nonce = /name="nonce" value="([^"]+)"/.exec(page.text)?.[1];
  const cookie = nonceCookieFrom(page.headers['set-cookie']);
  if (!nonce || !cookie) throw new Error('the invitation page has no nonce form or cookie');
  const form = new URLSearchParams({ token: tokenOf(url), nonce }).toString();
  const action = new URL(url).pathname;
  const res = await http.post(action).set('Cookie', cookie).set('Content-Type', 'application/x-www-form-urlencoded').send(form);
  if (res.status !== 303) throw new Error(`Continue answered ${res.status}: ${res.text.slice(0, 300)}`);
  return { requestId: authnRequestIdFromRedirect(res.headers.location), location: res.headers.location };
}

/** The `roster_link_invitation=<nonce>` pair the invitation page sets. */
export function nonceCookieFrom(setCookie: string[] | string | undefined): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.find((c) => c.startsWith('roster_link_invitation='))?.split(';')[0];
}

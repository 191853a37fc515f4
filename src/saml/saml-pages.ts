/**
 * The HTML pages of the SAML flow, in the admin UI's look: its stylesheets (client/css), its
 * header, a card. Every value that came from an IdP, a user or the database is escaped; no inline
 * script or style, so the pages work under the app's strict CSP.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLESHEETS = ['base', 'layout', 'components'].map((name) => `<link rel="stylesheet" href="/css/${name}.css">`).join('');

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · Roster</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">${STYLESHEETS}</head>`,
    '<body><header class="topbar"><div class="topbar-inner"><a class="brand" href="/"><img src="/favicon.svg" alt="" width="22" height="22"><span>Roster</span></a></div></header>',
    `<main id="main" class="page page-narrow"><section class="card"><div class="card-body saml-page">${body}</div></section></main></body></html>`,
  ].join('\n');
}

export interface RefusalPageInput {
  title: string;
  message: string;
  steps: string[];
  reason?: string;
  /** Where the group's Owners (or the instance's administrators) find out why (the sign-in troubleshooter). */
  troubleshootUrl?: string;
  /** A group's page speaks to its Owners; the instance's to administrators. */
  scope?: 'group' | 'instance';
}

/** A refusal a person understands: what happened, what to do, and a reason code to quote. */
export function refusalPage(input: RefusalPageInput): string {
  const steps = input.steps.length ? `<h2>What you can do</h2><ol class="saml-steps">${input.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ol>` : '';
  const instance = input.scope === 'instance';
  // The code an owner looks up: the audit log's saml_sign_in_refused event carries it as `reason`.
  const reason = input.reason
    ? `<p class="saml-reason muted">Reason code: <code>${escapeHtml(input.reason)}</code>. Quote it to ${instance ? 'an administrator' : 'an Owner of the group'}: the audit log records this refusal as <code>saml_sign_in_refused</code> with this reason.</p>`
    : '';
  const owners = input.troubleshootUrl
    ? `<p class="saml-reason muted">${instance ? 'Administrators' : 'Owners of the group'}: <a href="${escapeHtml(input.troubleshootUrl)}">troubleshoot this sign-in</a> (search for the person's email or NameID).</p>`
    : '';
  return page(
    input.title,
    `<h1>${escapeHtml(input.title)}</h1><div class="notice notice-error" role="alert"><p>${escapeHtml(input.message)}</p></div>${steps}${reason}${owners}<p><a class="button button-secondary" href="/">Go to Roster</a></p>`,
  );
}

export interface LinkOfferPageInput {
  groupName: string;
  userName: string;
  username: string;
  nameId: string;
  email: string | null;
  authorizeAction: string;
  csrfToken: string;
  pending: string;
  relayState: string;
}

/** saml.md outcome 2: "Allow <group> to sign you in with SAML?" with an Authorize button (POST + CSRF token). */
export function linkOfferPage(input: LinkOfferPageInput): string {
  const title = `Allow ${input.groupName} to sign you in with SAML?`;
  const idp = input.email ? `${input.nameId} (${input.email})` : input.nameId;
  return page(
    title,
    [
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>You are signed in as <strong>${escapeHtml(input.userName)}</strong> (@${escapeHtml(input.username)}).</p>`,
      `<p>${escapeHtml(input.groupName)}'s identity provider says you are <strong>${escapeHtml(idp)}</strong>. `,
      `If you authorize, signing in through that identity provider will sign you in to this account from now on.</p>`,
      `<form method="post" action="${escapeHtml(input.authorizeAction)}">`,
      `<input type="hidden" name="csrf_token" value="${escapeHtml(input.csrfToken)}">`,
      `<input type="hidden" name="pending" value="${escapeHtml(input.pending)}">`,
      `<input type="hidden" name="RelayState" value="${escapeHtml(input.relayState)}">`,
      '<div class="form-actions"><button type="submit" class="button button-primary">Authorize</button> <a class="button button-secondary" href="/">Cancel</a></div>',
      '</form>',
    ].join(''),
  );
}

/**
 * The ACS POST of a real IdP is cross-site, so the browser withholds the SameSite=Lax session
 * cookie. This page posts the same response again from Roster's own origin, with the cookie, so a
 * signed-in person is offered the link instead of being treated as signed out.
 */
export function resubmitPage(action: string, scriptSrc: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return page(
    'Signing you in',
    `<h1>Signing you in…</h1><form id="resubmit" method="post" action="${escapeHtml(action)}">${inputs}<noscript><button type="submit" class="button button-primary">Continue</button></noscript></form><script src="${escapeHtml(scriptSrc)}"></script>`,
  );
}

/** Served as a file (not inline) so the page works under `script-src 'self'`. */
export const RESUBMIT_SCRIPT = "document.getElementById('resubmit').submit();\n";

export interface LinkInvitationPageInput {
  groupName: string;
  /** Who created the invitation: a name the person can check with before continuing. */
  invitedBy: string;
  userName: string;
  username: string;
  expiresAt: string;
  action: string;
  token: string;
  nonce: string;
}

/**
 * What an invited person sees on opening the link: whose account it links and until when, and a
 * button that starts the sign-in at the IdP. The button posts a nonce that is also in a cookie set
 * with this page, so another site cannot send someone through a link invitation unawares.
 */
export function linkInvitationPage(input: LinkInvitationPageInput): string {
  const title = `Link your account to ${input.groupName}'s sign-in`;
  const until = new Date(input.expiresAt).toUTCString();
  return page(
    title,
    [
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>${escapeHtml(input.invitedBy)} invited the Roster account <strong>${escapeHtml(input.userName)}</strong> (@${escapeHtml(input.username)}) to sign in with ${escapeHtml(input.groupName)}'s identity provider.</p>`,
      `<p>When you continue, you sign in at the identity provider. The identity it sends back is linked to this account, and signs you in to it from now on. Continue only if this is your account.</p>`,
      `<p class="muted">This invitation works once and expires on ${escapeHtml(until)}.</p>`,
      `<form method="post" action="${escapeHtml(input.action)}">`,
      `<input type="hidden" name="token" value="${escapeHtml(input.token)}">`,
      `<input type="hidden" name="nonce" value="${escapeHtml(input.nonce)}">`,
      '<div class="form-actions"><button type="submit" class="button button-primary">Continue to the identity provider</button> <a class="button button-secondary" href="/">Cancel</a></div>',
      '</form>',
    ].join(''),
  );
}

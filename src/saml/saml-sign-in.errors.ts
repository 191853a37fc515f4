import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import type { InvalidResponseReason } from './saml-response-validator.js';

/** Every reason a SAML sign-in or link can be refused; recorded as `reason` in saml_sign_in_refused. */
export type RefusalReason =
  | InvalidResponseReason
  | 'missing_response'
  | 'replayed'
  | 'unknown_request'
  | 'not_enabled'
  | 'account_blocked'
  | 'inactive_scim_identity'
  | 'taken'
  | 'not_linked'
  | 'no_account'
  | 'session_required'
  | 'invalid_csrf_token'
  | 'link_expired'
  | 'no_group_link'
  | 'invitation_unknown'
  | 'invitation_used'
  | 'invitation_expired'
  | 'invitation_revoked';

/** What the refusal page needs to speak about: the group (or the instance) and where its sign-in starts. */
export interface RefusalContext {
  /** The group's name, or the instance's for its provider. */
  groupName: string;
  /** Whose provider refused: a group's (its Owners can help) or the instance's (administrators can). */
  scope?: 'group' | 'instance';
  ssoUrl: string;
  /** The group's sign-in troubleshooter in the UI, for the Owner the person asks for help. */
  troubleshootUrl?: string;
}

export interface RefusalText {
  code: DomainErrorCode;
  title: string;
  message: string;
  /** What the person can do about it, in order. */
  steps: string[];
}

/** Who can fix a provider's settings: the group's Owners, or for the instance its administrators. */
export function helperOf(c: RefusalContext): string {
  return c.scope === 'instance' ? 'an administrator' : 'an Owner of the group';
}

function invalidResponseSteps(c: RefusalContext): string[] {
  if (c.scope === 'instance') {
    return [
      "Start the sign-in again from Roster's SSO URL or from your identity provider's dashboard.",
      "If it keeps failing, tell an administrator: the identity provider or the instance's SAML settings need attention. The audit log has the technical reason.",
    ];
  }
  return [
    "Start the sign-in again from the group's SSO URL or from your identity provider's dashboard.",
    "If it keeps failing, tell an Owner of the group: the identity provider or the group's SAML settings need attention. The audit log has the technical reason.",
  ];
}

/** "this group", or for the instance provider "this Roster instance": what a response must be for. */
function here(c: RefusalContext): string {
  return c.scope === 'instance' ? 'this Roster instance' : 'this group';
}

function invalid(message: string | ((c: RefusalContext) => string)): (c: RefusalContext) => RefusalText {
  return (c) => ({ code: 'invalid_value', title: 'SAML sign-in failed', message: typeof message === 'string' ? message : message(c), steps: invalidResponseSteps(c) });
}

/** The page text per reason: plain words for the person in front of the browser, never XML. */
const TEXTS: Record<RefusalReason, (c: RefusalContext) => RefusalText> = {
  malformed: invalid("The identity provider's answer could not be read as a SAML response."),
  too_large: (c) => ({
    ...invalid("The identity provider's answer is far larger than any real sign-in response, so it was not read.")(c),
    code: 'payload_too_large',
  }),
  unsigned: invalid("The identity provider's answer was not signed, so it cannot be trusted."),
  invalid_signature: invalid((c) => `The signature on the identity provider's answer does not match the certificate configured for ${here(c)}.`),
  wrong_audience: invalid((c) => `The identity provider's answer was meant for another service provider (its Audience is not ${here(c)}).`),
  wrong_destination: invalid((c) => `The identity provider's answer was sent to another address (its Destination is not ${here(c)}'s sign-in address).`),
  wrong_recipient: invalid((c) => `The identity provider's answer was addressed to another service (its Recipient is not ${here(c)}'s sign-in address).`),
  expired: invalid("The identity provider's answer has expired. This happens when a sign-in page was left open too long, or when clocks disagree."),
  not_yet_valid: invalid("The identity provider's answer is not valid yet. The clocks of the identity provider and this server disagree."),
  in_response_to_mismatch: invalid("The identity provider's answer contradicts itself about which sign-in it answers."),
  idp_error: invalid('The identity provider refused the sign-in. You may not be assigned to this application there.'),
  transient_name_id: (c) => ({
    code: 'invalid_value',
    title: 'SAML sign-in failed',
    message:
      'Your identity provider sent a temporary (transient) identifier that changes with every sign-in, so it cannot tell who you are. Roster needs a persistent identifier, such as your email address or user ID.',
    steps: [`Tell ${helperOf(c)}: the identity provider's SAML app must send a persistent NameID (for example email address or unspecified) instead of a transient one.`],
  }),
  invalid_response: invalid("The identity provider's answer is not a usable SAML sign-in."),
  wrong_issuer: invalid((c) => `The identity provider's answer names another identity provider as its Issuer than the entity id configured for ${here(c)}.`),
  decryption_failed: invalid(
    (c) =>
      `The identity provider encrypted its answer with a key ${c.scope === 'instance' ? 'this Roster instance' : "this group's"} service provider does not hold, or with an algorithm Roster does not accept. ${c.scope === 'instance' ? 'An administrator' : 'An Owner'} can compare the encryption certificate in the identity provider's SAML app with the one in the SAML metadata.`,
  ),
  assertion_not_encrypted: invalid(
    (c) =>
      `${c.scope === 'instance' ? 'This Roster instance' : 'This group'} requires encrypted assertions, and the identity provider sent this one in clear. ${c.scope === 'instance' ? 'An administrator' : 'An Owner'} can turn on assertion encryption in the identity provider's SAML app, with the certificate from the SAML metadata.`,
  ),
  assertion_unsigned: invalid(
    (c) =>
      `${c.scope === 'instance' ? 'This Roster instance' : 'This group'} requires the identity provider to sign the assertion itself, and this answer's assertion is not signed (only the response around it may be).`,
  ),
  validation_timeout: (c) => ({
    ...invalid("The identity provider's answer took too long to check, so it was not accepted. Real sign-in responses are checked in a few milliseconds.")(c),
    code: 'payload_too_large',
  }),
  validation_busy: () => ({
    code: 'unavailable',
    title: 'SAML sign-in is busy',
    message: 'Too many sign-in responses are being checked right now, so yours was not read.',
    steps: ['Wait a few seconds, then start the sign-in again from the SSO URL or your identity provider.'],
  }),
  missing_response: invalid('No SAML response was received.'),
  replayed: invalid('This sign-in answer was already used. Each answer from the identity provider works only once.'),
  unknown_request: invalid('This sign-in was not started here, was started too long ago, or has already been completed.'),
  not_enabled: (c) => ({
    code: 'not_found',
    title: 'SAML sign-in is not available',
    message: `SAML single sign-on is not enabled for ${c.groupName}.`,
    steps: [`Ask ${helperOf(c)} to configure and enable SAML SSO.`],
  }),
  no_group_link: (c) => ({
    code: 'forbidden',
    title: 'SAML sign-in refused',
    message: `None of your identity provider groups is linked to a role in ${c.groupName}, so you are not a member of it (group sync).`,
    steps: [
      'Ask your identity provider administrator to add you to a group that has access to this application.',
      "Or ask an Owner of the group to add a SAML group link for one of your groups on the group's SAML SSO page.",
    ],
  }),
  account_blocked: () => ({
    code: 'forbidden',
    title: 'SAML sign-in refused',
    message: 'Your account is blocked.',
    steps: ['Ask an administrator to unblock your account.'],
  }),
  inactive_scim_identity: (c) =>
    c.scope === 'instance'
      ? {
          code: 'forbidden',
          title: 'SAML sign-in refused',
          message: `Your SCIM identity in ${c.groupName} is inactive: the identity provider removed you from this Roster instance, so you cannot sign in with SAML.`,
          steps: [
            "Ask your identity provider administrator to assign you to Roster's SCIM application again; that reactivates your identity.",
            "An administrator can see the details in the instance's identity-mismatch report and sign-in troubleshooter.",
          ],
        }
      : {
          code: 'forbidden',
          title: 'SAML sign-in refused',
          message: `Your SCIM identity in ${c.groupName} is inactive: the identity provider removed you from the group, and because SSO is enforced you cannot be added back by signing in.`,
          steps: [
            "Ask your identity provider administrator to assign you to the group's SCIM application again; that reactivates your identity.",
            `An Owner of ${c.groupName} can see the details in the group's identity-mismatch report.`,
          ],
        },
  taken: (c) => ({
    code: 'conflict',
    title: 'SAML authentication failed: User has already been taken',
    message: 'SAML authentication failed: User has already been taken. The identity your identity provider sent is already linked to another account.',
    steps: [`Sign out and sign in with the identity provider again, or ask ${helperOf(c)} to check the identity-mismatch report.`],
  }),
  not_linked: (c) => ({
    code: 'forbidden',
    title: 'User is not linked to a SAML account',
    message: `User is not linked to a SAML account. An account with your email address exists, but it has not been linked to ${c.groupName}'s identity provider yet.`,
    steps: [
      ...(c.scope === 'instance'
        ? [
            `Sign in to Roster with your existing account first, then open ${c.ssoUrl} again: you will be asked to allow ${c.groupName} to sign you in with SAML.`,
            'Or ask an administrator to fix your identity (the instance identity-mismatch report shows what is missing).',
          ]
        : [
            `Ask an Owner of ${c.groupName} for a link invitation: they create one for your account from the group's Members page (Invite to link) or its sign-in troubleshooter. Open the link they send you and sign in with the identity provider once; from then on this sign-in works. The link works once and expires after a few days.`,
            `If you can already sign in to Roster with your existing account, sign in first, then open ${c.ssoUrl} again: you will be asked to allow ${c.groupName} to sign you in with SAML.`,
          ]),
    ],
  }),
  no_account: () => ({
    code: 'forbidden',
    title: 'No account for this identity',
    message: "There is no account for this identity; ask your administrator to assign you in the identity provider's SCIM app.",
    steps: ['Once the identity provider has provisioned your account, sign in again.'],
  }),
  session_required: (c) => ({
    code: 'unauthenticated',
    title: 'Please sign in first',
    message: 'Your session has ended, so the SAML identity could not be linked.',
    steps: [`Sign in to Roster, then open ${c.ssoUrl} again.`],
  }),
  invalid_csrf_token: (c) => ({
    code: 'forbidden',
    title: 'The form has expired',
    message: 'The authorization form was not sent by this browser session, so nothing was changed.',
    steps: [`Open ${c.ssoUrl} again and authorize from the new page.`],
  }),
  invitation_unknown: (c) => ({
    code: 'not_found',
    title: 'This link invitation is not valid',
    message: `This address is not a link invitation of ${c.groupName}. It may have been copied only in part.`,
    steps: ['Copy the whole link from the message you received and open it again.', `If it still fails, ask an Owner of ${c.groupName} for a new link invitation.`],
  }),
  invitation_used: (c) => ({
    code: 'forbidden',
    title: 'This link invitation has already been used',
    message: 'Each link invitation links one account, once, and this one has been used.',
    steps: [`If you used it to link your account, sign in with ${c.ssoUrl}.`, `Otherwise ask an Owner of ${c.groupName} for a new link invitation.`],
  }),
  invitation_expired: (c) => ({
    code: 'forbidden',
    title: 'This link invitation has expired',
    message: 'Link invitations work for a limited time, and this one has run out.',
    steps: [`Ask an Owner of ${c.groupName} for a new link invitation.`],
  }),
  invitation_revoked: (c) => ({
    code: 'forbidden',
    title: 'This link invitation was withdrawn',
    message: `An Owner of ${c.groupName} revoked this link invitation, so it no longer links an account.`,
    steps: [`Ask an Owner of ${c.groupName} for a new link invitation if you still need one.`],
  }),
  link_expired: (c) => ({
    code: 'forbidden',
    title: 'The authorization has expired',
    message: 'This authorization request is too old or belongs to another session, so nothing was changed.',
    steps: [`Open ${c.ssoUrl} again and authorize from the new page.`],
  }),
};

/** Seconds a client is asked to wait (Retry-After) after `validation_busy`. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/** A refused SAML sign-in or link: rendered as an HTML page by saml-error.renderer.ts. */
export class SamlRefusal extends DomainError {
  readonly text: RefusalText;
  readonly troubleshootUrl: string | undefined;
  /** Whose provider refused, so the page names who can help (Owners of the group, or administrators). */
  readonly scope: 'group' | 'instance';

  constructor(
    readonly reason: RefusalReason,
    context: RefusalContext,
  ) {
    const text = TEXTS[reason](context);
    super(text.code, text.message, reason === 'validation_busy' ? { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS } : {});
    this.text = text;
    this.troubleshootUrl = context.troubleshootUrl;
    this.scope = context.scope ?? 'group';
    this.name = 'SamlRefusal';
  }
}

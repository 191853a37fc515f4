/**
 * SAML responses refused before Roster could tell whom they were for — a signature that does not
 * verify, another Issuer, an expired answer — are audited without a person (saml_sign_in_refused
 * without a target), so a person's own timeline never shows them. Yet they are the usual reason a
 * whole group suddenly cannot sign in (a rotated IdP certificate, a changed entity id). The sign-in
 * troubleshooter states them once per search, for the scope, in the Owner's words. Pure: tested in
 * unattributed-refusals.spec.ts.
 */

import type { InvalidResponseReason } from '../saml/saml-response-validator.js';

/** The refusals audited before the response names anyone: the validator's, and the ACS's checks of a valid one. */
type ResponseRefusal = InvalidResponseReason | 'missing_response' | 'replayed' | 'unknown_request';

/** What each response-level refusal means for the Owner, and where to look (typed: a new reason needs words). */
export const RESPONSE_REFUSAL_HINTS: Readonly<Record<ResponseRefusal, string>> = {
  malformed: 'the answer could not be read as a SAML response',
  too_large: 'the answer was far larger than any real sign-in response',
  unsigned: 'the answer was not signed',
  invalid_signature: 'the signature does not verify with the IdP certificates in the SAML settings (was the IdP certificate rotated?)',
  assertion_unsigned: 'the settings require a signed assertion, and the IdP signs only the response around it',
  wrong_issuer: 'the answer names another Issuer than the IdP entity id in the SAML settings',
  decryption_failed: "the assertion is encrypted to a key this provider does not hold (compare the IdP's encryption certificate with the SP metadata's) or with an algorithm Roster refuses",
  assertion_not_encrypted: 'the settings require encrypted assertions, and the IdP sent this one in clear',
  wrong_audience: "the answer's Audience is not this service provider's entity id",
  wrong_destination: "the answer's Destination is not this sign-in address (check the ACS URL in the IdP's app)",
  wrong_recipient: "the answer's Recipient is not this sign-in address (check the ACS URL in the IdP's app)",
  expired: 'the answer had expired (a sign-in page left open, or clocks that disagree)',
  not_yet_valid: "the answer was not valid yet (the IdP's clock and this server's disagree)",
  in_response_to_mismatch: 'the answer contradicts itself about which sign-in it answers',
  idp_error: 'the IdP answered with an error status (the person may not be assigned to the app there)',
  transient_name_id: 'the IdP sent a transient NameID; the app must send a persistent one',
  invalid_response: 'the answer is not a usable SAML sign-in',
  validation_timeout: 'checking the answer took longer than the deadline',
  validation_busy: 'too many answers were being checked at once',
  missing_response: 'no SAML response was posted',
  replayed: 'the answer had already been used once',
  unknown_request: 'the answer was for a sign-in not started here, or started too long ago',
};

export interface RefusalEvent {
  at: string;
  reason: string;
}

/**
 * One sentence (or null when there is nothing to say) about the refusals of `events` — newest
 * first, each a response-level refusal of the scope within the window `window` names.
 */
export function unattributedRefusalWarning(events: readonly RefusalEvent[], window: string): string | null {
  const known = events.filter((e): e is RefusalEvent & { reason: ResponseRefusal } => Object.hasOwn(RESPONSE_REFUSAL_HINTS, e.reason));
  if (known.length === 0) return null;
  const counts = new Map<string, number>();
  for (const e of known) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  const newest = known[0];
  const others = [...counts.entries()].filter(([reason]) => reason !== newest.reason).map(([reason, n]) => `${reason} ×${n}`);
  const count = known.length === 1 ? 'one SAML response' : `${known.length} SAML responses`;
  return (
    `In the ${window} Roster refused ${count} for this scope before it could tell whom ${known.length === 1 ? 'it was' : 'they were'} for. ` +
    `The newest (${newest.at}, ${newest.reason}): ${RESPONSE_REFUSAL_HINTS[newest.reason]}.` +
    (others.length > 0 ? ` Also: ${others.join(', ')}.` : '') +
    " If this person's sign-ins fail, this is the likely reason; the audit log's saml_sign_in_refused events have the details."
  );
}

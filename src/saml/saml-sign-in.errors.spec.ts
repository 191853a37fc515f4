import { RefusalReason, SamlRefusal } from './saml-sign-in.errors.js';

/**
 * Every reason but the group-only ones — group sync's, and link invitations' (neither can refuse an
 * instance sign-in): a new reason fails to compile until it is listed here or there.
 */
type GroupOnlyReason = 'no_group_link' | 'invitation_unknown' | 'invitation_used' | 'invitation_expired' | 'invitation_revoked';
const LISTED: Record<Exclude<RefusalReason, GroupOnlyReason>, true> = {
  malformed: true,
  too_large: true,
  unsigned: true,
  invalid_signature: true,
  wrong_audience: true,
  wrong_destination: true,
  wrong_recipient: true,
  expired: true,
  not_yet_valid: true,
  in_response_to_mismatch: true,
  idp_error: true,
  transient_name_id: true,
  invalid_response: true,
  wrong_issuer: true,
  assertion_unsigned: true,
  decryption_failed: true,
  assertion_not_encrypted: true,
  validation_timeout: true,
  validation_busy: true,
  missing_response: true,
  replayed: true,
  unknown_request: true,
  not_enabled: true,
  account_blocked: true,
  inactive_scim_identity: true,
  taken: true,
  not_linked: true,
  no_account: true,
  session_required: true,
  invalid_csrf_token: true,
  link_expired: true,
};
const REASONS = Object.keys(LISTED) as RefusalReason[];

const INSTANCE = { groupName: 'Roster', ssoUrl: 'https://roster.example/users/auth/saml/sso', scope: 'instance' as const };
const GROUP = { groupName: 'Acme', ssoUrl: 'https://roster.example/groups/acme/-/saml/sso', scope: 'group' as const };

function pageText(refusal: SamlRefusal): string {
  return [refusal.text.title, refusal.text.message, ...refusal.text.steps].join('\n');
}

describe('SAML refusal texts', () => {
  it.each(REASONS)('for the instance provider, %s speaks of the instance and its administrators, never of a group or its Owners', (reason) => {
    const text = pageText(new SamlRefusal(reason, INSTANCE));
    expect(text).not.toMatch(/\bgroup\b|\bOwner/);
  });

  it.each(REASONS)('for a group, %s keeps speaking of the group', (reason) => {
    const refusal = new SamlRefusal(reason, GROUP);
    expect(refusal.scope).toBe('group');
    expect(pageText(refusal)).not.toContain('Roster instance');
  });
});

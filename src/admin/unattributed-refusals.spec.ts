import { unattributedRefusalWarning } from './unattributed-refusals.js';

describe('unattributedRefusalWarning', () => {
  it('says nothing when no response was refused', () => {
    expect(unattributedRefusalWarning([], 'last 24 hours')).toBeNull();
  });

  it('ignores refusals that are about a person (those are in the person’s own verdict)', () => {
    expect(unattributedRefusalWarning([{ at: '2026-12-06T10:00:00Z', reason: 'taken' }], 'last 24 hours')).toBeNull();
  });

  it('names the newest refusal with its meaning, and counts the others by reason', () => {
    const warning = unattributedRefusalWarning(
      [
        { at: '2026-12-06T10:00:00Z', reason: 'invalid_signature' },
        { at: '2026-12-06T09:00:00Z', reason: 'wrong_issuer' },
        { at: '2026-12-06T08:00:00Z', reason: 'invalid_signature' },
        { at: '2026-12-06T07:00:00Z', reason: 'wrong_issuer' },
        { at: '2026-12-06T06:00:00Z', reason: 'expired' },
      ],
      'last 24 hours',
    );
    expect(warning).toBe(
      'In the last 24 hours Roster refused 5 SAML responses for this scope before it could tell whom they were for. ' +
        'The newest (2026-12-06T10:00:00Z, invalid_signature): the signature does not verify with the IdP certificates in the SAML settings (was the IdP certificate rotated?). ' +
        "Also: wrong_issuer ×2, expired ×1. If this person's sign-ins fail, this is the likely reason; the audit log's saml_sign_in_refused events have the details.",
    );
  });

  it('speaks of one response in the singular', () => {
    expect(unattributedRefusalWarning([{ at: 't', reason: 'wrong_audience' }], 'last 24 hours')).toMatch(
      /^In the last 24 hours Roster refused one SAML response for this scope before it could tell whom it was for\. The newest \(t, wrong_audience\)/,
    );
  });
});

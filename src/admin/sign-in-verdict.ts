/**
 * The sign-in troubleshooter's verdict: from what Roster knows about one person in one scope, can
 * they sign in with SAML, and if not, why and who fixes it. Pure, so every case is a unit test
 * (sign-in-verdict.spec.ts); the words are for the Owner or admin reading the troubleshooter.
 * The rules follow saml.md "What a valid response does", in the order the callback applies them.
 */

export interface VerdictFacts {
  /** The scope's SAML provider; null when none is configured. */
  provider: { enabled: boolean; enforcedSso: boolean } | null;
  /** The Roster account; null for a NameID that matched nobody. */
  user: { state: string } | null;
  /** The person's SCIM identity in this scope, active or not. */
  scim: { externUid: string; active: boolean } | null;
  /** The person's SAML identity in this scope (the NameID sign-in must present). */
  saml: { externUid: string } | null;
  member: { accessLevel: number; expiresAt: string | null } | null;
  /** The newest sign-in observation: what the IdP really sent, and what became of it. */
  lastSignIn: { nameId: string; outcome: string; at: string } | null;
  /** Today's UTC date (YYYY-MM-DD): a membership ends on its expires_at day. */
  today: string;
  /**
   * The instance provider (self-managed sign-in, /users/auth/saml/) has no members and refuses an
   * inactive SCIM identity whatever enforced SSO says; its words name the instance, not a group.
   */
  scope?: 'group' | 'instance';
}

export interface Verdict {
  /** `can_sign_in`; `cannot_sign_in`; or `unknown` when nothing blocks it but no sign-in was seen. */
  status: 'can_sign_in' | 'cannot_sign_in' | 'unknown';
  /** One sentence: "can sign in" / "cannot sign in because …". */
  summary: string;
  /** What to do, in order; empty when nothing needs doing. */
  fix: string[];
  /** Problems that do not block sign-in today but will confuse the IdP or the reports. */
  warnings: string[];
}

/** Why a recorded attempt was refused, for the Owner, by the refusal reason stored with it. */
const REFUSED_BECAUSE: Record<string, string> = {
  account_blocked: 'the account was blocked',
  inactive_scim_identity: 'the IdP had deprovisioned them (SCIM active=false) and SSO is enforced',
  taken: 'the NameID the IdP sent is linked to another account',
  not_linked: 'their account has an email the IdP sent, but no SAML identity in this group',
  no_account: 'no account has the NameID or the email the IdP sent',
  not_enabled: 'SAML SSO was not enabled',
  transient_name_id: 'the IdP sent a transient NameID, which changes at every sign-in',
  idp_error: 'the IdP itself answered with an error status',
  no_group_link: 'none of the IdP groups they belong to is linked to a role here (SAML Group Links), so group sync gave them no access',
  invitation_used: 'the link invitation they opened had already been used',
  invitation_expired: 'the link invitation they opened had expired',
  invitation_revoked: 'the link invitation they opened had been revoked',
};

/** The reasons whose words differ for the instance provider. */
const INSTANCE_REFUSED_BECAUSE: Record<string, string> = {
  inactive_scim_identity: 'the IdP had deprovisioned them from the instance (instance SCIM active=false)',
  not_linked: 'their account has an email the IdP sent, but no instance SAML identity',
};

function refusalReason(outcome: string): string | null {
  return outcome.startsWith('refused_') ? outcome.slice('refused_'.length) : null;
}

const cannot = (summary: string, fix: string[], warnings: string[] = []): Verdict => ({ status: 'cannot_sign_in', summary: `Cannot sign in because ${summary}.`, fix, warnings });

export function signInVerdict(f: VerdictFacts): Verdict {
  const instance = f.scope === 'instance';
  const where = instance ? 'the instance' : 'this group';
  const ssoUrl = instance ? "the instance's SSO URL (/users/auth/saml/sso)" : "the group's SSO URL";
  const warnings: string[] = [];
  if (f.scim && f.saml && f.scim.externUid !== f.saml.externUid) {
    warnings.push(`The SCIM externalId (${f.scim.externUid}) and the SAML NameID on record (${f.saml.externUid}) differ: the identity-mismatch report shows how to align them.`);
  }
  if (f.lastSignIn && f.saml && f.lastSignIn.nameId !== f.saml.externUid) {
    warnings.push(`The IdP last sent the NameID ${f.lastSignIn.nameId}, but the stored SAML identity is ${f.saml.externUid}.`);
  }

  if (!f.provider || !f.provider.enabled) {
    return cannot(
      'SAML SSO is not enabled here',
      [instance ? 'An admin configures and enables SAML SSO (Admin area › SAML settings).' : 'An Owner configures and enables SAML SSO (SAML SSO › Configuration).'],
      warnings,
    );
  }
  if (!f.user) {
    const seen = f.lastSignIn ? [`The IdP sent the NameID ${f.lastSignIn.nameId} at ${f.lastSignIn.at}; it matched no account.`] : [];
    return cannot(
      `no Roster account in ${where} has this identity`,
      [
        'Assign the person to the Roster app in the IdP, so that SCIM provisions their account with this NameID as its externalId.',
        `Or, if they already have a Roster account, they sign in to Roster and open ${ssoUrl} to link it.`,
      ],
      seen,
    );
  }
  // The instance callback names an inactive SCIM identity first, whatever enforced SSO says (instance
  // deprovisioning also blocks the account; re-assigning in the IdP is the fix).
  if (instance && f.scim && !f.scim.active) {
    return cannot(
      'the IdP deprovisioned them from the instance (their instance SCIM identity is inactive)',
      ['Re-assign the person to the Roster app in the IdP: instance SCIM then reactivates the identity and unblocks the account.'],
      warnings,
    );
  }
  if (f.user.state === 'blocked') {
    return cannot(
      'the Roster account is blocked',
      ['An admin unblocks the account (Admin › Users, or POST /api/v4/users/:id/unblock). If instance SCIM blocked it, re-assign the person in the IdP.'],
      warnings,
    );
  }
  if (f.scim && !f.scim.active && f.provider.enforcedSso) {
    return cannot(
      'the IdP deprovisioned them (their SCIM identity is inactive) and SSO is enforced',
      ['Re-assign the person to the Roster app in the IdP: SCIM then reactivates the identity and the membership.'],
      warnings,
    );
  }
  if (!f.saml) {
    return cannot(
      `their account is not linked to a SAML identity of ${where}`,
      [
        // Link invitations exist for groups only.
        ...(instance
          ? []
          : ['Send them a link invitation (Invite to link, here or on the Members page): they open it, sign in at the IdP once, and the NameID it sends is linked to their account.']),
        `${instance ? 'They' : 'Or they'} sign in to Roster, open ${ssoUrl} and choose Authorize, which links the NameID the IdP sends.`,
        'Or SCIM provisioning links them: the IdP sends their NameID as the SCIM externalId.',
      ],
      warnings,
    );
  }

  const reason = f.lastSignIn ? refusalReason(f.lastSignIn.outcome) : null;
  // The instance has no members: a sign-in there gives a session, nothing to add them to.
  const memberNote = instance
    ? ''
    : f.member === null
      ? ' They are not a member now: signing in adds them at the default role.'
      : f.member.expiresAt !== null && f.member.expiresAt <= f.today
        ? ` Their membership expired on ${f.member.expiresAt}: signing in adds them again at the default role.`
        : '';
  if (f.lastSignIn && reason !== null) {
    // Nothing Roster stores blocks them now, yet their last attempt failed: say why it failed.
    const known = instance && reason in INSTANCE_REFUSED_BECAUSE ? INSTANCE_REFUSED_BECAUSE[reason] : REFUSED_BECAUSE[reason];
    const because = known ?? `of "${reason}" (the audit log's saml_sign_in_refused event has the detail)`;
    return {
      status: 'unknown',
      summary: `Nothing in Roster blocks sign-in now, but the last attempt (${f.lastSignIn.at}) was refused because ${because}.${memberNote}`,
      fix: ['Ask them to sign in again from the IdP; if it fails again, this page shows the new attempt.'],
      warnings,
    };
  }
  if (!f.lastSignIn) {
    return { status: 'unknown', summary: `Can sign in as far as Roster knows, but no SAML sign-in has been seen yet.${memberNote}`, fix: [], warnings };
  }
  return { status: 'can_sign_in', summary: `Can sign in (last SAML sign-in ${f.lastSignIn.at}).${memberNote}`, fix: [], warnings };
}

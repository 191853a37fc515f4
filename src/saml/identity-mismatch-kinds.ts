import type { MismatchFacts, MismatchKind } from './identity-mismatch-report.repository.js';

/**
 * What each kind of the identity-mismatch report tells the owner (admin-api.md's table), with the
 * actual values in the sentence: the owner should not have to compare columns to see the problem.
 */
export interface MismatchAdvice {
  explanation: string;
  suggestedFix: string;
}

const q = (value: string | null) => (value === null ? 'nothing' : `"${value}"`);

export function adviceFor(kind: MismatchKind, f: MismatchFacts, scope: 'group' | 'instance' = 'group'): MismatchAdvice {
  if (scope === 'instance') {
    const advice = instanceAdvice(kind, f);
    if (advice) return advice;
  }
  switch (kind) {
    case 'scim_saml_mismatch':
      return {
        explanation: `The SCIM externalId is ${q(f.scimExternUid)} but the SAML identity's extern_uid is ${q(f.samlExternUid)}: SCIM updates and SAML sign-in match this person on different values.`,
        suggestedFix:
          `Set both to the NameID the identity provider sends${f.observedNameId ? ` (its last sign-in sent ${q(f.observedNameId)})` : ''}: ` +
          'resolve this row with that value, and make the IdP send the same attribute as SCIM externalId and SAML NameID.',
      };
    case 'name_id_mismatch':
      return {
        explanation:
          `The last SAML sign-in${f.observedAt ? ` (${f.observedAt})` : ''} sent the NameID ${q(f.observedNameId)}, ` +
          `but the stored extern_uid is ${q(f.samlExternUid ?? f.scimExternUid)}: the sign-in failed or relinked the account.`,
        suggestedFix: `Change the identity provider's NameID mapping to send ${q(f.samlExternUid ?? f.scimExternUid)}, or update extern_uid to the observed NameID ${q(f.observedNameId)}.`,
      };
    case 'saml_not_linked':
      return {
        explanation: `${f.scimExternUid !== null ? 'Provisioned by SCIM' : 'A member of the group'} but without a SAML identity: signing in with SAML says "User is not linked to a SAML account".`,
        suggestedFix:
          "Send the person a link invitation (Invite to link on the Members page): they open it, sign in at the identity provider once, and the NameID it sends is linked. Or they sign in to Roster, open the group's SSO URL and authorize the link.",
      };
    case 'scim_missing':
      return {
        explanation: `A member with a SAML identity (${q(f.samlExternUid)}) but no SCIM identity while the group has a SCIM token: when the identity provider provisions this person it will get 409/412.`,
        suggestedFix: "Assign the person in the identity provider's SCIM app, or remove the member.",
      };
    case 'scim_inactive_member':
      return f.scimActive
        ? {
            explanation: `The SCIM identity ${q(f.scimExternUid)} is active, but the user is not a member of the group.`,
            suggestedFix: 'Reprovision the person from the identity provider (or add them back as a member), or unassign them there.',
          }
        : {
            explanation: `The SCIM identity ${q(f.scimExternUid)} is inactive (deprovisioned), but the user is still a member of the group.`,
            suggestedFix: 'Reprovision the person from the identity provider, or remove the member.',
          };
  }
}

/**
 * The instance has no members: "member" reads "the account is active", and the SSO URL is the
 * instance's. Kinds that do not speak of either use the group's words.
 */
function instanceAdvice(kind: MismatchKind, f: MismatchFacts): MismatchAdvice | null {
  switch (kind) {
    case 'saml_not_linked':
      return {
        explanation: 'Provisioned by instance SCIM but without an instance SAML identity: signing in at the instance SSO URL says "User is not linked to a SAML account".',
        suggestedFix: "The user signs in to Roster, then opens the instance's SSO URL (/users/auth/saml/sso) and authorizes the link.",
      };
    case 'scim_missing':
      return {
        explanation: `An active account with an instance SAML identity (${q(f.samlExternUid)}) but no instance SCIM identity while the instance has a SCIM token: when the identity provider provisions this person it will get 409/412.`,
        suggestedFix: "Assign the person in the identity provider's instance SCIM app, or block the account if they should not have one.",
      };
    case 'scim_inactive_member':
      return f.scimActive
        ? {
            explanation: `The instance SCIM identity ${q(f.scimExternUid)} is active, but the account is blocked.`,
            suggestedFix: 'Unblock the account if the person should have access, or unassign them in the identity provider.',
          }
        : {
            explanation: `The instance SCIM identity ${q(f.scimExternUid)} is inactive (deprovisioned), but the account is active.`,
            suggestedFix: 'Reprovision the person from the identity provider, or block the account.',
          };
    default:
      return null;
  }
}

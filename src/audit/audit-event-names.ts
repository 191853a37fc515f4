/** The audit event names of admin-api.md; nothing else may be recorded. */
export const AUDIT_EVENT_NAMES = [
  'user_provisioned_by_scim',
  'user_linked_by_scim',
  'user_reprovisioned_by_scim',
  'user_deprovisioned_by_scim',
  'scim_identity_updated',
  'scim_user_attributes_updated',
  'scim_provisioning_refused',
  'inactive_scim_user_cannot_be_added',
  'scim_token_created',
  'scim_token_regenerated',
  'saml_provider_updated',
  'saml_identity_linked',
  'saml_identity_updated',
  'saml_identity_deleted',
  'authenticated_with_group_saml',
  'update_mismatched_group_saml_extern_uid',
  'saml_sign_in_refused',
  'member_added',
  'member_role_changed',
  'member_removed',
  'personal_access_token_created',
  'identity_mismatch_resolved',
  // Not in GitLab's list, but every state change is audited: accounts, groups, identities.
  'user_created',
  'group_created',
  'group_updated',
  'scim_identity_deleted',
] as const;

export type AuditEventName = (typeof AUDIT_EVENT_NAMES)[number];

import { OptionalBoolean, OptionalId, OptionalOneOf, OptionalText } from './coercion.js';

/**
 * The filters GitLab documents for GET /users. Each one given narrows the list; those that name
 * kinds of account Roster does not have (external, internal, bots, LDAP, two-factor) are accepted
 * with the answer they must give here, so no documented filter is ignored into a wider list.
 */
export class UsersQueryDto {
  @OptionalText(255) search?: string;
  @OptionalText(255) username?: string;
  @OptionalText(2048, false) extern_uid?: string;
  @OptionalText(255, false) provider?: string;
  @OptionalBoolean() active?: boolean;
  @OptionalBoolean() blocked?: boolean;
  @OptionalBoolean() admins?: boolean;
  @OptionalBoolean() external?: boolean;
  @OptionalBoolean() exclude_external?: boolean;
  @OptionalBoolean() exclude_internal?: boolean;
  @OptionalBoolean() without_project_bots?: boolean;
  @OptionalBoolean() humans?: boolean;
  @OptionalBoolean() without_projects?: boolean;
  @OptionalBoolean() skip_ldap?: boolean;
  @OptionalBoolean() auditors?: boolean;
  @OptionalOneOf(['enabled', 'disabled']) two_factor?: 'enabled' | 'disabled';
  @OptionalId() saml_provider_id?: number;
  /** Checked and turned into bounds by queryTimeBound, as for audit events. */
  @OptionalText(40, false) created_after?: string;
  @OptionalText(40, false) created_before?: string;
}

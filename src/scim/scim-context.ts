import type { Scope } from '../common/scope.js';
import type { GroupEntity } from '../groups/group.entity.js';
import type { SamlProviderEntity } from '../groups/saml-provider.entity.js';

/** What a SCIM request is about, resolved once by the scope guard after authentication. */
export interface ScimContext {
  scope: Scope;
  /** The group for group scope; null for the instance. */
  group: GroupEntity | null;
  provider: SamlProviderEntity;
  /** The SCIM base URL of this scope, for meta.location. */
  baseUrl: string;
  ip: string | null;
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import type { UserFilter } from '../users/users.service.js';
import { queryTimeBound } from './admin-input.js';
import type { UsersQueryDto } from './dto/users-query.dto.js';

/**
 * GitLab's identity providers for `provider`: group SAML, the instance's SAML, and `scim` (its
 * users API documents `provider=scim` for SCIM identities).
 */
const PROVIDERS: Record<string, 'group' | 'instance' | 'scim'> = { group_saml: 'group', saml: 'instance', scim: 'scim' };

/**
 * GET /users filters → the users repository's filter, or null when the answer is nobody. A "find
 * by extern_uid, then block" script acts on the first row: an unknown provider, a filter for a kind
 * of account Roster has none of, or a provider id that does not exist must give an empty list,
 * never the whole one.
 */
@Injectable()
export class UserFiltersService {
  constructor(
    private readonly providers: SamlProviderService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly scimIdentities: ScimIdentitiesService,
  ) {}

  async resolve(query: UsersQueryDto, isAdmin: boolean): Promise<UserFilter | null> {
    const identityFilters = query.extern_uid !== undefined || query.provider !== undefined || query.saml_provider_id !== undefined;
    // GitLab: looking people up by their identities is an administrator's tool.
    if (identityFilters && !isAdmin) throw new DomainError('forbidden', '403 Forbidden');
    if ((query.extern_uid === undefined) !== (query.provider === undefined)) {
      throw new DomainError('validation', 'extern_uid, provider provide all or none of parameters', { shape: 'error' });
    }
    const filter: UserFilter = {
      search: query.search,
      username: query.username,
      searchEmails: isAdmin,
      admins: query.admins === true ? true : undefined,
      createdAfter: queryTimeBound({ created_after: query.created_after }, 'created_after', 'after'),
      createdBefore: queryTimeBound({ created_before: query.created_before }, 'created_before', 'before'),
    };
    // GitLab's active/blocked narrow when true and are no filter when false.
    if (query.active === true && query.blocked === true) return null;
    if (query.active === true) filter.state = 'active';
    if (query.blocked === true) filter.state = 'blocked';
    // Roster has no external, auditor or two-factor accounts: asking for them finds nobody.
    if (query.external === true || query.auditors === true || query.two_factor === 'enabled') return null;
    if (query.extern_uid !== undefined && query.provider !== undefined) {
      const provider = PROVIDERS[query.provider];
      if (!provider) return null;
      filter.ids = provider === 'scim' ? await this.scimIdentities.userIdsWithExternUid(query.extern_uid) : await this.samlIdentities.userIdsWithExternUid(provider, query.extern_uid);
    }
    if (query.saml_provider_id !== undefined) {
      const provider = await this.providers.findById(query.saml_provider_id);
      if (!provider) return null;
      filter.samlIdentityInGroup = provider.groupId;
    }
    return filter;
  }
}

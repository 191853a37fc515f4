import { Controller, Delete, HttpCode, Inject, Param, Post, Put, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { groupScope, INSTANCE, Scope } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupsService } from '../groups/groups.service.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { UsersService } from '../users/users.service.js';
import { pathId } from './admin-input.js';
import { UpdateUserDto } from './dto/users.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { requireAdmin } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';
import { UserAccountsService } from './user-accounts.service.js';
import { userView } from './views.js';

const USER_NOT_FOUND = '404 User Not Found';

/**
 * An admin's account management with GitLab's paths: edit (with an identity), block, unblock and
 * identity removal. GitLab's SCIM troubleshooting page tells self-managed admins to fix a wrong
 * identity with `PUT /users/:id` `provider` + `extern_uid`; it goes through the SAML identity rules.
 */
@Controller('api/v4/users/:id')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class UserAdminController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly groups: GroupsService,
    private readonly providers: SamlProviderService,
    private readonly samlIdentities: SamlIdentitiesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Put()
  async update(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('id') rawId: string, @GitlabParams() input: UpdateUserDto) {
    requireAdmin(principal);
    const user = await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND));
    if ((input.provider === undefined) !== (input.extern_uid === undefined)) {
      throw new DomainError('validation', 'provider, extern_uid provide all or none of parameters', { shape: 'error' });
    }
    const identity = input.provider !== undefined ? { scope: await this.identityScope(input.provider, input.group_id_for_saml), externUid: input.extern_uid! } : undefined;
    await this.accounts.update(actor, user, { name: input.name, username: input.username, email: input.email, isAdmin: input.admin ?? input.is_admin }, identity);
    const updated = await this.users.getById(user.id);
    return { ...userView(updated, this.config.baseUrl), ...(await this.accounts.identities(updated)) };
  }

  /**
   * 201 `true` when the account was blocked, as GitLab (python-gitlab sets the state from that
   * answer); 201 `null` when it was blocked already (GitLab's endpoint ends early and renders
   * nothing), with no audit event. Sent with json(): Nest would send a bare `true` as text.
   */
  @Post('block')
  async block(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('id') rawId: string, @Res() response: Response): Promise<void> {
    requireAdmin(principal);
    const changed = await this.accounts.setBlocked(actor, await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND)), true);
    response.status(201).json(changed ? true : null);
  }

  /** 201 `true` when the account was unblocked; 201 `false` when it was not blocked (GitLab's unblock service fails on an active account). */
  @Post('unblock')
  async unblock(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('id') rawId: string, @Res() response: Response): Promise<void> {
    requireAdmin(principal);
    const changed = await this.accounts.setBlocked(actor, await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND)), false);
    response.status(201).json(changed);
  }

  /** GitLab: 204, or 404 "404 Identity Not Found". `group_saml` names one group with `group_id_for_saml` when the person has several. */
  @Delete('identities/:provider')
  @HttpCode(204)
  async deleteIdentity(
    @Principal() principal: PersonPrincipal,
    @RequestActor() actor: Actor,
    @Param('id') rawId: string,
    @Param('provider') provider: string,
    @GitlabParams() input: UpdateUserDto,
  ): Promise<void> {
    requireAdmin(principal);
    const user = await this.users.getById(pathId(rawId, 'id', USER_NOT_FOUND));
    let scope: Scope;
    if (provider === 'saml') scope = INSTANCE;
    else if (provider === 'group_saml') {
      const groupIds = (await this.samlIdentities.findAllForUser(user.id)).filter((i) => i.groupId !== null).map((i) => i.groupId!);
      const groupId = input.group_id_for_saml ?? groupIds[0];
      if (groupId === undefined || !groupIds.includes(groupId)) throw new DomainError('not_found', '404 Identity Not Found');
      scope = groupScope(groupId);
    } else throw new DomainError('not_found', '404 Identity Not Found');
    await this.samlIdentities.deleteForUser(actor, scope, user.id);
  }

  /** The scope an identity goes to: the instance for `saml`, a group with SAML configured for `group_saml`. */
  private async identityScope(provider: string, groupId: number | undefined): Promise<Scope> {
    if (provider === 'saml') return INSTANCE;
    if (provider !== 'group_saml') throw new DomainError('validation', 'provider is not a known identity provider', { fields: { provider: ['must be group_saml or saml'] } });
    if (groupId === undefined) throw new DomainError('validation', 'group_id_for_saml is missing', { shape: 'error' });
    const group = await this.groups.findById(groupId);
    if (!group) throw new DomainError('not_found', '404 Group Not Found');
    if (!(await this.providers.find(groupScope(group.id)))) {
      throw new DomainError('validation', 'The group has no SAML provider', { fields: { group_id_for_saml: ['must be a group with SAML SSO configured'] } });
    }
    return groupScope(group.id);
  }
}

import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Put, StreamableFile, UseGuards, UsePipes } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { groupScope } from '../common/scope.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import type { SamlIdentityEntity } from '../saml/saml-identity.entity.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import type { ScimIdentityEntity } from '../scim/scim-identity.entity.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { ExternUidDto } from './dto/identities.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { streamJsonArray, STREAM_CHUNK } from './json-array-stream.js';
import { Principal, RequestActor } from './request-actor.js';

/** GitLab's IdentityDetail entity: `user_id` is a number; `active` exists only for SCIM identities. */
export function samlIdentityView(identity: Pick<SamlIdentityEntity, 'externUid' | 'userId'>) {
  return { extern_uid: identity.externUid, user_id: identity.userId };
}

export function scimIdentityView(identity: Pick<ScimIdentityEntity, 'externUid' | 'userId' | 'active'>) {
  return { extern_uid: identity.externUid, user_id: identity.userId, active: Boolean(identity.active) };
}

/**
 * The group SAML and SCIM identity endpoints with GitLab's paths, shapes and messages
 * (doc/api/saml.md, doc/api/scim.md), so scripts written against GitLab work unchanged. Owners only.
 * `:uid` is the extern_uid, URL-encoded: dots, `@` and `+` arrive as sent. SAML uids match exactly
 * (a NameID is an opaque string), SCIM uids case-insensitively (as SCIM resource ids do). The
 * `/identities` routes are declared first, so they win over a uid spelled "identities", as in GitLab.
 */
@Controller('api/v4/groups/:group')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class IdentitiesController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly providers: SamlProviderService,
    private readonly saml: SamlIdentitiesService,
    private readonly scim: ScimIdentitiesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every identity of the group in one answer, as GitLab (not paged), streamed as it is read. */
  @Get('saml/identities')
  async samlList(@Principal() principal: PersonPrincipal, @Param('group') ref: string): Promise<StreamableFile> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const scope = groupScope(group.id);
    // GitLab answers 400 when the group has no SAML provider to hold identities.
    if (!(await this.providers.find(scope))) throw new DomainError('invalid_value', '400 Bad request');
    return streamJsonArray((afterId: number) => this.saml.chunkAfter(scope, afterId, STREAM_CHUNK), samlIdentityView);
  }

  @Get('saml/:uid')
  async samlGet(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('uid') uid: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return samlIdentityView(await this.saml.get(groupScope(group.id), uid));
  }

  @Patch('saml/:uid')
  async samlUpdate(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string, @GitlabParams() input: ExternUidDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return samlIdentityView(await this.saml.updateExternUid(actor, groupScope(group.id), uid, input.extern_uid));
  }

  /** PUT as well as GitLab's PATCH: python-gitlab 3.x has http_put but no http_patch for scripts. */
  @Put('saml/:uid')
  samlReplace(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string, @GitlabParams() input: ExternUidDto) {
    return this.samlUpdate(principal, actor, ref, uid, input);
  }

  @Delete('saml/:uid')
  @HttpCode(204)
  async samlDelete(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.saml.delete(actor, groupScope(group.id), uid);
  }

  /** Every SCIM identity of the group, inactive ones too, in one streamed answer (as GitLab). */
  @Get('scim/identities')
  async scimList(@Principal() principal: PersonPrincipal, @Param('group') ref: string): Promise<StreamableFile> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const scope = groupScope(group.id);
    return streamJsonArray((afterId: number) => this.scim.chunkAfter(scope, afterId, STREAM_CHUNK), scimIdentityView);
  }

  @Get('scim/:uid')
  async scimGet(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('uid') uid: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return scimIdentityView(await this.scim.get(groupScope(group.id), uid));
  }

  @Patch('scim/:uid')
  async scimUpdate(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string, @GitlabParams() input: ExternUidDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return scimIdentityView(await this.scim.update(actor, groupScope(group.id), uid, input.extern_uid));
  }

  @Put('scim/:uid')
  scimReplace(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string, @GitlabParams() input: ExternUidDto) {
    return this.scimUpdate(principal, actor, ref, uid, input);
  }

  @Delete('scim/:uid')
  @HttpCode(204)
  async scimDelete(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.scim.delete(actor, groupScope(group.id), uid);
  }
}

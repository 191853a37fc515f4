import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../common/actor.js';
import { FieldProblems } from '../common/field-problems.js';
import { parsePageRequest } from '../common/paging.js';
import { groupScope } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupFilter, GroupsService, GroupSettings, parseDomains } from '../groups/groups.service.js';
import { OWNER } from '../groups/member.entity.js';
import { GroupsQueryDto } from './dto/groups-query.dto.js';
import { CreateGroupDto, SamlMetadataImportDto, SamlProviderDto, UpdateGroupDto } from './dto/groups.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { SamlSpKeysService } from '../saml/sp-keys/saml-sp-keys.service.js';
import { spKeyId } from './sp-key-id.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { TokensService } from '../tokens/tokens.service.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal, RequestActor } from './request-actor.js';
import { groupView, samlProviderView, scimApiUrl } from './views.js';

/** Groups, their SAML SSO settings and their SCIM token. */
@Controller('api/v4/groups')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class GroupsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly access: GroupAccessService,
    private readonly providers: SamlProviderService,
    private readonly tokens: TokensService,
    private readonly spKeyPairs: SamlSpKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  async create(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @GitlabParams() input: CreateGroupDto, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const group = await this.groups.create(actor, { name: input.name, path: input.path }, principal.user.username);
    response.status(201);
    return groupView(group, this.config.baseUrl);
  }

  /**
   * Admins: every group; others: the groups they belong to. `owned` and `min_access_level` are about
   * the caller's own memberships, for admins too (as in GitLab).
   */
  @Get()
  async list(
    @Principal() principal: PersonPrincipal,
    @GitlabParams() filters: GroupsQueryDto,
    @Query() query: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const minAccessLevel = filters.owned ? OWNER : filters.min_access_level;
    const onlyOwn = !principal.user.isAdmin || minAccessLevel !== undefined;
    const filter: GroupFilter = { search: filters.search, skipIds: filters.skip_groups, ...(onlyOwn ? { memberUserId: principal.user.id, minAccessLevel } : {}) };
    const page = await this.groups.list(filter, parsePageRequest(query));
    return sendPage(request, response, this.config.baseUrl, page, (g) => groupView(g, this.config.baseUrl));
  }

  @Get(':group')
  async get(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'read');
    return { ...groupView(group, this.config.baseUrl), permissions: await this.access.permissions(principal, group) };
  }

  @Put(':group')
  async update(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: UpdateGroupDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const settings: GroupSettings = {};
    // Every bad field in one answer.
    const problems = new FieldProblems();
    if (input.name !== undefined) {
      if (input.name.trim() === '') problems.add('name', 'must be a non-empty string of at most 255 characters');
      else settings.name = input.name.trim();
    }
    const allowed = input.allowed_email_domains;
    const verified = input.verified_domains;
    if (allowed !== undefined) settings.allowedEmailDomains = problems.check('allowed_email_domains', () => parseDomains('allowed_email_domains', allowed));
    if (verified !== undefined) settings.verifiedDomains = problems.check('verified_domains', () => parseDomains('verified_domains', verified));
    problems.throwIfAny();
    return groupView(await this.groups.update(actor, group, settings), this.config.baseUrl);
  }

  /** GitLab answers 202 "202 Accepted" (it deletes later); Roster has deleted it when it answers. */
  @Delete(':group')
  @HttpCode(202)
  async remove(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.groups.delete(actor, group);
    return { message: '202 Accepted' };
  }

  @Get(':group/saml_provider')
  async samlProvider(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return samlProviderView(await this.providers.find(groupScope(group.id)), this.config.baseUrl, group);
  }

  @Put(':group/saml_provider')
  async updateSamlProvider(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: SamlProviderDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const saved = await this.providers.update(actor, groupScope(group.id), input);
    return samlProviderView(saved, this.config.baseUrl, group);
  }

  /** Fills the IdP settings from the IdP's SAML metadata XML (`{metadata}`). */
  @Post(':group/saml_provider/metadata')
  @HttpCode(200)
  async importSamlMetadata(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: SamlMetadataImportDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const saved = await this.providers.importMetadata(actor, groupScope(group.id), input.metadata);
    return samlProviderView(saved, this.config.baseUrl, group);
  }

  /** The group provider's own SP key pairs (certificates only), current first; made at first use. */
  @Get(':group/saml_provider/sp_keys')
  async spKeys(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.spKeyPairs.list(groupScope(group.id));
  }

  /** Rotation: a new SP key pair becomes current; the previous ones keep decrypting until removed. */
  @Post(':group/saml_provider/sp_keys')
  async rotateSpKey(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.spKeyPairs.rotate(actor, groupScope(group.id));
  }

  @Delete(':group/saml_provider/sp_keys/:key_id')
  @HttpCode(204)
  async removeSpKey(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('key_id') keyId: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.spKeyPairs.remove(actor, groupScope(group.id), spKeyId(keyId));
  }

  @Get(':group/scim_token')
  async scimToken(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return { scim_api_url: scimApiUrl(this.config.baseUrl, group), ...(await this.tokens.scimTokenStatus(groupScope(group.id))) };
  }

  @Post(':group/scim_token')
  async generateScimToken(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Res({ passthrough: true }) response: Response) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const token = await this.tokens.generateScimToken(actor, groupScope(group.id));
    response.status(201).setHeader('Cache-Control', 'no-store');
    return { scim_api_url: scimApiUrl(this.config.baseUrl, group), scim_token: token };
  }
}

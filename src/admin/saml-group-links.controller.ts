import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { SamlGroupLinksService } from '../group-sync/saml-group-links.service.js';
import { ScimGroupsService } from '../group-sync/scim-groups.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { SamlGroupLinkDto } from './dto/groups.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';

/** The SCIM groups an owner sees on the SAML SSO page (docs/group-sync.md). */
@Controller('api/v4/groups/:group/scim_groups')
@UseGuards(PersonAuthGuard)
export class ScimGroupsViewController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly scimGroups: ScimGroupsService,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.scimGroups.overview(group.id);
  }
}

/** GitLab's SAML Group Links API (docs/group-sync.md): owners and admins only. */
@Controller('api/v4/groups/:group/saml_group_links')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class SamlGroupLinksController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly links: SamlGroupLinksService,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.links.list(group);
  }

  @Post()
  async create(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @GitlabParams() input: SamlGroupLinkDto) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.links.create(actor, group, input);
  }

  @Get(':name')
  async get(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @Param('name') name: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.links.get(group, name);
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('name') name: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.links.remove(actor, group, name);
  }
}

import { Controller, Delete, Get, HttpCode, Param, Post, Res, UseGuards, UsePipes } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../common/actor.js';
import { groupDomains, GroupsService } from '../groups/groups.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { VerifiedDomainDto } from './dto/groups.dto.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';

/**
 * A group's verified domains one at a time, for the UI and scripts: members whose email is in one
 * get the Enterprise badge. `PUT /groups/:id {verified_domains}` still replaces the whole list;
 * these add or remove one without a read-modify-write race between two Owners.
 */
@Controller('api/v4/groups/:group/verified_domains')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class VerifiedDomainsController {
  constructor(
    private readonly groups: GroupsService,
    private readonly access: GroupAccessService,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return groupDomains(group).verified.map((domain) => ({ domain }));
  }

  /** `{domain}` → 201 `{domain, verified_domains}`; an invalid domain → 400, one this or another group already verifies → 409; nothing changes. */
  @Post()
  async add(
    @Principal() principal: PersonPrincipal,
    @RequestActor() actor: Actor,
    @Param('group') ref: string,
    @GitlabParams() input: VerifiedDomainDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    const { group: saved, domain } = await this.groups.addVerifiedDomain(actor, group, input.domain);
    response.status(201);
    return { domain, verified_domains: groupDomains(saved).verified };
  }

  @Delete(':domain')
  @HttpCode(204)
  async remove(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('domain') domain: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.groups.removeVerifiedDomain(actor, group, domain);
  }
}

import { Controller, Delete, Get, HttpCode, Param, UseGuards, UsePipes } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { groupScope } from '../common/scope.js';
import { ScimIdentityAliasesService } from '../scim/scim-identity-aliases.service.js';
import type { AliasView } from '../scim/scim-identity-aliases.repository.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService } from './group-access.service.js';
import { Principal, RequestActor } from './request-actor.js';

export function aliasView(alias: AliasView) {
  return { extern_uid: alias.externUid, user_id: alias.userId, current_extern_uid: alias.currentExternUid, created_at: alias.createdAt };
}

/**
 * A group's SCIM id aliases: previous extern_uids that still address a person because the IdP may
 * keep using them (scim-api.md). Owners list them and drop one the IdP no longer uses, or whose
 * value must be given to someone else.
 */
@Controller('api/v4/groups/:group/scim_aliases')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class ScimAliasesController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly aliases: ScimIdentityAliasesService,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Param('group') ref: string) {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return (await this.aliases.list(groupScope(group.id))).map(aliasView);
  }

  @Delete(':uid')
  @HttpCode(204)
  async drop(@Principal() principal: PersonPrincipal, @RequestActor() actor: Actor, @Param('group') ref: string, @Param('uid') uid: string): Promise<void> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    await this.aliases.dropByOwner(actor, groupScope(group.id), uid);
  }
}

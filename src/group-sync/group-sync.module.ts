import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { READER } from '../database/data-source-options.js';
import { GroupsModule } from '../groups/groups.module.js';
import { GroupSyncService } from './group-sync.service.js';
import { SamlGroupAssertionEntity } from './saml-group-assertion.entity.js';
import { SamlGroupLinkEntity } from './saml-group-link.entity.js';
import { SamlGroupLinksRepository } from './saml-group-links.repository.js';
import { SamlGroupLinksService } from './saml-group-links.service.js';
import { ScimGroupMemberEntity } from './scim-group-member.entity.js';
import { ScimGroupEntity } from './scim-group.entity.js';
import { ScimGroupsRepository } from './scim-groups.repository.js';
import { ScimGroupsService } from './scim-groups.service.js';

/**
 * Group sync (docs/group-sync.md): owns saml_group_links, saml_group_assertions, scim_groups and
 * scim_group_members; decides roles through MembershipService, which owns members.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SamlGroupLinkEntity, SamlGroupAssertionEntity, ScimGroupEntity, ScimGroupMemberEntity], READER), AuditModule, GroupsModule],
  providers: [SamlGroupLinksRepository, ScimGroupsRepository, GroupSyncService, SamlGroupLinksService, ScimGroupsService],
  exports: [GroupSyncService, SamlGroupLinksService, ScimGroupsService],
})
export class GroupSyncModule {}

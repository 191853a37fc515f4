import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { READER } from '../database/data-source-options.js';
import { GroupEntity } from './group.entity.js';
import { MemberEntity } from './member.entity.js';
import { SamlProviderEntity } from './saml-provider.entity.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';
import { MembersRepository } from './members.repository.js';
import { MemberExpiryService } from './member-expiry.service.js';
import { MembershipService } from './membership.service.js';
import { SamlProviderService } from './saml-provider.service.js';
import { SamlProvidersRepository } from './saml-providers.repository.js';

/** Owns groups, members and saml_providers. */
@Module({
  imports: [TypeOrmModule.forFeature([GroupEntity, MemberEntity, SamlProviderEntity], READER), AuditModule],
  providers: [GroupsRepository, MembersRepository, SamlProvidersRepository, GroupsService, MembershipService, SamlProviderService, MemberExpiryService],
  exports: [GroupsService, MembershipService, SamlProviderService, MemberExpiryService],
})
export class GroupsModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { GroupsRepository } from './groups.repository.js';
import { GroupsService } from './groups.service.js';
import { MembersRepository } from './members.repository.js';
import { MembershipService } from './membership.service.js';
import { SamlProviderService } from './saml-provider.service.js';
import { SamlProvidersRepository } from './saml-providers.repository.js';

@Module({
  imports: [AuditModule],
  providers: [GroupsRepository, MembersRepository, SamlProvidersRepository, GroupsService, MembershipService, SamlProviderService],
  exports: [GroupsService, MembershipService, SamlProviderService],
})
export class GroupsModule {}

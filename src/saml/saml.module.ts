import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { SamlIdentityEntity } from './saml-identity.entity.js';
import { SamlSignInEntity } from './saml-sign-in.entity.js';
import { AuditModule } from '../audit/audit.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { SamlIdentitiesRepository } from './saml-identities.repository.js';
import { SamlIdentitiesService } from './saml-identities.service.js';
import { SamlSignInsRepository } from './saml-sign-ins.repository.js';
import { SamlSignInsService } from './saml-sign-ins.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SamlIdentityEntity, SamlSignInEntity], READER), AuditModule, GroupsModule],
  providers: [SamlIdentitiesRepository, SamlIdentitiesService, SamlSignInsRepository, SamlSignInsService],
  exports: [SamlIdentitiesService, SamlSignInsService],
})
export class SamlModule {}

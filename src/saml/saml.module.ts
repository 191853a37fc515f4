import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SamlIdentitiesRepository } from './saml-identities.repository.js';
import { SamlIdentitiesService } from './saml-identities.service.js';
import { SamlSignInsRepository } from './saml-sign-ins.repository.js';
import { SamlSignInsService } from './saml-sign-ins.service.js';

@Module({
  imports: [AuditModule],
  providers: [SamlIdentitiesRepository, SamlIdentitiesService, SamlSignInsRepository, SamlSignInsService],
  exports: [SamlIdentitiesService, SamlSignInsService],
})
export class SamlModule {}

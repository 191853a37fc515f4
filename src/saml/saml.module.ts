import { Module } from '@nestjs/common';
import { SamlIdentitiesRepository } from './saml-identities.repository.js';
import { SamlIdentitiesService } from './saml-identities.service.js';

@Module({
  providers: [SamlIdentitiesRepository, SamlIdentitiesService],
  exports: [SamlIdentitiesService],
})
export class SamlModule {}

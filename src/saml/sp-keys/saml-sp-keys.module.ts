import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../../audit/audit.module.js';
import { READER } from '../../database/data-source-options.js';
import { SamlSpKeyEntity } from './saml-sp-key.entity.js';
import { SamlSpKeysRepository } from './saml-sp-keys.repository.js';
import { SamlSpKeysService } from './saml-sp-keys.service.js';

/** Owns saml_sp_keys: the SP key pairs of every provider. */
@Module({
  imports: [TypeOrmModule.forFeature([SamlSpKeyEntity], READER), AuditModule],
  providers: [SamlSpKeysRepository, SamlSpKeysService],
  exports: [SamlSpKeysService],
})
export class SamlSpKeysModule {}

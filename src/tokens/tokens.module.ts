import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { PersonalAccessTokenEntity } from './personal-access-token.entity.js';
import { ScimTokenEntity } from './scim-token.entity.js';
import { SessionEntity } from './session.entity.js';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { PatBearerStrategy } from './pat-bearer.strategy.js';
import { PersonAuthGuard } from './person-auth.guard.js';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimBearerStrategy } from './scim-bearer.strategy.js';
import { SessionsService } from './sessions.service.js';
import { TokensRepository } from './tokens.repository.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([PersonalAccessTokenEntity, ScimTokenEntity, SessionEntity], READER), PassportModule, UsersModule, AuditModule],
  providers: [TokensRepository, TokensService, SessionsService, PatBearerStrategy, ScimBearerStrategy, PersonAuthGuard, ScimAuthGuard],
  exports: [TokensService, SessionsService, PersonAuthGuard, ScimAuthGuard],
})
export class TokensModule {}

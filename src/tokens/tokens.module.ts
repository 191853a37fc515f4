import { Module } from '@nestjs/common';
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
  imports: [PassportModule, UsersModule, AuditModule],
  providers: [TokensRepository, TokensService, SessionsService, PatBearerStrategy, ScimBearerStrategy, PersonAuthGuard, ScimAuthGuard],
  exports: [TokensService, SessionsService, PersonAuthGuard, ScimAuthGuard],
})
export class TokensModule {}

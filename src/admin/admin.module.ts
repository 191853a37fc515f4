import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { SamlModule } from '../saml/saml.module.js';
import { ScimModule } from '../scim/scim.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { BootstrapService } from './bootstrap.service.js';
import { HealthController, PingController } from './health.controller.js';
import { ApplicationController } from './application.controller.js';
import { GroupAccessService } from './group-access.service.js';
import { GroupsController } from './groups.controller.js';

/** The /api/v4 controllers: they compose the feature modules' services and own no tables. */
@Module({
  imports: [AuditModule, GroupsModule, SamlModule, ScimModule, TokensModule, UsersModule],
  controllers: [HealthController, PingController, GroupsController, ApplicationController],
  providers: [BootstrapService, GroupAccessService],
  exports: [BootstrapService],
})
export class AdminModule {}

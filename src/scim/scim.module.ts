import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { ScimIdentityEntity } from './scim-identity.entity.js';
import { ScimIdentityEmailEntity } from './scim-identity-email.entity.js';
import { ScimIdentityAliasEntity } from './scim-identity-alias.entity.js';
import { ScimIdentityAliasesRepository } from './scim-identity-aliases.repository.js';
import { ScimIdentityAliasesService } from './scim-identity-aliases.service.js';
import { ScimRequestEntity } from './scim-request.entity.js';
import { ScimRateBucketEntity } from './scim-rate-bucket.entity.js';
import { ScimRateBucketsRepository } from './scim-rate-buckets.repository.js';
import { AuditModule } from '../audit/audit.module.js';
import { GroupSyncModule } from '../group-sync/group-sync.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { SamlModule } from '../saml/saml.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { MailModule } from '../mail/mail.module.js';
import { ProvisioningService } from './provisioning.service.js';
import { ScimDiscoveryController } from './scim-discovery.controller.js';
import { ScimGroupsController } from './scim-groups.controller.js';
import { ScimIdentitiesRepository } from './scim-identities.repository.js';
import { ScimIdentitiesService } from './scim-identities.service.js';
import { ScimRequestLogRepository } from './scim-request-log.repository.js';
import { ScimRequestLogService } from './scim-request-log.service.js';
import { ScimScopeGuard } from './scim-scope.guard.js';
import { ScimUserChangesService } from './scim-user-changes.service.js';
import { ScimUsersController } from './scim-users.controller.js';
import { ScimUsersService } from './scim-users.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([ScimIdentityEntity, ScimIdentityEmailEntity, ScimRequestEntity, ScimRateBucketEntity, ScimIdentityAliasEntity], READER),
    AuditModule,
    GroupsModule,
    GroupSyncModule,
    SamlModule,
    TokensModule,
    UsersModule,
    MailModule,
  ],
  controllers: [ScimUsersController, ScimGroupsController, ScimDiscoveryController],
  providers: [
    ScimIdentitiesRepository,
    ScimRequestLogRepository,
    ScimRequestLogService,
    ProvisioningService,
    ScimUsersService,
    ScimUserChangesService,
    ScimIdentitiesService,
    ScimScopeGuard,
    ScimRateBucketsRepository,
    ScimIdentityAliasesRepository,
    ScimIdentityAliasesService,
  ],
  exports: [ScimRequestLogService, ScimIdentitiesService, ScimIdentityAliasesService],
})
/** The request log is recorded by an app-level middleware (app-setup.ts), ahead of body parsing. */
export class ScimModule {}

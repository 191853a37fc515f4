import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { SamlRequestEntity } from './saml-request.entity.js';
import { SamlAssertionEntity } from './saml-assertion.entity.js';
import { AuditModule } from '../audit/audit.module.js';
import { GroupSyncModule } from '../group-sync/group-sync.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { ScimModule } from '../scim/scim.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { IdentityMismatchExemptionEntity } from './identity-mismatch-exemption.entity.js';
import { IdentityMismatchExemptionsRepository } from './identity-mismatch-exemptions.repository.js';
import { IdentityMismatchReportRepository } from './identity-mismatch-report.repository.js';
import { IdentityMismatchesService } from './identity-mismatches.service.js';
import { SamlAssertionsRepository } from './saml-assertions.repository.js';
import { registerSamlErrorRenderer } from './saml-error.renderer.js';
import { SamlLinkService } from './saml-link.service.js';
import { SamlRequestsRepository } from './saml-requests.repository.js';
import { SamlServiceProviderService } from './saml-service-provider.service.js';
import { SamlSignInService } from './saml-sign-in.service.js';
import { InstanceSamlController, SamlSsoController } from './saml-sso.controller.js';
import { SamlEndpointsService } from './saml-endpoints.service.js';
import { SamlValidationService } from './saml-validation.service.js';
import { SamlModule } from './saml.module.js';
import { SamlLinkInvitationEntity } from './saml-link-invitation.entity.js';
import { SamlLinkInvitationsRepository } from './saml-link-invitations.repository.js';
import { SamlLinkInvitationsService } from './saml-link-invitations.service.js';
import { LinkInvitationSignInService } from './link-invitation-sign-in.service.js';
import { SamlLogoutService } from './saml-logout.service.js';
import { SamlSpKeysModule } from './sp-keys/saml-sp-keys.module.js';

/**
 * The SAML service providers (each group's and the instance's): SP endpoints, sign-in, account
 * linking, the replay cache and issued requests, link invitations, and the identity-mismatch report.
 * A module of its own, beside SamlModule, because it
 * reads SCIM identities and ScimModule already imports SamlModule (SCIM provisioning creates SAML
 * identities); importing ScimModule here keeps the dependency one-way.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SamlRequestEntity, SamlAssertionEntity, IdentityMismatchExemptionEntity, SamlLinkInvitationEntity], READER),
    SamlModule,
    ScimModule,
    GroupsModule,
    GroupSyncModule,
    UsersModule,
    TokensModule,
    AuditModule,
    SamlSpKeysModule,
  ],
  controllers: [SamlSsoController, InstanceSamlController],
  providers: [
    SamlValidationService,
    SamlRequestsRepository,
    SamlAssertionsRepository,
    SamlServiceProviderService,
    SamlSignInService,
    SamlLinkService,
    SamlEndpointsService,
    IdentityMismatchReportRepository,
    IdentityMismatchExemptionsRepository,
    IdentityMismatchesService,
    SamlLinkInvitationsRepository,
    SamlLinkInvitationsService,
    LinkInvitationSignInService,
    SamlLogoutService,
  ],
  exports: [IdentityMismatchesService, SamlLinkInvitationsService, SamlLogoutService, SamlServiceProviderService],
})
export class SamlSsoModule {
  constructor() {
    registerSamlErrorRenderer();
  }
}

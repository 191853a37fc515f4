import { GroupSyncModule } from '../group-sync/group-sync.module.js';
import { SamlGroupLinksController, ScimGroupsViewController } from './saml-group-links.controller.js';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { SamlModule } from '../saml/saml.module.js';
import { SamlSsoModule } from '../saml/saml-sso.module.js';
import { SamlSpKeysModule } from '../saml/sp-keys/saml-sp-keys.module.js';
import { ScimModule } from '../scim/scim.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuditEventsController } from './audit-events.controller.js';
import { BootstrapService } from './bootstrap.service.js';
import { IdentityMismatchesController, InstanceIdentityMismatchesController } from './identity-mismatches.controller.js';
import { ApplicationController } from './application.controller.js';
import { GroupAccessService } from './group-access.service.js';
import { gitlabJsonResponses } from './gitlab-json.middleware.js';
import { GroupsController } from './groups.controller.js';
import { IdentitiesController } from './identities.controller.js';
import { ScimAliasesController } from './scim-aliases.controller.js';
import { EmailOutboxController } from './email-outbox.controller.js';
import { MailModule } from '../mail/mail.module.js';
import { MembersController } from './members.controller.js';
import { MembersViewService } from './members-view.service.js';
import { ScimRequestsController } from './scim-requests.controller.js';
import { SessionController } from './session.controller.js';
import { UserAccountsService } from './user-accounts.service.js';
import { UserFiltersService } from './user-filters.service.js';
import { UsersController } from './users.controller.js';
import { UserAdminController } from './user-admin.controller.js';
import { ProvisionedUsersController } from './provisioned-users.controller.js';
import { VersionController } from './version.controller.js';
import { SignInDiagnosisController } from './sign-in-diagnosis.controller.js';
import { SignInDiagnosisService } from './sign-in-diagnosis.service.js';
import { PersonalAccessTokensController } from './personal-access-tokens.controller.js';
import { SamlLinkInvitationsController } from './saml-link-invitations.controller.js';
import { VerifiedDomainsController } from './verified-domains.controller.js';

/** The /api/v4 controllers: they compose the feature modules' services and own no tables. */
@Module({
  imports: [AuditModule, GroupsModule, GroupSyncModule, SamlModule, SamlSsoModule, SamlSpKeysModule, ScimModule, TokensModule, UsersModule, MailModule],
  controllers: [
    GroupsController,
    SamlGroupLinksController,
    ScimGroupsViewController,
    ApplicationController,
    SessionController,
    UsersController,
    UserAdminController,
    ProvisionedUsersController,
    VersionController,
    PersonalAccessTokensController,
    MembersController,
    IdentitiesController,
    ScimAliasesController,
    EmailOutboxController,
    AuditEventsController,
    ScimRequestsController,
    IdentityMismatchesController,
    InstanceIdentityMismatchesController,
    SignInDiagnosisController,
    SamlLinkInvitationsController,
    VerifiedDomainsController,
  ],
  providers: [BootstrapService, GroupAccessService, MembersViewService, UserAccountsService, UserFiltersService, SignInDiagnosisService],
  exports: [BootstrapService],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(gitlabJsonResponses).forRoutes('api/v4/{*rest}');
  }
}

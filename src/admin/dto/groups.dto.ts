import { OptionalText, OptionalTextList, RequiredText, ToBoolean, ToInteger } from './coercion.js';
import { IsOptional } from 'class-validator';

/** POST /groups. */
export class CreateGroupDto {
  @RequiredText(255) name: string;
  @RequiredText(255) path: string;
}

/** PUT /groups/:id: what is given changes; domain lists as arrays, repeated fields or comma-separated. */
export class UpdateGroupDto {
  @OptionalText(255, false) name?: string;
  @OptionalTextList() allowed_email_domains?: string[];
  @OptionalTextList() verified_domains?: string[];
}

/** POST /groups/:id/verified_domains: the domain's form is checked by GroupsService (parseDomains). */
export class VerifiedDomainDto {
  @RequiredText(255) domain: string;
}

/** PUT …/saml_provider: types coerced here, values checked by SamlProviderService. */
/** Booleans are only coerced here: SamlProviderService checks every field, so all problems are told at once. */
export class SamlProviderDto {
  @IsOptional() @ToBoolean() enabled?: unknown;
  @IsOptional() @ToBoolean() enforced_sso?: unknown;
  @IsOptional() @ToInteger() default_membership_role?: unknown;
  @OptionalText(2048, false) sso_url?: string;
  @OptionalText(100_000, false) certificate?: string;
  @OptionalText(512, false) groups_attribute?: string;
  @IsOptional() @ToBoolean() welcome_email?: unknown;
  @IsOptional() @ToBoolean() welcome_email_on_reactivation?: unknown;
  @OptionalText(100_000, false) secondary_certificate?: string;
  @OptionalText(1024, false) idp_entity_id?: string;
  @IsOptional() @ToBoolean() want_assertions_signed?: unknown;
  @OptionalText(2048, false) slo_url?: string;
  @IsOptional() @ToBoolean() require_encrypted_assertions?: unknown;
}

/** POST …/saml_provider/metadata: the IdP's metadata XML, read by parseIdpMetadata. */
export class SamlMetadataImportDto {
  @OptionalText(300_000, false) metadata?: string;
}

/** POST …/saml_group_links: values checked by SamlGroupLinksService (GitLab's messages). */
export class SamlGroupLinkDto {
  @IsOptional() saml_group_name?: unknown;
  @IsOptional() access_level?: unknown;
}

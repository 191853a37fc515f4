import { X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { FieldProblems } from '../common/field-problems.js';
import { Scope } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx } from '../database/database.service.js';
import { parseIdpMetadata } from './idp-metadata.js';
import { GUEST } from './member.entity.js';
import { parseAccessLevel } from './membership.service.js';
import { SamlProviderEntity } from './saml-provider.entity.js';
import { SamlProviderSettings, SamlProvidersRepository } from './saml-providers.repository.js';

export interface SamlProviderInput {
  enabled?: unknown;
  enforced_sso?: unknown;
  default_membership_role?: unknown;
  sso_url?: unknown;
  certificate?: unknown;
  groups_attribute?: unknown;
  welcome_email?: unknown;
  welcome_email_on_reactivation?: unknown;
  secondary_certificate?: unknown;
  idp_entity_id?: unknown;
  want_assertions_signed?: unknown;
  slo_url?: unknown;
  require_encrypted_assertions?: unknown;
}

/** The assertion attribute that carries a person's groups when the provider names none (docs/group-sync.md). */
export const DEFAULT_GROUPS_ATTRIBUTE = 'groups';

function parseGroupsAttribute(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'string' && value.trim() === value && value.length <= 512) return value;
  throw new DomainError('validation', 'groups_attribute must be an attribute name', {
    fields: { groups_attribute: ['must be an attribute name of at most 512 characters, without surrounding spaces'] },
  });
}

/** A PEM is accepted only if it really is an X.509 certificate: a bad one would fail every sign-in later. */
export function parseCertificate(value: unknown, field = 'certificate'): string {
  if (typeof value !== 'string' || !value.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DomainError('validation', `${field} must be a PEM-encoded X.509 certificate`, { fields: { [field]: ['must be a PEM-encoded X.509 certificate'] } });
  }
  try {
    return new X509Certificate(value.trim()).toString().trim();
  } catch {
    throw new DomainError('validation', `${field} is not a valid X.509 certificate`, { fields: { [field]: ['is not a valid X.509 certificate'] } });
  }
}

/** What the settings page shows of a certificate: enough to tell which one it is and when it stops working. */
export interface CertificateSummary {
  fingerprint_sha256: string;
  subject: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
  days_left: number;
  /** Within EXPIRY_WARNING_DAYS of its end (or past it): time to rotate. */
  expiring_soon: boolean;
  expired: boolean;
}

/** How long before a certificate's end the page warns (issue 14: 30 days). */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function certificateSummary(pem: string, now = Date.now()): CertificateSummary {
  const cert = new X509Certificate(pem);
  const validTo = new Date(cert.validTo);
  const left = validTo.getTime() - now;
  return {
    fingerprint_sha256: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    valid_from: new Date(cert.validFrom).toISOString(),
    valid_to: validTo.toISOString(),
    days_left: Math.floor(left / DAY_MS),
    expiring_soon: left <= EXPIRY_WARNING_DAYS * DAY_MS,
    expired: left <= 0,
  };
}

function parseSsoUrl(value: unknown, field = 'sso_url'): string {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') return value;
    } catch {
      /* fall through to the error */
    }
  }
  throw new DomainError('validation', `${field} must be an http(s) URL`, { fields: { [field]: ['must be an http(s) URL'] } });
}

/** An entity id is a URI in practice (Okta: `http://www.okta.com/exk…`, Entra: `https://sts.windows.net/<tenant>/`); compared exactly, never trimmed. */
function parseEntityId(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'string' && value.length <= 1024 && value.trim() === value && !/[\u0000-\u001f\u007f]/.test(value)) return value;
  throw new DomainError('validation', 'idp_entity_id must be the IdP entity id, without surrounding spaces', {
    fields: { idp_entity_id: ['must be the identity provider’s entity id (Issuer), at most 1024 characters, without surrounding spaces'] },
  });
}

function parseBoolean(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new DomainError('validation', `${field} must be true or false`, { fields: { [field]: ['must be true or false'] } });
}

/** Owns SAML provider settings (group and instance). */
@Injectable()
export class SamlProviderService {
  constructor(
    private readonly db: Database,
    private readonly providers: SamlProvidersRepository,
    private readonly audit: AuditService,
  ) {}

  find(scope: Scope, em?: Tx): Promise<SamlProviderEntity | null> {
    return this.providers.find(scope, em);
  }

  /** Groups with SAML SSO settings, the first `limit` by id. */
  groupIdsWithSso(limit: number): Promise<number[]> {
    return this.providers.groupIds(limit);
  }

  /** By GitLab's `saml_provider_id` (the provider's own id, not its group's). */
  findById(id: number): Promise<SamlProviderEntity | null> {
    return this.providers.findById(id);
  }

  /** Validates every field before anything is written; a bad field changes nothing. */
  update(actor: Actor, scope: Scope, input: SamlProviderInput): Promise<SamlProviderEntity> {
    return this.save(actor, scope, input, {});
  }

  /**
   * Fills the IdP's side from its metadata (Okta's or Entra's): SSO URL, SLO URL, entity id and the
   * signing certificates, replacing what was there (metadata without an SLO URL or a second
   * certificate clears them). Whether SSO is enabled is left as it is. Bad metadata is a
   * `metadata` field error and changes nothing.
   */
  async importMetadata(actor: Actor, scope: Scope, xml: unknown): Promise<SamlProviderEntity> {
    const metadata = await parseIdpMetadata(xml);
    const input: SamlProviderInput = {
      sso_url: metadata.ssoUrl,
      slo_url: metadata.sloUrl,
      idp_entity_id: metadata.entityId,
      certificate: metadata.certificates[0],
      secondary_certificate: metadata.certificates[1] ?? null,
    };
    return this.save(actor, scope, input, { source: 'idp_metadata' });
  }

  private async save(actor: Actor, scope: Scope, input: SamlProviderInput, auditDetails: Record<string, unknown>): Promise<SamlProviderEntity> {
    return this.db.transaction(async (tx) => {
      // Partial updates merge into what is stored: two at once take turns on the scope's lock, so
      // neither overwrites the other's fields, and the first save of a scope is inserted once.
      await this.providers.lock(tx, scope);
      const current = await this.providers.find(scope, tx);
      const next: SamlProviderSettings = {
        enabled: current?.enabled ?? false,
        enforcedSso: current?.enforcedSso ?? false,
        defaultMembershipRole: current?.defaultMembershipRole ?? GUEST,
        ssoUrl: current?.ssoUrl ?? null,
        certificate: current?.certificate ?? null,
        groupsAttribute: current?.groupsAttribute ?? null,
        welcomeEmail: current?.welcomeEmail ?? true,
        welcomeEmailOnReactivation: current?.welcomeEmailOnReactivation ?? false,
        secondaryCertificate: current?.secondaryCertificate ?? null,
        idpEntityId: current?.idpEntityId ?? null,
        wantAssertionsSigned: current?.wantAssertionsSigned ?? false,
        sloUrl: current?.sloUrl ?? null,
        requireEncryptedAssertions: current?.requireEncryptedAssertions ?? false,
      };
      // Every bad field is reported in one answer, not the first one found.
      const problems = new FieldProblems();
      if (input.groups_attribute !== undefined) problems.check('groups_attribute', () => (next.groupsAttribute = parseGroupsAttribute(input.groups_attribute)));
      if (input.enabled !== undefined) problems.check('enabled', () => (next.enabled = parseBoolean('enabled', input.enabled)));
      if (input.enforced_sso !== undefined) problems.check('enforced_sso', () => (next.enforcedSso = parseBoolean('enforced_sso', input.enforced_sso)));
      if (input.default_membership_role !== undefined) {
        problems.check('default_membership_role', () => (next.defaultMembershipRole = parseAccessLevel(input.default_membership_role)));
      }
      if (input.sso_url !== undefined) problems.check('sso_url', () => (next.ssoUrl = input.sso_url === null ? null : parseSsoUrl(input.sso_url)));
      if (input.slo_url !== undefined) problems.check('slo_url', () => (next.sloUrl = input.slo_url === null || input.slo_url === '' ? null : parseSsoUrl(input.slo_url, 'slo_url')));
      if (input.certificate !== undefined) problems.check('certificate', () => (next.certificate = input.certificate === null ? null : parseCertificate(input.certificate)));
      if (input.welcome_email !== undefined) problems.check('welcome_email', () => (next.welcomeEmail = parseBoolean('welcome_email', input.welcome_email)));
      if (input.welcome_email_on_reactivation !== undefined) {
        problems.check('welcome_email_on_reactivation', () => (next.welcomeEmailOnReactivation = parseBoolean('welcome_email_on_reactivation', input.welcome_email_on_reactivation)));
      }
      if (input.secondary_certificate !== undefined) {
        problems.check('secondary_certificate', () => {
          next.secondaryCertificate = input.secondary_certificate === null || input.secondary_certificate === '' ? null : parseCertificate(input.secondary_certificate, 'secondary_certificate');
        });
      }
      if (input.idp_entity_id !== undefined) problems.check('idp_entity_id', () => (next.idpEntityId = parseEntityId(input.idp_entity_id)));
      if (input.want_assertions_signed !== undefined) {
        problems.check('want_assertions_signed', () => (next.wantAssertionsSigned = parseBoolean('want_assertions_signed', input.want_assertions_signed)));
      }
      if (input.require_encrypted_assertions !== undefined) {
        problems.check('require_encrypted_assertions', () => (next.requireEncryptedAssertions = parseBoolean('require_encrypted_assertions', input.require_encrypted_assertions)));
      }
      problems.throwIfAny();
      if (next.secondaryCertificate && !next.certificate) {
        throw new DomainError('validation', 'A second certificate needs a first one', { fields: { certificate: ["can't be blank when secondary_certificate is set"] } });
      }
      if (next.secondaryCertificate && next.secondaryCertificate === next.certificate) {
        throw new DomainError('validation', 'secondary_certificate is the same certificate as certificate', {
          fields: { secondary_certificate: ['is the same certificate as certificate'] },
        });
      }
      if (next.enabled && (!next.ssoUrl || !next.certificate)) {
        throw new DomainError('validation', 'An enabled SAML provider needs sso_url and certificate', {
          fields: { ...(next.ssoUrl ? {} : { sso_url: ["can't be blank when enabled"] }), ...(next.certificate ? {} : { certificate: ["can't be blank when enabled"] }) },
        });
      }
      const saved = await this.providers.upsert(tx, scope, next);
      // Named as the API and the from/to summaries name them (enforced_sso, not enforcedSso).
      const changed = (Object.keys(next) as (keyof SamlProviderSettings)[]).filter((k) => current?.[k] !== next[k]).map(snakeCase);
      await this.audit.record(tx, {
        name: 'saml_provider_updated',
        actor,
        scope,
        target: { type: 'SamlProvider', id: saved.id },
        details: {
          ...auditDetails,
          changed,
          from: current ? summarize(current) : null,
          to: summarize(next),
        },
      });
      return saved;
    });
  }
}

/** Audit `changed` entries use the API's field names (enforced_sso, not enforcedSso). */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The audit trail records settings without the certificate bodies (a fingerprint says which). */
function summarize(s: SamlProviderSettings): Record<string, unknown> {
  return {
    enabled: s.enabled,
    enforced_sso: s.enforcedSso,
    default_membership_role: s.defaultMembershipRole,
    sso_url: s.ssoUrl,
    certificate_fingerprint: s.certificate ? new X509Certificate(s.certificate).fingerprint256 : null,
    groups_attribute: s.groupsAttribute,
    welcome_email: s.welcomeEmail,
    welcome_email_on_reactivation: s.welcomeEmailOnReactivation,
    secondary_certificate_fingerprint: s.secondaryCertificate ? new X509Certificate(s.secondaryCertificate).fingerprint256 : null,
    idp_entity_id: s.idpEntityId,
    want_assertions_signed: s.wantAssertionsSigned,
    slo_url: s.sloUrl,
    require_encrypted_assertions: s.requireEncryptedAssertions,
  };
}

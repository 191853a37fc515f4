import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { nowIso } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { Scope, scopeFromGroupId } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, Tx } from '../database/database.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { digestSecret, displayPrefix, generateSecret, PAT_PREFIX, SCIM_TOKEN_PREFIX } from './secret.js';
import { TokensRepository } from './tokens.repository.js';
import { isExpired, isPatScope, parseStoredScopes, PAT_SCOPES, type PatScope } from './pat-scopes.js';
import type { PersonalAccessTokenEntity } from './personal-access-token.entity.js';
import type { Page, PageRequest } from '../common/paging.js';

/** last_used_at is informative; writing it at most once a minute keeps reads read-only. */
const TOUCH_INTERVAL_MS = 60_000;

export interface PatOptions {
  scopes?: PatScope[];
  /** YYYY-MM-DD, or null for a token that does not expire. */
  expiresAt?: string | null;
}

export interface ScimPrincipal {
  scope: Scope;
  tokenId: number;
}

export interface ScimTokenStatus {
  exists: boolean;
  token_prefix: string | null;
  created_at: string | null;
  last_used_at: string | null;
}

/** Owns personal access tokens and SCIM tokens: generate, digest, verify, revoke. */
@Injectable()
export class TokensService {
  private readonly logger = new Logger('Tokens');

  constructor(
    private readonly db: Database,
    private readonly tokens: TokensRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a PAT inside the caller's transaction; `secret` lets bootstrap honour ADMIN_TOKEN.
   * Without scopes the token gets `api` (every right the person has); without a date it never expires.
   */
  async createPatInTx(tx: Tx, actor: Actor, user: UserEntity, name: string, secret = generateSecret(PAT_PREFIX), options: PatOptions = {}) {
    const scopes = options.scopes ?? ['api'];
    const row = await this.tokens.insertPat(tx, {
      userId: user.id,
      name,
      tokenDigest: digestSecret(secret),
      tokenPrefix: secret.startsWith(PAT_PREFIX) ? displayPrefix(secret, PAT_PREFIX) : secret.slice(0, 4),
      createdAt: nowIso(),
      scopes: scopes.join(','),
      expiresAt: options.expiresAt ?? null,
    });
    await this.audit.record(tx, {
      name: 'personal_access_token_created',
      actor,
      scope: { kind: 'instance' },
      target: { type: 'User', id: user.id, details: user.username },
      details: { token_id: row.id, token_name: name, scopes, expires_at: options.expiresAt ?? null },
    });
    return { id: row.id, name, token: secret, scopes, expiresAt: options.expiresAt ?? null };
  }

  /** Every problem of the request is reported at once, in GitLab's per-field shape. */
  async createPat(actor: Actor, user: UserEntity, name: unknown, options: { scopes?: string[]; expiresAt?: string | null } = {}) {
    const fields: Record<string, string[]> = {};
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255) fields.name = ['must be a non-empty string of at most 255 characters'];
    const scopes = options.scopes === undefined ? undefined : [...new Set(options.scopes)];
    if (scopes !== undefined && (scopes.length === 0 || !scopes.every(isPatScope))) fields.scopes = [`must be one or more of ${PAT_SCOPES.join(', ')}`];
    if (options.expiresAt != null && options.expiresAt <= nowIso().slice(0, 10)) fields.expires_at = ['must be a day after today'];
    if (Object.keys(fields).length > 0) throw new DomainError('validation', 'Invalid personal access token', { fields });
    return this.db.transaction((tx) => this.createPatInTx(tx, actor, user, (name as string).trim(), undefined, { scopes: scopes as PatScope[] | undefined, expiresAt: options.expiresAt ?? null }));
  }

  /**
   * The account behind a PAT that may open a browser session, or null: a session can do everything
   * its person may, so only an unexpired `api` token opens one. Blocked accounts cannot sign in.
   */
  async authenticatePat(secret: string): Promise<UserEntity | null> {
    const found = await this.authenticatePatWithId(secret);
    return found?.scopes.includes('api') ? found.user : null;
  }

  /** The account, the token's id (GitLab's `/personal_access_tokens/self` is about the token used) and its scopes. */
  async authenticatePatWithId(secret: string): Promise<{ user: UserEntity; patId: number; scopes: PatScope[] } | null> {
    if (secret.length === 0 || secret.length > 512) return null;
    const pat = await this.tokens.findPatByDigest(digestSecret(secret));
    if (!pat || isExpired(pat.expiresAt, new Date())) return null;
    const user = await this.users.findById(pat.userId);
    if (!user || user.state !== 'active') return null;
    if (this.stale(pat.lastUsedAt)) this.touchLater((tx, at) => this.tokens.touchPat(tx, pat.id, at));
    return { user, patId: pat.id, scopes: parseStoredScopes(pat.scopes) };
  }

  /** The PATs of one person (or of everyone: null), newest first; live and revoked. */
  listPats(userId: number | null, page: PageRequest): Promise<Page<PersonalAccessTokenEntity>> {
    return this.tokens.listPats(userId, page);
  }

  async getPat(id: number): Promise<PersonalAccessTokenEntity> {
    const pat = await this.tokens.findPatById(id);
    if (!pat) throw new DomainError('not_found', '404 Personal Access Token Not Found');
    return pat;
  }

  /** Revokes at once (the next request with it is a 401). Audited; revoking a revoked token is a 404, as GitLab. */
  async revokePat(actor: Actor, pat: PersonalAccessTokenEntity): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.tokens.revokePat(tx, pat.id, nowIso()))) throw new DomainError('not_found', '404 Personal Access Token Not Found');
      await this.audit.record(tx, {
        name: 'personal_access_token_revoked',
        actor,
        scope: { kind: 'instance' },
        target: { type: 'User', id: pat.userId },
        details: { token_id: pat.id, token_name: pat.name },
      });
    });
  }

  /** The scope of a live SCIM token, or null. A PAT never matches here: different table. */
  async authenticateScim(secret: string): Promise<ScimPrincipal | null> {
    if (secret.length === 0 || secret.length > 512) return null;
    const token = await this.tokens.findScimTokenByDigest(digestSecret(secret));
    if (!token || token.activeScope === null) return null;
    if (this.stale(token.lastUsedAt)) this.touchLater((tx, at) => this.tokens.touchScimToken(tx, token.id, at));
    return { scope: scopeFromGroupId(token.groupId), tokenId: token.id };
  }

  /** Generates the scope's SCIM token; a previous one stops working at once. The secret is returned once. */
  async generateScimToken(actor: Actor, scope: Scope): Promise<string> {
    const secret = generateSecret(SCIM_TOKEN_PREFIX);
    await this.db.transaction(async (tx) => {
      const { previous, created } = await this.tokens.replaceScimToken(tx, scope, digestSecret(secret), displayPrefix(secret, SCIM_TOKEN_PREFIX), nowIso());
      await this.audit.record(tx, {
        name: previous ? 'scim_token_regenerated' : 'scim_token_created',
        actor,
        scope,
        target: { type: 'ScimToken', id: created.id, details: created.tokenPrefix },
        details: previous ? { revoked_token_id: previous.id, revoked_token_prefix: previous.tokenPrefix } : {},
      });
    });
    return secret;
  }

  async scimTokenStatus(scope: Scope): Promise<ScimTokenStatus> {
    const token = await this.tokens.findLiveScimToken(scope);
    return {
      exists: token !== null,
      token_prefix: token?.tokenPrefix ?? null,
      created_at: token?.createdAt ?? null,
      last_used_at: token?.lastUsedAt ?? null,
    };
  }

  async hasScimToken(scope: Scope): Promise<boolean> {
    return (await this.tokens.findLiveScimToken(scope)) !== null;
  }

  private stale(lastUsedAt: string | null): boolean {
    return lastUsedAt === null || Date.parse(lastUsedAt) < Date.now() - TOUCH_INTERVAL_MS;
  }

  /** Bookkeeping off the request's critical path; a failure here must not fail the request. */
  private touchLater(write: (tx: Tx, at: string) => Promise<void>): void {
    const at = nowIso();
    void this.db.transaction((tx) => write(tx, at)).catch((error: unknown) => this.logger.warn(`could not record token use: ${String(error)}`));
  }
}

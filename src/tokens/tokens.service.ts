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
import type { PersonalAccessTokenEntity } from './personal-access-token.entity.js';
import type { Page, PageRequest } from '../common/paging.js';

/** last_used_at is informative; writing it at most once a minute keeps reads read-only. */
const TOUCH_INTERVAL_MS = 60_000;

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

  /** Creates a PAT inside the caller's transaction; `secret` lets bootstrap honour ADMIN_TOKEN. */
  async createPatInTx(tx: Tx, actor: Actor, user: UserEntity, name: string, secret = generateSecret(PAT_PREFIX)) {
    const row = await this.tokens.insertPat(tx, {
      userId: user.id,
      name,
      tokenDigest: digestSecret(secret),
      tokenPrefix: secret.startsWith(PAT_PREFIX) ? displayPrefix(secret, PAT_PREFIX) : secret.slice(0, 4),
      createdAt: nowIso(),
    });
    await this.audit.record(tx, {
      name: 'personal_access_token_created',
      actor,
      scope: { kind: 'instance' },
      target: { type: 'User', id: user.id, details: user.username },
      details: { token_id: row.id, token_name: name },
    });
    return { id: row.id, name, token: secret };
  }

  async createPat(actor: Actor, user: UserEntity, name: unknown): Promise<{ id: number; name: string; token: string }> {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255) {
      throw new DomainError('validation', 'name is missing', { fields: { name: ['must be a non-empty string of at most 255 characters'] } });
    }
    return this.db.transaction((tx) => this.createPatInTx(tx, actor, user, name.trim()));
  }

  /** The account behind a PAT, or null. Blocked accounts cannot use their tokens. */
  async authenticatePat(secret: string): Promise<UserEntity | null> {
    return (await this.authenticatePatWithId(secret))?.user ?? null;
  }

  /** The account and the token's id (GitLab's `/personal_access_tokens/self` is about the token used). */
  async authenticatePatWithId(secret: string): Promise<{ user: UserEntity; patId: number } | null> {
    if (secret.length === 0 || secret.length > 512) return null;
    const pat = await this.tokens.findPatByDigest(digestSecret(secret));
    if (!pat) return null;
    const user = await this.users.findById(pat.userId);
    if (!user || user.state !== 'active') return null;
    if (this.stale(pat.lastUsedAt)) this.touchLater((tx, at) => this.tokens.touchPat(tx, pat.id, at));
    return { user, patId: pat.id };
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

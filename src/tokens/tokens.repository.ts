import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { Scope, scopeGroupId, scopeKey } from '../common/scope.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { PersonalAccessTokenEntity } from './personal-access-token.entity.js';
import { ScimTokenEntity } from './scim-token.entity.js';
import { SessionEntity } from './session.entity.js';

/** The three secret tables: personal access tokens, SCIM tokens, sessions. */
@Injectable()
export class TokensRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(SessionEntity, READER) private readonly sessions: Repository<SessionEntity>,
    @InjectRepository(PersonalAccessTokenEntity, READER) private readonly pats: Repository<PersonalAccessTokenEntity>,
  ) {}

  /** Every admin API request checks a PAT: a plain indexed SELECT, no query builder. */
  async findPatByDigest(digest: string): Promise<PersonalAccessTokenEntity | null> {
    const [token] = await this.db.findWhereShared(PersonalAccessTokenEntity, '"token_digest" = ? AND "revoked_at" IS NULL', [digest]);
    return token ?? null;
  }

  async insertPat(tx: Tx, row: Omit<PersonalAccessTokenEntity, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<PersonalAccessTokenEntity> {
    return tx.save(PersonalAccessTokenEntity, { ...row, lastUsedAt: null, revokedAt: null });
  }

  async findPatById(id: number): Promise<PersonalAccessTokenEntity | null> {
    const [token] = await this.db.findWhere(PersonalAccessTokenEntity, '"id" = ?', [id]);
    return token ?? null;
  }

  async listPats(userId: number | null, page: PageRequest): Promise<Page<PersonalAccessTokenEntity>> {
    const [items, total] = await this.pats.findAndCount({ where: userId === null ? {} : { userId }, order: { id: 'DESC' }, skip: pageOffset(page), take: page.perPage });
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** Answers whether a live token was revoked. */
  async revokePat(tx: Tx, id: number, at: string): Promise<boolean> {
    return (await tx.execute('UPDATE "personal_access_tokens" SET "revoked_at" = ? WHERE "id" = ? AND "revoked_at" IS NULL', [at, id])).affected > 0;
  }

  async touchPat(tx: Tx, id: number, at: string): Promise<void> {
    await tx.update(PersonalAccessTokenEntity, { id }, { lastUsedAt: at });
  }

  /** Read on every members and report page (does the scope have SCIM?). */
  async findLiveScimToken(scope: Scope): Promise<ScimTokenEntity | null> {
    const [token] = await this.db.findWhereShared(ScimTokenEntity, '"active_scope" = ?', [scopeKey(scope)]);
    return token ?? null;
  }

  /** Every SCIM request checks its token: a plain indexed SELECT, no query builder. */
  async findScimTokenByDigest(digest: string): Promise<ScimTokenEntity | null> {
    const [token] = await this.db.findWhereShared(ScimTokenEntity, '"token_digest" = ?', [digest]);
    return token ?? null;
  }

  /**
   * Revokes the scope's live token (if any) and inserts the new one, in the caller's transaction.
   * Two regenerations at once take turns on the scope's lock: the second revokes the first's
   * token instead of colliding with it on the one-live-token index.
   */
  async replaceScimToken(tx: Tx, scope: Scope, digest: string, prefix: string, at: string): Promise<{ previous: ScimTokenEntity | null; created: ScimTokenEntity }> {
    await tx.lockKey('scim_token', scopeKey(scope));
    const previous = await tx.findOne(ScimTokenEntity, { where: { activeScope: scopeKey(scope) } });
    if (previous) await tx.update(ScimTokenEntity, { id: previous.id }, { activeScope: null, revokedAt: at });
    const created = await tx.save(ScimTokenEntity, {
      groupId: scopeGroupId(scope),
      activeScope: scopeKey(scope),
      tokenDigest: digest,
      tokenPrefix: prefix,
      createdAt: at,
      lastUsedAt: null,
      revokedAt: null,
    });
    return { previous, created };
  }

  async touchScimToken(tx: Tx, id: number, at: string): Promise<void> {
    await tx.update(ScimTokenEntity, { id }, { lastUsedAt: at });
  }

  findSessionByDigest(digest: string): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { sessionDigest: digest } });
  }

  async insertSession(tx: Tx, row: Omit<SessionEntity, 'id'>): Promise<SessionEntity> {
    return tx.save<SessionEntity>(SessionEntity, row);
  }

  async extendSession(tx: Tx, id: number, lastSeenAt: string, expiresAt: string): Promise<void> {
    await tx.update(SessionEntity, { id }, { lastSeenAt, expiresAt });
  }

  findSessionById(id: number): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { id } });
  }

  async deleteSession(tx: Tx, id: number): Promise<void> {
    await tx.delete(SessionEntity, { id });
  }

  /** Deletes (and returns) the sessions a provider's SAML sign-in made for a NameID, compared exactly. */
  async deleteSamlSessions(tx: Tx, samlScopeKey: string, samlNameId: string): Promise<SessionEntity[]> {
    const sessions = await tx.find(SessionEntity, { where: { samlScopeKey, samlNameId } });
    if (sessions.length > 0) await tx.delete(SessionEntity, { id: In(sessions.map((s) => s.id)) });
    return sessions;
  }

  async deleteExpiredSessions(tx: Tx, now: string): Promise<number> {
    return tx.delete(SessionEntity, { expiresAt: LessThan(now) });
  }
}

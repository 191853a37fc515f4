import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { isoPlus, nowIso } from '../common/clock.js';
import { Database } from '../database/database.service.js';
import type { Tx } from '../database/database.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { digestSecret, generateSecret, SESSION_PREFIX } from './secret.js';
import { TokensRepository } from './tokens.repository.js';
import { randomBytes } from 'node:crypto';

/** Sessions end after 12 hours without use (saml.md). */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Sliding expiry is written at most this often, so reads stay reads. */
const EXTEND_INTERVAL_MS = 60_000;
export const SESSION_COOKIE = 'roster_session';

/** Where a SAML sign-in's session came from (single logout names it to the IdP). */
export interface SamlSessionOrigin {
  scopeKey: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
}

export interface ResolvedSession {
  sessionId: number;
  csrfToken: string;
  user: UserEntity;
  /** Set when a SAML sign-in made the session. */
  saml: SamlSessionOrigin | null;
}

/** Server-side sessions for the UI and SAML sign-in: the cookie holds a secret, the database its digest. */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokensRepository,
    private readonly users: UsersService,
  ) {}

  /** Expired sessions are refused anyway; pruning just keeps the table small. */
  onModuleInit(): void {
    this.pruneTimer = setInterval(
      () => {
        this.pruneExpired().catch((error: unknown) => this.logger.warn(`session pruning failed: ${String(error)}`));
      },
      60 * 60 * 1000,
    );
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  async create(user: UserEntity, saml: SamlSessionOrigin | null = null): Promise<{ secret: string; csrfToken: string }> {
    const secret = generateSecret(SESSION_PREFIX);
    const csrfToken = randomBytes(24).toString('base64url');
    const now = nowIso();
    await this.db.transaction((tx) =>
      this.tokens.insertSession(tx, {
        sessionDigest: digestSecret(secret),
        userId: user.id,
        csrfToken,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: isoPlus(SESSION_IDLE_MS),
        samlScopeKey: saml?.scopeKey ?? null,
        samlNameId: saml?.nameId ?? null,
        samlNameIdFormat: saml?.nameIdFormat ?? null,
        samlSessionIndex: saml?.sessionIndex ?? null,
      }),
    );
    return { secret, csrfToken };
  }

  async resolve(secret: string): Promise<ResolvedSession | null> {
    if (!secret.startsWith(SESSION_PREFIX) || secret.length > 512) return null;
    const session = await this.tokens.findSessionByDigest(digestSecret(secret));
    if (!session || session.expiresAt <= nowIso()) return null;
    const user = await this.users.findById(session.userId);
    if (!user || user.state !== 'active') return null;
    if (Date.parse(session.lastSeenAt) < Date.now() - EXTEND_INTERVAL_MS) {
      const now = nowIso();
      await this.db.transaction((tx) => this.tokens.extendSession(tx, session.id, now, isoPlus(SESSION_IDLE_MS)));
    }
    const saml =
      session.samlScopeKey && session.samlNameId
        ? { scopeKey: session.samlScopeKey, nameId: session.samlNameId, nameIdFormat: session.samlNameIdFormat, sessionIndex: session.samlSessionIndex }
        : null;
    return { sessionId: session.id, csrfToken: session.csrfToken, user, saml };
  }

  /** The SAML sign-in a session came from, if any (sign-out sends that IdP a LogoutRequest). */
  async samlOrigin(sessionId: number): Promise<SamlSessionOrigin | null> {
    const session = await this.tokens.findSessionById(sessionId);
    return session?.samlScopeKey && session.samlNameId
      ? { scopeKey: session.samlScopeKey, nameId: session.samlNameId, nameIdFormat: session.samlNameIdFormat, sessionIndex: session.samlSessionIndex }
      : null;
  }

  async end(sessionId: number): Promise<void> {
    await this.db.transaction((tx) => this.tokens.deleteSession(tx, sessionId));
  }

  /**
   * The IdP's LogoutRequest: ends every session its provider's SAML sign-in made for that NameID;
   * returns their users. In the caller's transaction, so the ending commits with its audit event.
   */
  async endSamlSessions(tx: Tx, scopeKey: string, nameId: string): Promise<{ sessions: number; userIds: number[] }> {
    const ended = await this.tokens.deleteSamlSessions(tx, scopeKey, nameId);
    return { sessions: ended.length, userIds: [...new Set(ended.map((s) => s.userId))] };
  }

  async pruneExpired(): Promise<number> {
    return this.db.transaction((tx) => this.tokens.deleteExpiredSessions(tx, nowIso()));
  }
}

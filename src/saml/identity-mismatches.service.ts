import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { GroupsService } from '../groups/groups.service.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { Metrics } from '../ops/metrics.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { groupScope, INSTANCE, Scope, scopeKey } from '../common/scope.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation } from '../database/database.service.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import { TokensService } from '../tokens/tokens.service.js';
import { adviceFor, MismatchAdvice } from './identity-mismatch-kinds.js';
import { IdentityMismatchExemptionsRepository } from './identity-mismatch-exemptions.repository.js';
import { IdentityMismatchReportRepository, MismatchFacts, MismatchKind } from './identity-mismatch-report.repository.js';
import { SamlIdentitiesService } from './saml-identities.service.js';

export type MismatchRow = MismatchFacts & MismatchAdvice & { kind: MismatchKind };

export const EXTERN_UID_TAKEN = 'Extern uid has already been taken';
const NOT_FOUND = '404 Identity Mismatch Not Found';

/** The first pages of a group's ranked report, valid while nothing has changed since. */
interface Head {
  stamp: string;
  hasScimToken: boolean;
  computedAt: number;
  userIds: number[];
  total: number;
}

/**
 * Ranking a 100,000-member group visits every member in SQL (a few hundred ms on SQLite); owners
 * page through the first screens and re-read them after every fix. So the ranking's first
 * HEAD_SIZE user ids are kept per group together with a change stamp read from the database
 * (ids of the newest audit event and sign-in observation) and reused only while the stamp is
 * unchanged — which makes every Roster process serve the same report. Row contents are always
 * read fresh; deeper pages are ranked in SQL each time.
 */
const HEAD_SIZE = 1000;
const HEAD_MAX_AGE_MS = 5 * 60 * 1000;
const MAX_CACHED_GROUPS = 50;

@Injectable()
export class IdentityMismatchesService implements OnModuleInit {
  /** Keyed by scopeKey: each group's head, and the instance's. */
  private readonly heads = new Map<string, Head>();
  private readonly computing = new Map<string, Promise<Head>>();

  constructor(
    private readonly db: Database,
    private readonly report: IdentityMismatchReportRepository,
    private readonly exemptions: IdentityMismatchExemptionsRepository,
    private readonly scimIdentities: ScimIdentitiesService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly tokens: TokensService,
    private readonly audit: AuditService,
    private readonly groups: GroupsService,
    private readonly providers: SamlProviderService,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The mismatch count per group as a gauge, read at scrape time from the same cached head the
   * report pages use (recomputed only after a change). The `group` label is bounded: only the
   * first METRICS_GROUP_LIMIT groups with SAML SSO, by id, are reported.
   */
  onModuleInit(): void {
    this.metrics.gauge('roster_identity_mismatches', 'Members in the identity-mismatch report of a group with SAML SSO', ['group'], async () => {
      const samples = [];
      for (const id of await this.providers.groupIdsWithSso(this.config.metricsGroupLimit)) {
        const group = await this.groups.findById(id);
        if (!group) continue;
        const head = await this.head(groupScope(group.id), await this.tokens.hasScimToken(groupScope(group.id)));
        samples.push({ labels: { group: group.path }, value: head.total });
      }
      return samples;
    });
  }

  async list(group: GroupEntity, page: PageRequest): Promise<Page<MismatchRow>> {
    return this.listScope(groupScope(group.id), page);
  }

  /**
   * The instance's report (admins): instance SCIM and SAML identities and instance sign-ins,
   * ranked and explained as a group's are.
   */
  listInstance(page: PageRequest): Promise<Page<MismatchRow>> {
    return this.listScope(INSTANCE, page);
  }

  private async listScope(scope: Scope, page: PageRequest): Promise<Page<MismatchRow>> {
    const hasScimToken = await this.tokens.hasScimToken(scope);
    const offset = pageOffset(page);
    let window: { userIds: number[]; total: number };
    if (offset + page.perPage <= HEAD_SIZE) {
      const head = await this.head(scope, hasScimToken);
      window = { userIds: head.userIds.slice(offset, offset + page.perPage), total: head.total };
    } else {
      window = await this.report.rankedPage(scope, hasScimToken, offset, page.perPage);
    }
    const facts = await this.report.facts(scope, hasScimToken, window.userIds);
    return { items: facts.filter((f) => f.kind !== null).map((f) => toRow(f, scope)), total: window.total, page: page.page, perPage: page.perPage };
  }

  /** One person's row, or null when their identities agree. */
  async row(group: GroupEntity, userId: number): Promise<MismatchRow | null> {
    return this.scopeRow(groupScope(group.id), userId);
  }

  /** One person's row in the instance report, or null when their instance identities agree. */
  instanceRow(userId: number): Promise<MismatchRow | null> {
    return this.scopeRow(INSTANCE, userId);
  }

  private async scopeRow(scope: Scope, userId: number): Promise<MismatchRow | null> {
    const hasScimToken = await this.tokens.hasScimToken(scope);
    const [facts] = await this.report.facts(scope, hasScimToken, [userId]);
    return facts?.kind ? toRow(facts, scope) : null;
  }

  /**
   * Sets the user's SCIM and SAML identities to one of the values their row shows — never an
   * arbitrary string, which could sign someone into another person's account. A missing SAML
   * identity is not created here: only the person can prove the IdP identity is theirs (linking).
   */
  resolve(actor: Actor, group: GroupEntity, userId: number, externUid: unknown): Promise<MismatchRow | null> {
    return this.resolveInScope(actor, groupScope(group.id), userId, externUid);
  }

  /** The instance report's one-click fix (admins), the same rules as a group's. */
  resolveInstance(actor: Actor, userId: number, externUid: unknown): Promise<MismatchRow | null> {
    return this.resolveInScope(actor, INSTANCE, userId, externUid);
  }

  private async resolveInScope(actor: Actor, scope: Scope, userId: number, externUid: unknown): Promise<MismatchRow | null> {
    if (typeof externUid !== 'string' || externUid.trim() === '') {
      throw new DomainError('validation', 'extern_uid is missing', { fields: { extern_uid: ['must be one of the values shown in the row'] } });
    }
    const row = await this.scopeRow(scope, userId);
    if (!row) throw new DomainError('not_found', NOT_FOUND);
    const offered = [...new Set([row.scimExternUid, row.samlExternUid, row.observedNameId].filter((v): v is string => v !== null))];
    if (!offered.includes(externUid)) {
      throw new DomainError('invalid_value', `extern_uid must be one of the values shown in this user's row: ${offered.map((v) => `"${v}"`).join(', ')}`);
    }
    try {
      await this.db.transaction(async (tx) => {
        // Locked, and the choice checked again against what is stored now: an IdP that moved the
        // SCIM id since the row was read must not have its change undone by a value it left.
        const scim = await this.scimIdentities.findByUserLocked(tx, scope, userId);
        const saml = await this.samlIdentities.findByUser(scope, userId, tx);
        if (![scim?.externUid, saml?.externUid, row.observedNameId].includes(externUid)) {
          throw new DomainError(
            'conflict',
            `This user's identities changed since the report was read (SCIM ${JSON.stringify(scim?.externUid ?? null)}, SAML ${JSON.stringify(saml?.externUid ?? null)}); read the row again and choose again`,
          );
        }
        if (!scim && !saml) {
          throw new DomainError(
            'precondition_failed',
            `This user has no SCIM or SAML identity in the ${scope.kind === 'group' ? 'group' : 'instance'} to update; they need to link their account by signing in through the SSO URL.`,
          );
        }
        if (saml && saml.externUid !== externUid) {
          const holder = await this.samlIdentities.findByExternUid(scope, externUid, tx);
          if (holder && holder.userId !== userId) throw new DomainError('invalid_value', EXTERN_UID_TAKEN);
          await this.samlIdentities.setExternUid(tx, saml, externUid);
          await this.audit.record(tx, { name: 'saml_identity_updated', actor, scope, target: { type: 'User', id: userId, details: row.username }, details: { from: saml.externUid, to: externUid } });
        }
        if (scim && scim.externUid !== externUid) await this.scimIdentities.setExternUid(tx, actor, scope, scim, externUid);
        await this.audit.record(tx, {
          name: 'identity_mismatch_resolved',
          actor,
          scope,
          target: { type: 'User', id: userId, details: row.username },
          details: { kind: row.kind, extern_uid: externUid, scim: { from: scim?.externUid ?? null }, saml: { from: saml?.externUid ?? null }, observed_name_id: row.observedNameId },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('invalid_value', EXTERN_UID_TAKEN);
      throw error;
    }
    return this.scopeRow(scope, userId);
  }

  /**
   * An Owner's "this person does not sign in with SAML, by design" (a break-glass or service
   * account): they leave the report's "not linked" and "no SCIM identity" rows. Only someone the
   * report considers (a member, or an identity holder of the group) can be marked. Audited; the
   * audit event also moves the report's change stamp, so every process re-ranks.
   */
  async markExpected(actor: Actor, group: GroupEntity, userId: number, expected: boolean): Promise<MismatchFacts> {
    const hasScimToken = await this.tokens.hasScimToken(groupScope(group.id));
    const [facts] = await this.report.facts(groupScope(group.id), hasScimToken, [userId]);
    if (!facts || !(facts.isMember || facts.scimExternUid !== null || facts.samlExternUid !== null)) throw new DomainError('not_found', '404 Member Not Found');
    await this.db.transaction(async (tx) => {
      const changed = expected ? await this.exemptions.mark(tx, group.id, userId) : await this.exemptions.unmark(tx, group.id, userId);
      if (!changed) return;
      await this.audit.record(tx, {
        name: expected ? 'identity_mismatch_marked_expected' : 'identity_mismatch_unmarked_expected',
        actor,
        scope: groupScope(group.id),
        target: { type: 'User', id: userId, details: facts.username },
      });
    });
    const [after] = await this.report.facts(groupScope(group.id), hasScimToken, [userId]);
    return after;
  }

  /** Who among these members is expected not to use SAML (`admin`, `marked`), for the members view. */
  expectedFor(group: GroupEntity, userIds: number[]): Promise<Map<number, 'admin' | 'marked'>> {
    return this.report.expectedFor(group.id, userIds);
  }

  /** The cached head of the ranking when still current, else one shared recomputation. */
  private async head(scope: Scope, hasScimToken: boolean): Promise<Head> {
    const stamp = await this.report.changeStamp();
    const cacheKey = scopeKey(scope);
    const cached = this.heads.get(cacheKey);
    if (cached && cached.stamp === stamp && cached.hasScimToken === hasScimToken && Date.now() - cached.computedAt < HEAD_MAX_AGE_MS) return cached;
    const key = `${cacheKey}|${stamp}|${hasScimToken}`;
    let pending = this.computing.get(key);
    if (!pending) {
      pending = this.report
        .rankedPage(scope, hasScimToken, 0, HEAD_SIZE)
        .then((window) => {
          const head: Head = { stamp, hasScimToken, computedAt: Date.now(), ...window };
          this.heads.delete(cacheKey);
          if (this.heads.size >= MAX_CACHED_GROUPS) this.heads.delete(this.heads.keys().next().value!);
          this.heads.set(cacheKey, head);
          return head;
        })
        .finally(() => this.computing.delete(key));
      this.computing.set(key, pending);
    }
    return pending;
  }
}

function toRow(f: MismatchFacts, scope: Scope): MismatchRow {
  const kind = f.kind!;
  return { ...f, kind, ...adviceFor(kind, f, scope.kind) };
}

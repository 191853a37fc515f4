import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { KeysetPage, KeysetRequest, Page, PageRequest } from '../common/paging.js';
import { groupScope } from '../common/scope.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { groupDomains } from '../groups/groups.service.js';
import type { AccessLevel, RoleSource } from '../groups/member.entity.js';
import type { MemberRow } from '../groups/members.repository.js';
import type { MemberFilter } from '../groups/membership.service.js';
import { MembershipService } from '../groups/membership.service.js';
import { IdentityMismatchesService } from '../saml/identity-mismatches.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { SamlSignInsService } from '../saml/saml-sign-ins.service.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { emailDomain, UsersService } from '../users/users.service.js';

/** What every member of a group may see of another: GitLab's public member fields. */
export interface PublicMemberView {
  id: number;
  username: string;
  name: string;
  state: string;
  locked: false;
  avatar_url: null;
  web_url: string;
  access_level: AccessLevel;
  created_at: string;
  expires_at: string | null;
}

/**
 * One row of the members view as Owners and admins see it (admin-api.md): the public fields, the
 * email, the Enterprise flag, and the identities and sign-in observations of this group. GitLab
 * shows `group_saml_identity` to owners only; identity data is for Owners and admins.
 */
export interface MemberView extends PublicMemberView {
  email: string;
  enterprise: boolean;
  group_saml_identity: { extern_uid: string; provider: 'group_saml'; saml_provider_id: number | null } | null;
  scim_identity: { extern_uid: string; active: boolean } | null;
  last_saml_sign_in: { name_id: string; at: string; outcome: string } | null;
  /** Not using SAML is expected for this member: an instance admin, or marked by an Owner. */
  identity_expected: 'admin' | 'marked' | null;
  /** Where the role comes from (docs/group-sync.md), and the links that give it when synced. */
  role_source: RoleSource;
  group_sync_links: string[];
}

/** Whether the caller sees identity data: Owners and admins do, other members do not. */
export type MemberAudience = 'owner' | 'member';

/**
 * The members view and the owner's membership changes. The page is chosen in SQL (search, order,
 * offset, limit) and only that page's identities and sign-ins are loaded, three batched queries
 * whatever the group's size, so a group of 100,000 members pages as fast as one of ten.
 */
@Injectable()
export class MembersViewService {
  constructor(
    private readonly membership: MembershipService,
    private readonly users: UsersService,
    private readonly scimIdentities: ScimIdentitiesService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly signIns: SamlSignInsService,
    private readonly providers: SamlProviderService,
    private readonly mismatches: IdentityMismatchesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(group: GroupEntity, filter: MemberFilter, page: PageRequest, audience: MemberAudience): Promise<Page<PublicMemberView>> {
    const rows = await this.membership.listRows(group.id, filter, page);
    return { ...rows, items: await this.view(group, rows.items, audience) };
  }

  /** The same view, paged by keyset (the admin UI's way; `pagination=keyset`). */
  async listKeyset(group: GroupEntity, filter: MemberFilter, request: KeysetRequest, audience: MemberAudience): Promise<KeysetPage<PublicMemberView>> {
    const rows = await this.membership.listRowsKeyset(group.id, filter, request);
    return { ...rows, items: await this.view(group, rows.items, audience) };
  }

  /** The row of one member, after a change (404 when not a member). */
  async one(group: GroupEntity, userId: number, audience: MemberAudience = 'owner'): Promise<PublicMemberView> {
    const [member, user] = await Promise.all([this.membership.find(group.id, userId), this.users.findById(userId)]);
    if (!member || !user) throw new DomainError('not_found', '404 Member Not Found');
    const row: MemberRow = {
      userId: user.id,
      username: user.username,
      name: user.name,
      email: user.email,
      state: user.state,
      enterpriseGroupId: user.enterpriseGroupId,
      accessLevel: member.accessLevel,
      memberSince: member.createdAt,
      expiresAt: member.expiresAt ?? null,
      roleSource: member.roleSource,
      syncLinks: member.syncLinks === null ? [] : (JSON.parse(member.syncLinks) as string[]),
    };
    return (await this.view(group, [row], audience))[0];
  }

  /**
   * Adds an account as a member. The group's allowed email domains bind owners as they bind SCIM
   * provisioning: an account outside them cannot be added by hand either.
   */
  async add(actor: Actor, group: GroupEntity, userId: number, level: AccessLevel, expiresAt: string | null = null): Promise<PublicMemberView> {
    const user = await this.users.getById(userId);
    const { allowed } = groupDomains(group);
    if (allowed.length > 0 && !allowed.includes(emailDomain(user.email))) {
      throw new DomainError('validation', "The user's email address is not in the group's allowed email domains", {
        fields: { user_id: [`the email domain "${emailDomain(user.email)}" is not one of the group's allowed email domains`] },
      });
    }
    await this.membership.add(actor, group, user, level, expiresAt);
    return this.one(group, user.id);
  }

  /**
   * GitLab's several-at-once form (`user_id=1,2,3`): each is added on its own, and the answer names
   * the ones that could not be, by username (or id when there is no such user).
   */
  async addMany(
    actor: Actor,
    group: GroupEntity,
    userIds: number[],
    level: AccessLevel,
    expiresAt: string | null,
  ): Promise<{ status: 'success' } | { status: 'error'; message: Record<string, string> }> {
    const problems: Record<string, string> = {};
    for (const userId of userIds) {
      try {
        await this.add(actor, group, userId, level, expiresAt);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const user = await this.users.findById(userId);
        problems[user?.username ?? String(userId)] = error.message;
      }
    }
    return Object.keys(problems).length === 0 ? { status: 'success' } : { status: 'error', message: problems };
  }

  /** GitLab's `username` alternative to `user_id` (any case); 404 when there is no such user. */
  async userIdByUsername(username: string): Promise<number> {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError('not_found', '404 User Not Found');
    return user.id;
  }

  async changeRole(actor: Actor, group: GroupEntity, userId: number, level: AccessLevel, expiresAt?: string | null): Promise<PublicMemberView> {
    await this.membership.changeRole(actor, group, await this.member(group, userId), level, expiresAt);
    return this.one(group, userId);
  }

  async remove(actor: Actor, group: GroupEntity, userId: number): Promise<void> {
    await this.membership.remove(actor, group, await this.member(group, userId));
  }

  private async member(group: GroupEntity, userId: number): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.membership.find(group.id, userId))) throw new DomainError('not_found', '404 Member Not Found');
    return user;
  }

  private view(group: GroupEntity, rows: MemberRow[], audience: MemberAudience): Promise<PublicMemberView[]> | PublicMemberView[] {
    return audience === 'owner' ? this.withIdentities(group, rows) : rows.map((row) => this.publicView(row));
  }

  private publicView(row: MemberRow): PublicMemberView {
    return {
      id: row.userId,
      username: row.username,
      name: row.name,
      state: row.state,
      locked: false,
      avatar_url: null,
      web_url: `${this.config.baseUrl}/${encodeURIComponent(row.username)}`,
      access_level: row.accessLevel,
      created_at: row.memberSince,
      expires_at: row.expiresAt,
    };
  }

  private async withIdentities(group: GroupEntity, rows: MemberRow[]): Promise<MemberView[]> {
    const scope = groupScope(group.id);
    const userIds = rows.map((r) => r.userId);
    const [scim, saml, signIns, provider, expected] = await Promise.all([
      this.scimIdentities.findByUsers(scope, userIds),
      this.samlIdentities.findByUsers(scope, userIds),
      this.signIns.latestForUsers(scope, userIds),
      this.providers.find(scope),
      this.mismatches.expectedFor(group, userIds),
    ]);
    const scimByUser = new Map(scim.map((i) => [i.userId, i]));
    const samlByUser = new Map(saml.map((i) => [i.userId, i]));
    const verified = new Set(groupDomains(group).verified);
    return rows.map((row) => {
      const scimIdentity = scimByUser.get(row.userId);
      const samlIdentity = samlByUser.get(row.userId);
      const signIn = signIns.get(row.userId);
      return {
        ...this.publicView(row),
        email: row.email,
        enterprise: (row.enterpriseGroupId !== null && Number(row.enterpriseGroupId) === group.id) || verified.has(emailDomain(row.email)),
        group_saml_identity: samlIdentity ? { extern_uid: samlIdentity.externUid, provider: 'group_saml', saml_provider_id: provider?.id ?? null } : null,
        scim_identity: scimIdentity ? { extern_uid: scimIdentity.externUid, active: Boolean(scimIdentity.active) } : null,
        last_saml_sign_in: signIn ? { name_id: signIn.nameId, at: signIn.createdAt, outcome: signIn.outcome } : null,
        identity_expected: expected.get(row.userId) ?? null,
        role_source: row.roleSource,
        group_sync_links: row.syncLinks,
      };
    });
  }
}

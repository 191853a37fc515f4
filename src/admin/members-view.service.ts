import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { KeysetPage, KeysetRequest, Page, PageRequest } from '../common/paging.js';
import { groupScope } from '../common/scope.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { groupDomains } from '../groups/groups.service.js';
import type { AccessLevel } from '../groups/member.entity.js';
import type { MemberRow } from '../groups/members.repository.js';
import type { MemberFilter } from '../groups/membership.service.js';
import { MembershipService } from '../groups/membership.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { SamlSignInsService } from '../saml/saml-sign-ins.service.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { emailDomain, UsersService } from '../users/users.service.js';

/** One row of the members view (admin-api.md): the account, its role and its identities in this group. */
export interface MemberView {
  id: number;
  username: string;
  name: string;
  email: string;
  state: string;
  access_level: AccessLevel;
  enterprise: boolean;
  scim_identity: { extern_uid: string; active: boolean } | null;
  saml_identity: { extern_uid: string } | null;
  last_saml_sign_in: { name_id: string; at: string; outcome: string } | null;
}

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
  ) {}

  async list(group: GroupEntity, filter: MemberFilter, page: PageRequest): Promise<Page<MemberView>> {
    const rows = await this.membership.listRows(group.id, filter, page);
    return { ...rows, items: await this.withIdentities(group, rows.items) };
  }

  /** The same view, paged by keyset (the admin UI's way; `pagination=keyset`). */
  async listKeyset(group: GroupEntity, filter: MemberFilter, request: KeysetRequest): Promise<KeysetPage<MemberView>> {
    const rows = await this.membership.listRowsKeyset(group.id, filter, request);
    return { ...rows, items: await this.withIdentities(group, rows.items) };
  }

  /** The row of one member, after a change (404 when not a member). */
  async one(group: GroupEntity, userId: number): Promise<MemberView> {
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
    };
    return (await this.withIdentities(group, [row]))[0];
  }

  /**
   * Adds an account as a member. The group's allowed email domains bind owners as they bind SCIM
   * provisioning: an account outside them cannot be added by hand either.
   */
  async add(actor: Actor, group: GroupEntity, userId: number, level: AccessLevel): Promise<MemberView> {
    const user = await this.users.getById(userId);
    const { allowed } = groupDomains(group);
    if (allowed.length > 0 && !allowed.includes(emailDomain(user.email))) {
      throw new DomainError('validation', "The user's email address is not in the group's allowed email domains", {
        fields: { user_id: [`the email domain "${emailDomain(user.email)}" is not one of the group's allowed email domains`] },
      });
    }
    await this.membership.add(actor, group, user, level);
    return this.one(group, user.id);
  }

  async changeRole(actor: Actor, group: GroupEntity, userId: number, level: AccessLevel): Promise<MemberView> {
    await this.membership.changeRole(actor, group, await this.member(group, userId), level);
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

  private async withIdentities(group: GroupEntity, rows: MemberRow[]): Promise<MemberView[]> {
    const scope = groupScope(group.id);
    const userIds = rows.map((r) => r.userId);
    const [scim, saml, signIns] = await Promise.all([this.scimIdentities.findByUsers(scope, userIds), this.samlIdentities.findByUsers(scope, userIds), this.signIns.latestForUsers(scope, userIds)]);
    const scimByUser = new Map(scim.map((i) => [i.userId, i]));
    const samlByUser = new Map(saml.map((i) => [i.userId, i]));
    const verified = new Set(groupDomains(group).verified);
    return rows.map((row) => {
      const scimIdentity = scimByUser.get(row.userId);
      const samlIdentity = samlByUser.get(row.userId);
      const signIn = signIns.get(row.userId);
      return {
        id: row.userId,
        username: row.username,
        name: row.name,
        email: row.email,
        state: row.state,
        access_level: row.accessLevel,
        enterprise: (row.enterpriseGroupId !== null && Number(row.enterpriseGroupId) === group.id) || verified.has(emailDomain(row.email)),
        scim_identity: scimIdentity ? { extern_uid: scimIdentity.externUid, active: Boolean(scimIdentity.active) } : null,
        saml_identity: samlIdentity ? { extern_uid: samlIdentity.externUid } : null,
        last_saml_sign_in: signIn ? { name_id: signIn.nameId, at: signIn.createdAt, outcome: signIn.outcome } : null,
      };
    });
  }
}

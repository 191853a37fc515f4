import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { nowIso } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { Page, PageRequest } from '../common/paging.js';
import { groupScope } from '../common/scope.js';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import { Database } from '../database/database.service.js';
import type { GroupEntity } from '../groups/group.entity.js';
import { DeletionLockOrder, GroupsService } from '../groups/groups.service.js';
import { MembershipService } from '../groups/membership.service.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { digestSecret, generateSecret } from '../tokens/secret.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { expiresAt, expiryDays, invitationState, LINK_INVITATION_PREFIX, LinkInvitationState } from './link-invitation-state.js';
import type { SamlLinkInvitationEntity } from './saml-link-invitation.entity.js';
import { LinkInvitationFilter, SamlLinkInvitationsRepository } from './saml-link-invitations.repository.js';
import { groupServiceProvider } from './service-provider.js';

/** One invitation as the admin API lists it: never its secret. */
export interface LinkInvitationView {
  id: number;
  user: { id: number; username: string; name: string; email: string } | null;
  state: LinkInvitationState;
  created_at: string;
  expires_at: string;
  created_by: { id: number | null; name: string };
  used_at: string | null;
  used_extern_uid: string | null;
  revoked_at: string | null;
  revoked_by: { name: string } | null;
}

/** What creation answers: the view, and the URL with its secret — shown this once only. */
export type CreatedLinkInvitation = LinkInvitationView & { url: string };

export interface CreateLinkInvitationInput {
  userId: number;
  /** Whole days, 1 to 30; checked here so that every bad field is reported at once. */
  expiresInDays?: unknown;
  /** Admins may invite any account; Owners only members of their group (see create()). */
  byAdmin: boolean;
}

/** The URL an invited person opens: its secret travels as `token`, which the request log redacts. */
export function invitationUrl(baseUrl: string, group: Pick<GroupEntity, 'path' | 'id'>, token: string): string {
  return `${groupServiceProvider(baseUrl, group).ssoUrl.replace(/\/sso$/, '/link_invitation')}?token=${encodeURIComponent(token)}`;
}

/**
 * Link invitations as Owners and admins manage them (issue 16, point 2): create, list, revoke.
 * Every change is audited in its transaction.
 */
@Injectable()
export class SamlLinkInvitationsService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly invitations: SamlLinkInvitationsRepository,
    private readonly users: UsersService,
    private readonly membership: MembershipService,
    private readonly providers: SamlProviderService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly groups: GroupsService,
  ) {}

  /** Redeeming an invitation locks it before the person's identities and the group's row; a group's deletion must lock it first too. */
  onModuleInit(): void {
    this.groups.registerDeletionLock(DeletionLockOrder.LinkInvitations, (tx, groupId) => this.invitations.lockAllOfGroup(tx, groupId));
  }

  /**
   * An Owner may invite only a member of their group: the link makes the NameID their IdP sends
   * sign in to that account, which is power over the account that Owners already hold for members
   * (they edit their SAML identities), and never over the platform's other accounts. Nor over an
   * administrator's account, even a member's: whoever answers at the group's IdP would then sign
   * in as an administrator of the whole instance. Admins, who manage every identity, may invite
   * anyone; signing in then adds them at the default role.
   */
  async create(actor: Actor, group: GroupEntity, input: CreateLinkInvitationInput): Promise<CreatedLinkInvitation> {
    const days = expiryDays(input.expiresInDays);
    const problems: Record<string, string[]> = {};
    if ('problem' in days) problems.expires_in_days = [days.problem];
    const user = await this.users.findById(input.userId);
    if (!user) throw new DomainError('not_found', '404 User Not Found');
    if (user.state !== 'active') problems.user_id = ['is blocked: unblock the account first, or the invitation could not be used'];
    else if (!input.byAdmin && user.isAdmin) problems.user_id = ['is an administrator: only an administrator can invite an administrator account'];
    else if (!input.byAdmin && !(await this.membership.find(group.id, user.id))) problems.user_id = ['is not a member of this group: only an administrator can invite an account from outside it'];
    if (Object.keys(problems).length > 0) {
      const summary = Object.entries(problems)
        .map(([field, list]) => `${field} ${list.join(', ')}`)
        .join('; ');
      throw new DomainError('validation', summary, { fields: problems });
    }
    const provider = await this.providers.find(groupScope(group.id));
    if (!provider?.enabled || !provider.ssoUrl || !provider.certificate) {
      throw new DomainError('precondition_failed', 'SAML SSO is not enabled for this group: configure and enable it first, or the invitation would lead nowhere');
    }
    const token = generateSecret(LINK_INVITATION_PREFIX);
    const now = new Date();
    const row = {
      groupId: group.id,
      userId: user.id,
      tokenDigest: digestSecret(token),
      createdById: actor.id,
      createdByName: actor.name,
      createdAt: now.toISOString(),
      expiresAt: expiresAt((days as { days: number }).days, now),
    };
    const id = await this.db.transaction(async (tx) => {
      const inserted = await this.invitations.insert(tx, row);
      await this.audit.record(tx, {
        name: 'saml_link_invitation_created',
        actor,
        scope: groupScope(group.id),
        target: { type: 'User', id: user.id, details: user.username },
        details: { invitation_id: inserted, expires_at: row.expiresAt },
      });
      return inserted;
    });
    const created = { ...row, id, usedAt: null, usedExternUid: null, revokedAt: null, revokedByName: null };
    return { ...view(created, user, row.createdAt), url: invitationUrl(this.config.baseUrl, group, token) };
  }

  async list(group: GroupEntity, filter: LinkInvitationFilter, page: PageRequest): Promise<Page<LinkInvitationView>> {
    const now = nowIso();
    const found = await this.invitations.list(group.id, filter, page, now);
    const users = new Map((await this.users.findByIds([...new Set(found.items.map((i) => i.userId))])).map((u) => [u.id, u]));
    return { ...found, items: found.items.map((i) => view(i, users.get(i.userId) ?? null, now)) };
  }

  async get(group: GroupEntity, id: number): Promise<LinkInvitationView> {
    const invitation = await this.invitations.findInGroup(group.id, id);
    if (!invitation) throw new DomainError('not_found', '404 Link invitation Not Found');
    return view(invitation, await this.users.findById(invitation.userId), nowIso());
  }

  /** Only an active invitation can be revoked; a used, expired or revoked one answers 409 and says which. */
  async revoke(actor: Actor, group: GroupEntity, id: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const invitation = await this.invitations.lock(tx, id);
      if (!invitation || invitation.groupId !== group.id) throw new DomainError('not_found', '404 Link invitation Not Found');
      const now = nowIso();
      const state = invitationState(invitation, now);
      if (state !== 'active' || !(await this.invitations.revoke(tx, id, now, actor.name))) {
        throw new DomainError('conflict', `This link invitation is ${state === 'active' ? 'used' : state} and can no longer be revoked`);
      }
      const user = await this.users.findById(invitation.userId, tx);
      await this.audit.record(tx, {
        name: 'saml_link_invitation_revoked',
        actor,
        scope: groupScope(group.id),
        target: { type: 'User', id: invitation.userId, details: user?.username },
        details: { invitation_id: id },
      });
    });
  }
}

function view(i: SamlLinkInvitationEntity, user: UserEntity | null, now: string): LinkInvitationView {
  return {
    id: i.id,
    user: user ? { id: user.id, username: user.username, name: user.name, email: user.email } : null,
    state: invitationState(i, now),
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    created_by: { id: i.createdById, name: i.createdByName },
    used_at: i.usedAt,
    used_extern_uid: i.usedExternUid,
    revoked_at: i.revokedAt,
    revoked_by: i.revokedByName === null ? null : { name: i.revokedByName },
  };
}

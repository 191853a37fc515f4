import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { INSTANCE, Scope, scopeFromGroupId } from '../common/scope.js';
import { SamlProviderService } from '../groups/saml-provider.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Database, isUniqueViolation, uniqueViolationTarget } from '../database/database.service.js';
import { SamlIdentitiesService } from '../saml/saml-identities.service.js';
import { ScimIdentitiesService } from '../scim/scim-identities.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { isEmailAddress, UsersService } from '../users/users.service.js';
import { sanitizeUsername } from '../users/username.js';

export interface NewAccountInput {
  username: string;
  name: string;
  email: string;
  isAdmin: boolean;
}

export interface UserIdentities {
  identities: { provider: 'group_saml' | 'saml'; extern_uid: string; saml_provider_id: number | null; group_id: number | null }[];
  scim_identities: { group_id: number | null; extern_uid: string; active: boolean }[];
}

const EMAIL_TAKEN = 'Email has already been taken';
const USERNAME_TAKEN = 'Username has already been taken';
const USERNAME_RULE = 'must be 1 to 60 letters, digits, "_", "-" or ".", starting and ending with a letter or digit';

/** The profile fields of PUT /users/:id, as sent (absent = unchanged). */
export interface AccountChange {
  name?: string;
  username?: string;
  email?: string;
  isAdmin?: unknown;
}

/** Validates a PUT /users/:id change with the rules of POST /users; every problem is reported at once. */
export function parseAccountChange(change: AccountChange): { name?: string; username?: string; email?: string; isAdmin?: boolean } {
  const fields: Record<string, string[]> = {};
  const { name, username, email, isAdmin } = change;
  if (name !== undefined && (name.trim() === '' || name.length > 255)) fields.name = ['must be a non-empty string of at most 255 characters'];
  if (username !== undefined && (username === '' || sanitizeUsername(username) !== username)) fields.username = [USERNAME_RULE];
  if (email !== undefined && !isEmailAddress(email)) fields.email = ['must be a valid email address'];
  if (isAdmin !== undefined && typeof isAdmin !== 'boolean') fields.admin = ['must be true or false'];
  if (Object.keys(fields).length > 0) throw new DomainError('validation', 'Invalid user', { fields });
  return {
    ...(name !== undefined ? { name: name.trim() } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(isAdmin !== undefined ? { isAdmin: isAdmin as boolean } : {}),
  };
}

/** Validates POST /users input; every problem is reported at once, per field. */
export function parseNewAccount(input: Record<string, unknown>): NewAccountInput {
  const fields: Record<string, string[]> = {};
  const { username, name, email, is_admin: isAdmin } = input;
  // The same rule SCIM-derived usernames follow, so an admin cannot create what provisioning never would.
  if (typeof username !== 'string' || username === '' || sanitizeUsername(username) !== username) {
    fields.username = [USERNAME_RULE];
  }
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255) fields.name = ['must be a non-empty string of at most 255 characters'];
  if (typeof email !== 'string' || !isEmailAddress(email)) fields.email = ['must be a valid email address'];
  if (isAdmin !== undefined && typeof isAdmin !== 'boolean') fields.is_admin = ['must be true or false'];
  if (Object.keys(fields).length > 0) throw new DomainError('validation', 'Invalid user', { fields });
  return { username: username as string, name: (name as string).trim(), email: email as string, isAdmin: isAdmin === true };
}

/** Platform accounts as admins manage them: creation with an exact username, and the identities view. */
@Injectable()
export class UserAccountsService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly scimIdentities: ScimIdentitiesService,
    private readonly samlIdentities: SamlIdentitiesService,
    private readonly providers: SamlProviderService,
  ) {}

  /** 409 when the email or the exact username is taken (never a silently renamed account). */
  async create(actor: Actor, input: NewAccountInput): Promise<UserEntity> {
    try {
      return await this.db.transaction(async (tx) => {
        if (await this.users.findByEmail(input.email, tx)) throw new DomainError('conflict', EMAIL_TAKEN);
        const user = await this.users.create(tx, { usernameSource: input.username, name: input.name, email: input.email, isAdmin: input.isAdmin });
        // UsersService picks the first free variant (alice1, …); an admin asked for this exact name.
        if (user.username !== input.username) throw new DomainError('conflict', USERNAME_TAKEN);
        await this.audit.record(tx, {
          name: 'user_created',
          actor,
          scope: INSTANCE,
          target: { type: 'User', id: user.id, details: user.username },
          details: { is_admin: user.isAdmin },
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', /email/.test(uniqueViolationTarget(error) ?? '') ? EMAIL_TAKEN : USERNAME_TAKEN);
      throw error;
    }
  }

  /**
   * GitLab's block / unblock: a blocked account's tokens and sessions stop working (TokensService
   * refuses blocked accounts). An admin cannot block themself. Answers whether the state changed.
   */
  async setBlocked(actor: Actor, user: UserEntity, blocked: boolean): Promise<boolean> {
    if (blocked && actor.id === user.id) throw new DomainError('forbidden', '403 Forbidden - The API initiating user cannot be blocked by the API');
    return this.db.transaction(async (tx) => {
      const current = await this.users.getById(user.id, tx);
      const state = blocked ? 'blocked' : 'active';
      if (current.state === state) return false;
      await this.users.setState(tx, user.id, state);
      await this.audit.record(tx, {
        name: blocked ? 'user_blocked' : 'user_unblocked',
        actor,
        scope: INSTANCE,
        target: { type: 'User', id: user.id, details: user.username },
      });
      return true;
    });
  }

  /**
   * PUT /users/:id: name, username, email and admin flag (audited), and the identity when given
   * (through the SAML identity rules) — all in one transaction, so a refused identity leaves the
   * profile as it was. Every invalid field is reported at once.
   */
  async update(actor: Actor, user: UserEntity, change: AccountChange, identity?: { scope: Scope; externUid: string }): Promise<void> {
    const fields = parseAccountChange(change);
    if (fields.isAdmin === false && actor.id === user.id) {
      throw new DomainError('forbidden', '403 Forbidden - An admin cannot remove their own admin access through the API');
    }
    try {
      await this.db.transaction(async (tx) => {
        if (Object.keys(fields).length > 0) {
          await this.users.updateAccount(tx, user, fields);
          await this.audit.record(tx, {
            name: 'user_updated',
            actor,
            scope: INSTANCE,
            target: { type: 'User', id: user.id, details: user.username },
            // The API's names for what changed (`admin`, as GitLab's parameter).
            details: { changes: Object.keys(fields).map((key) => (key === 'isAdmin' ? 'admin' : key)) },
          });
        }
        if (identity) await this.samlIdentities.setForUser(tx, actor, identity.scope, user.id, identity.externUid);
      });
    } catch (error) {
      const target = uniqueViolationTarget(error);
      if (target === undefined) throw error;
      if (/email/.test(target)) throw new DomainError('conflict', EMAIL_TAKEN);
      if (/username/.test(target)) throw new DomainError('conflict', USERNAME_TAKEN);
      throw this.samlIdentities.takenError(error);
    }
  }

  async identities(user: UserEntity): Promise<UserIdentities> {
    const [saml, scim] = await Promise.all([this.samlIdentities.findAllForUser(user.id), this.scimIdentities.findAllForUser(user.id)]);
    // GitLab's saml_provider_id is the provider's own id; a person has a handful of identities at most.
    const providers = await Promise.all(saml.map((i) => this.providers.find(scopeFromGroupId(i.groupId))));
    return {
      identities: saml.map((i, n) => ({ provider: i.groupId === null ? 'saml' : 'group_saml', extern_uid: i.externUid, saml_provider_id: providers[n]?.id ?? null, group_id: i.groupId })),
      scim_identities: scim.map((i) => ({ group_id: i.groupId, extern_uid: i.externUid, active: Boolean(i.active) })),
    };
  }
}

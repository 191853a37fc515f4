import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { KeysetPage, KeysetRequest, Page, PageRequest } from '../common/paging.js';
import { randomBytes } from 'node:crypto';
import { isUniqueViolation, Tx, uniqueViolationTarget } from '../database/database.service.js';
import { UserEntity, UserState } from './user.entity.js';
import { UserFilter, UsersRepository } from './users.repository.js';

export type { UserFilter } from './users.repository.js';
import { isEmailAddress } from './email-address.js';
import { firstFreeUsername, sanitizeUsername } from './username.js';

export interface CreateUserInput {
  /** Where the username comes from (an email or IdP userName); it is sanitised and made unique. */
  usernameSource: string;
  name: string;
  email: string;
  isAdmin?: boolean;
  enterpriseGroupId?: number | null;
}

export { isEmailAddress };

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The account a look-up found, or the not-found error every "user by id" read answers with. */
export function userFound(user: UserEntity | null): UserEntity {
  if (!user) throw new DomainError('not_found', '404 User Not Found');
  return user;
}

/** Owns platform accounts. Other modules create, look up and change users only through here. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  findById(id: number, em?: Tx): Promise<UserEntity | null> {
    return this.users.findById(id, em);
  }

  findByIds(ids: number[]): Promise<UserEntity[]> {
    return this.users.findByIds(ids);
  }

  findByEmail(email: string, em?: Tx): Promise<UserEntity | null> {
    return this.users.findByEmail(email, em);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findByUsername(username);
  }

  async getById(id: number, em?: Tx): Promise<UserEntity> {
    return userFound(await this.users.findById(id, em));
  }

  /**
   * Creates an account inside the caller's transaction. The email must be free (a unique index
   * backs this; the caller maps a lost race to 409). The username is the first free variant.
   */
  async create(tx: Tx, input: CreateUserInput): Promise<UserEntity> {
    if (!isEmailAddress(input.email)) throw new DomainError('invalid_value', `"${input.email}" is not a valid email address`);
    const base = sanitizeUsername(input.usernameSource);
    const row = { name: input.name.trim(), email: input.email, isAdmin: input.isAdmin ?? false, enterpriseGroupId: input.enterpriseGroupId ?? null };
    // Usually the name is free: one statement. Otherwise (or when the email is taken, which the
    // insert below then reports as the unique violation it is) look at the names in use.
    const first = await this.users.insertIfFree(tx, { ...row, username: base, name: row.name || base });
    if (first) return first;
    const taken = await this.users.usernamesLike(base, tx);
    // Concurrent creates of different people can pick the same free name (alice@a, alice@b). A
    // savepoint lets a lost race try the next name without aborting the caller's transaction.
    for (let attempt = 0; ; attempt++) {
      const username = attempt < 20 ? firstFreeUsername(base, taken) : `${base}${randomBytes(3).toString('hex')}`;
      await tx.execute('SAVEPOINT create_user');
      try {
        const user = await this.users.insert(tx, { ...row, username, name: row.name || username });
        await tx.execute('RELEASE SAVEPOINT create_user');
        return user;
      } catch (error) {
        await tx.execute('ROLLBACK TO SAVEPOINT create_user');
        if (!/username/.test(uniqueViolationTarget(error) ?? '') || attempt >= 25) throw error;
        taken.add(username.toLowerCase());
      }
    }
  }

  /** An admin's edit of an account; a taken email or username is 409, never a takeover. */
  async updateAccount(tx: Tx, user: UserEntity, change: { name?: string; username?: string; email?: string; isAdmin?: boolean }): Promise<void> {
    if (change.email !== undefined) {
      if (!isEmailAddress(change.email)) throw new DomainError('validation', 'Invalid email', { fields: { email: ['must be a valid email address'] } });
      const holder = await this.users.findByEmail(change.email, tx);
      if (holder && holder.id !== user.id) throw new DomainError('conflict', 'Email has already been taken');
    }
    if (change.username !== undefined) {
      const holder = await this.users.findByUsername(change.username, tx);
      if (holder && holder.id !== user.id) throw new DomainError('conflict', 'Username has already been taken');
    }
    // A concurrent writer taking the value meanwhile fails the unique index; the caller maps it.
    await this.users.updateProfile(tx, user.id, change);
  }

  async setState(tx: Tx, id: number, state: UserState): Promise<void> {
    await this.users.setState(tx, id, state);
  }

  /**
   * Copies IdP-managed profile values onto an Enterprise user's account. A new email that another
   * account holds is a 409, never a silent takeover of that address.
   */
  async applyIdpProfile(tx: Tx, user: UserEntity, profile: { name?: string; email?: string; userName?: string }): Promise<void> {
    const change: { name?: string; email?: string; username?: string } = {};
    if (profile.name !== undefined && profile.name.trim() !== '' && profile.name !== user.name) change.name = profile.name.trim();
    if (profile.email !== undefined && profile.email.toLowerCase() !== user.emailLower) {
      if (!isEmailAddress(profile.email)) throw new DomainError('invalid_value', `"${profile.email}" is not a valid email address`);
      const holder = await this.users.findByEmail(profile.email, tx);
      if (holder && holder.id !== user.id) throw new DomainError('uniqueness', 'Email has already been taken');
      change.email = profile.email;
    }
    if (profile.userName !== undefined) {
      const base = sanitizeUsername(profile.userName);
      if (base.toLowerCase() !== user.usernameLower && !new RegExp(`^${escapeRegExp(base.toLowerCase())}\\d*$`).test(user.usernameLower)) {
        const taken = await this.users.usernamesLike(base, tx);
        change.username = firstFreeUsername(base, taken);
      }
    }
    if (Object.keys(change).length === 0) return;
    try {
      await this.users.updateProfile(tx, user.id, change);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('uniqueness', 'Email has already been taken');
      throw error;
    }
  }

  anyAdmin(tx?: Tx): Promise<boolean> {
    return this.users.anyAdmin(tx);
  }

  list(filter: UserFilter, page: PageRequest): Promise<Page<UserEntity>> {
    return this.users.list(filter, page);
  }

  listKeyset(filter: UserFilter, request: KeysetRequest): Promise<KeysetPage<UserEntity>> {
    return this.users.listKeyset(filter, request);
  }
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

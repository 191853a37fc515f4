import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import type { Tx } from '../database/database.service.js';
import type { OutboxMessageEntity, OutboxStatus } from './outbox-message.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { welcomeMessage } from './welcome-message.js';

export interface WelcomeInput {
  group: { id: number; name: string; path: string };
  user: { id: number; name: string; username: string; email: string };
}

/**
 * The email outbox: messages are written in the transaction of the change that causes them and
 * delivered later by MailDeliveryWorker (only when SMTP_URL is set; otherwise they stay, listed for
 * admins). Nothing here talks to a mail server, so no SCIM request ever waits on one.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly outbox: OutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The group's SSO start URL, the address a person signs in at (saml.md). */
  ssoUrl(path: string): string {
    return `${this.config.baseUrl}/groups/${encodeURIComponent(path)}/-/saml/sso`;
  }

  async enqueueWelcome(tx: Tx, input: WelcomeInput): Promise<void> {
    const message = welcomeMessage({ name: input.user.name, username: input.user.username, groupName: input.group.name, ssoUrl: this.ssoUrl(input.group.path) });
    await this.outbox.insert(tx, { groupId: input.group.id, userId: input.user.id, kind: 'welcome', recipient: input.user.email, ...message });
  }

  async list(filter: { status?: OutboxStatus }, page: PageRequest): Promise<Page<OutboxMessageEntity>> {
    const { items, total } = await this.outbox.list(filter, pageOffset(page), page.perPage);
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** Whether messages leave the outbox at all (SMTP_URL is set). */
  get delivering(): boolean {
    return this.config.mail.smtpUrl !== undefined;
  }
}

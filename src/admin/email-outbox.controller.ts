import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { DomainError } from '../common/domain-error.js';
import { parsePageRequest } from '../common/paging.js';
import type { OutboxMessageEntity, OutboxStatus } from '../mail/outbox-message.entity.js';
import { OutboxService } from '../mail/outbox.service.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { queryString } from './admin-input.js';
import { requireAdmin } from './group-access.service.js';
import { sendPage } from './paged-response.js';
import { Principal } from './request-actor.js';

const STATUSES: OutboxStatus[] = ['pending', 'sent'];

export function outboxMessageView(message: OutboxMessageEntity) {
  return {
    id: message.id,
    kind: message.kind,
    group_id: message.groupId,
    user_id: message.userId,
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    status: message.status,
    attempts: message.attempts,
    next_attempt_at: message.status === 'pending' ? message.nextAttemptAt : null,
    last_error: message.lastError,
    created_at: message.createdAt,
    sent_at: message.sentAt,
  };
}

/**
 * The email outbox, newest first, for admins: what Roster sent or still has to send. Without
 * SMTP_URL nothing is delivered and this is where the messages are (`X-Delivery: off` says so).
 */
@Controller('api/v4/email_outbox')
@UseGuards(PersonAuthGuard)
export class EmailOutboxController {
  constructor(
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async list(@Principal() principal: PersonPrincipal, @Query() query: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    requireAdmin(principal);
    const status = queryString(query, 'status', 20);
    if (status !== undefined && !STATUSES.includes(status as OutboxStatus)) {
      throw new DomainError('validation', `status must be one of ${STATUSES.join(', ')}`, { fields: { status: [`must be one of ${STATUSES.join(', ')}`] } });
    }
    response.setHeader('X-Delivery', this.outbox.delivering ? 'smtp' : 'off');
    const page = await this.outbox.list({ status: status as OutboxStatus | undefined }, parsePageRequest(query));
    return sendPage(request, response, this.config.baseUrl, page, outboxMessageView);
  }
}

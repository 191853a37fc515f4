import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { MailDeliveryWorker } from './mail-delivery.worker.js';
import { OutboxMessageEntity } from './outbox-message.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';

/** Owns email_outbox: messages queued by other modules' transactions, and their delivery. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessageEntity], READER)],
  providers: [OutboxRepository, OutboxService, MailDeliveryWorker],
  exports: [OutboxService],
})
export class MailModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READER } from '../database/data-source-options.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** Owns audit_events; other modules record and read events through AuditService. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity], READER)],
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule {}

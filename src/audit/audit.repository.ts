import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { KeysetPage, KeysetRequest, Page, PageRequest, pageOffset } from '../common/paging.js';
import { keysetPage } from '../database/keyset.js';

export interface AuditQuery {
  /** undefined = every scope (admin); null = instance only; a number = that group. */
  groupId?: number | null;
  eventName?: string;
  createdAfter?: string;
  createdBefore?: string;
  targetId?: number;
  requestId?: string;
  entityType?: string;
  entityId?: number;
}

type NewEvent = Omit<AuditEventEntity, 'id'>;

/** Owns audit_events. */
@Injectable()
export class AuditRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(AuditEventEntity, READER) private readonly events: Repository<AuditEventEntity>,
  ) {}

  /** Inside the change's transaction, sent with its other events just before COMMIT: the event commits with it or not at all. */
  async insert(tx: Tx, event: NewEvent): Promise<void> {
    await this.db.insertAtCommit(tx, AuditEventEntity, event);
  }

  private filtered(query: AuditQuery): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.events.createQueryBuilder('a');
    if (query.groupId === null) qb.andWhere('a.group_id IS NULL');
    else if (query.groupId !== undefined) qb.andWhere('a.group_id = :groupId', { groupId: query.groupId });
    if (query.eventName) qb.andWhere('a.event_name = :eventName', { eventName: query.eventName });
    if (query.createdAfter) qb.andWhere('a.created_at > :after', { after: query.createdAfter });
    if (query.createdBefore) qb.andWhere('a.created_at < :before', { before: query.createdBefore });
    if (query.targetId !== undefined) qb.andWhere('a.target_id = :targetId', { targetId: query.targetId });
    if (query.requestId) qb.andWhere('a.request_id = :requestId', { requestId: query.requestId });
    if (query.entityType !== undefined) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId !== undefined) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    return qb;
  }

  /** One event; with a group id, only if it belongs to that group (undefined: any scope). */
  async findOne(id: number, groupId?: number): Promise<AuditEventEntity | null> {
    return this.events.findOne({ where: groupId === undefined ? { id } : { id, groupId } });
  }

  async list(query: AuditQuery, page: PageRequest): Promise<Page<AuditEventEntity>> {
    const [items, total] = await this.filtered(query).orderBy('a.id', 'DESC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** The newest `limit` events of `query` that name no target, without counting the rest. */
  async newestWithoutTarget(query: AuditQuery, limit: number): Promise<AuditEventEntity[]> {
    return this.filtered(query).andWhere('a.target_id IS NULL').orderBy('a.id', 'DESC').take(limit).getMany();
  }

  /** Newest first, by keyset. */
  listKeyset(query: AuditQuery, request: KeysetRequest): Promise<KeysetPage<AuditEventEntity>> {
    return keysetPage(this.filtered(query), 'a', request, 'DESC');
  }
}

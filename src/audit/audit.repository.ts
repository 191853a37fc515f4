import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';

export interface AuditQuery {
  /** undefined = every scope (admin); null = instance only; a number = that group. */
  groupId?: number | null;
  eventName?: string;
  createdAfter?: string;
  createdBefore?: string;
  targetId?: number;
}

type NewEvent = Omit<AuditEventEntity, 'id'>;

/** Column → event property, in insert order. */
const EVENT_COLUMNS: [string, keyof NewEvent][] = [
  ['created_at', 'createdAt'], ['event_name', 'eventName'], ['author_id', 'authorId'], ['author_name', 'authorName'],
  ['group_id', 'groupId'], ['entity_type', 'entityType'], ['entity_id', 'entityId'], ['target_type', 'targetType'],
  ['target_id', 'targetId'], ['target_details', 'targetDetails'], ['details', 'details'], ['ip_address', 'ipAddress'],
];

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Written with the transaction's other events in one INSERT just before it commits. */
  append(tx: Tx, event: Omit<AuditEventEntity, 'id'>): void {
    this.db.appendAtCommit(
      tx,
      'audit_events',
      EVENT_COLUMNS.map(([column]) => column),
      EVENT_COLUMNS.map(([, property]) => event[property]),
    );
  }

  async list(query: AuditQuery, page: PageRequest): Promise<Page<AuditEventEntity>> {
    const qb = this.db.reader.getRepository(AuditEventEntity).createQueryBuilder('a');
    if (query.groupId === null) qb.andWhere('a.group_id IS NULL');
    else if (query.groupId !== undefined) qb.andWhere('a.group_id = :groupId', { groupId: query.groupId });
    if (query.eventName) qb.andWhere('a.event_name = :eventName', { eventName: query.eventName });
    if (query.createdAfter) qb.andWhere('a.created_at > :after', { after: query.createdAfter });
    if (query.createdBefore) qb.andWhere('a.created_at < :before', { before: query.createdBefore });
    if (query.targetId !== undefined) qb.andWhere('a.target_id = :targetId', { targetId: query.targetId });
    const [items, total] = await qb
      .orderBy('a.id', 'DESC')
      .skip(pageOffset(page))
      .take(page.perPage)
      .getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** For tests and the crash-safety check: events about one target. */
  async countFor(eventName: string, targetId: number): Promise<number> {
    return this.db.reader.getRepository(AuditEventEntity).count({ where: { eventName, targetId } });
  }
}

import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.service.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { ScimRequestEntity } from './scim-request.entity.js';

export interface RequestLogQuery {
  groupId: number | null;
  externalId?: string;
  status?: number;
  method?: string;
}

type LogEntry = Omit<ScimRequestEntity, 'id'>;

/** Column → entry property, in insert order. */
const LOG_COLUMNS: [string, keyof LogEntry][] = [
  ['created_at', 'createdAt'], ['group_id', 'groupId'], ['method', 'method'], ['path', 'path'], ['query', 'query'],
  ['status', 'status'], ['duration_ms', 'durationMs'], ['external_id', 'externalId'], ['external_id_lower', 'externalIdLower'],
  ['user_name', 'userName'], ['resource_id', 'resourceId'], ['error_detail', 'errorDetail'], ['body', 'body'],
];

@Injectable()
export class ScimRequestLogRepository {
  constructor(private readonly db: Database) {}

  /** A batch of entries in multi-row INSERTs: the log is written for every SCIM request. */
  async insertMany(tx: Tx, rows: Omit<ScimRequestEntity, 'id'>[]): Promise<void> {
    await this.db.insertRows(
      tx,
      'scim_requests',
      LOG_COLUMNS.map(([column]) => column),
      rows.map((row) => LOG_COLUMNS.map(([, property]) => row[property])),
    );
  }

  async list(query: RequestLogQuery, page: PageRequest): Promise<Page<ScimRequestEntity>> {
    const qb = this.db.reader.getRepository(ScimRequestEntity).createQueryBuilder('r');
    if (query.groupId === null) qb.where('r.group_id IS NULL');
    else qb.where('r.group_id = :groupId', { groupId: query.groupId });
    if (query.externalId) qb.andWhere('r.external_id_lower = :ext', { ext: query.externalId.toLowerCase() });
    if (query.status !== undefined) qb.andWhere('r.status = :status', { status: query.status });
    if (query.method) qb.andWhere('r.method = :method', { method: query.method.toUpperCase() });
    const [items, total] = await qb.orderBy('r.id', 'DESC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** Scopes that have rows, for retention. */
  async scopes(): Promise<(number | null)[]> {
    const rows = await this.db.reader
      .getRepository(ScimRequestEntity)
      .createQueryBuilder('r')
      .select('DISTINCT r.group_id', 'groupId')
      .getRawMany<{ groupId: number | null }>();
    return rows.map((r) => (r.groupId === null ? null : Number(r.groupId)));
  }

  /** Deletes all but the newest `keep` rows of a scope; returns how many went. */
  async prune(tx: Tx, groupId: number | null, keep: number): Promise<number> {
    const qb = tx.getRepository(ScimRequestEntity).createQueryBuilder('r').select('r.id', 'id');
    if (groupId === null) qb.where('r.group_id IS NULL');
    else qb.where('r.group_id = :groupId', { groupId });
    const boundary = await qb.orderBy('r.id', 'DESC').offset(keep).limit(1).getRawOne<{ id: number }>();
    if (!boundary) return 0;
    const del = tx.createQueryBuilder().delete().from(ScimRequestEntity).where('id <= :id', { id: boundary.id });
    if (groupId === null) del.andWhere('group_id IS NULL');
    else del.andWhere('group_id = :groupId', { groupId });
    return (await del.execute()).affected ?? 0;
  }
}

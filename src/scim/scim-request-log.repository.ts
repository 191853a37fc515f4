import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { READER } from '../database/data-source-options.js';
import { Database, Tx } from '../database/database.service.js';
import { scopeCondition } from '../database/named-params.js';
import { Page, PageRequest, pageOffset } from '../common/paging.js';
import { ScimRequestEntity } from './scim-request.entity.js';

export interface RequestLogQuery {
  groupId: number | null;
  externalId?: string;
  status?: number;
  method?: string;
  requestId?: string;
}

type LogEntry = Omit<ScimRequestEntity, 'id'>;

/** Column → entry property, in insert order. */
const LOG_COLUMNS: [string, keyof LogEntry][] = [
  ['created_at', 'createdAt'],
  ['group_id', 'groupId'],
  ['method', 'method'],
  ['path', 'path'],
  ['query', 'query'],
  ['status', 'status'],
  ['duration_ms', 'durationMs'],
  ['external_id', 'externalId'],
  ['external_id_lower', 'externalIdLower'],
  ['user_name', 'userName'],
  ['resource_id', 'resourceId'],
  ['error_detail', 'errorDetail'],
  ['body', 'body'],
  ['request_id', 'requestId'],
];

/** Owns scim_requests. */
@Injectable()
export class ScimRequestLogRepository {
  constructor(
    private readonly db: Database,
    @InjectRepository(ScimRequestEntity, READER) private readonly requests: Repository<ScimRequestEntity>,
  ) {}

  /** A batch of entries in multi-row INSERTs: the log is written for every SCIM request. */
  async insertMany(tx: Tx, rows: Omit<ScimRequestEntity, 'id'>[]): Promise<void> {
    await tx.insertRows(
      'scim_requests',
      LOG_COLUMNS.map(([column]) => column),
      rows.map((row) => LOG_COLUMNS.map(([, property]) => row[property])),
    );
  }

  async list(query: RequestLogQuery, page: PageRequest): Promise<Page<ScimRequestEntity>> {
    const qb = this.requests.createQueryBuilder('r');
    if (query.groupId === null) qb.where('r.group_id IS NULL');
    else qb.where('r.group_id = :groupId', { groupId: query.groupId });
    if (query.externalId) qb.andWhere('r.external_id_lower = :ext', { ext: query.externalId.toLowerCase() });
    if (query.status !== undefined) qb.andWhere('r.status = :status', { status: query.status });
    if (query.method) qb.andWhere('r.method = :method', { method: query.method.toUpperCase() });
    if (query.requestId) qb.andWhere('r.request_id = :requestId', { requestId: query.requestId });
    // By time: a change's row is written when it commits, the rows of reads a moment after they answer.
    const [items, total] = await qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').skip(pageOffset(page)).take(page.perPage).getManyAndCount();
    return { items, total, page: page.page, perPage: page.perPage };
  }

  /** Scopes that have rows, for retention. */
  async scopes(): Promise<(number | null)[]> {
    const rows = await this.requests.createQueryBuilder('r').select('DISTINCT r.group_id', 'groupId').getRawMany<{ groupId: number | null }>();
    return rows.map((r) => (r.groupId === null ? null : Number(r.groupId)));
  }

  /** Deletes all but the newest `keep` rows of a scope; returns how many went. */
  async prune(tx: Tx, groupId: number | null, keep: number): Promise<number> {
    const inScope = scopeCondition('', groupId);
    const [boundary] = await tx.select<{ id: number | string }>(`SELECT "id" FROM "scim_requests" WHERE ${inScope.sql} ORDER BY "id" DESC LIMIT 1 OFFSET ?`, [...inScope.values, keep]);
    if (!boundary) return 0;
    return (await tx.execute(`DELETE FROM "scim_requests" WHERE ${inScope.sql} AND "id" <= ?`, [...inScope.values, Number(boundary.id)])).affected;
  }
}

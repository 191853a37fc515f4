import { Inject, Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';
import { Page, PageRequest } from '../common/paging.js';
import { Database, Tx } from '../database/database.service.js';
import { RequestLogQuery, ScimRequestLogRepository } from './scim-request-log.repository.js';
import type { ScimRequestEntity } from './scim-request.entity.js';
import { Metrics } from '../ops/metrics.js';

const FLUSH_INTERVAL_MS = 100;
const FLUSH_BATCH = 500;
const PRUNE_INTERVAL_MS = 60_000;

export type RequestLogEntry = Omit<ScimRequestEntity, 'id'>;

export interface RequestLogView {
  id: number;
  created_at: string;
  method: string;
  path: string;
  query: string | null;
  status: number;
  duration_ms: number;
  external_id: string | null;
  user_name: string | null;
  resource_id: string | null;
  error_detail: string | null;
  body: unknown;
  request_id: string | null;
}

/**
 * The SCIM request log. A change's entry commits with the change (writeIn); other entries are
 * written in batches a few times a second, in one transaction each, so reads add no write to
 * their path. Retention pruning runs in the background and never blocks a SCIM request.
 */
@Injectable()
export class ScimRequestLogService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ScimRequestLog');
  private buffer: RequestLogEntry[] = [];
  private flushing: Promise<void> | null = null;
  private flushTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly repository: ScimRequestLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('roster_scim_request_log_backlog', 'SCIM request-log rows buffered in this process, not yet written', [], () => [{ labels: {}, value: this.buffer.length }]);
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.flushTimer.unref();
    this.pruneTimer.unref();
  }

  /** A change's own row, inside the change's transaction. */
  writeIn(tx: Tx, entry: RequestLogEntry): Promise<void> {
    return this.repository.insertMany(tx, [entry]);
  }

  /** A request that changed nothing: buffered, written with others a few times a second. */
  record(entry: RequestLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= FLUSH_BATCH) void this.flush();
  }

  /** Writes everything buffered so far; concurrent callers share one flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.db
      .transaction((tx) => this.repository.insertMany(tx, batch))
      .catch((error: unknown) => this.logger.error(`could not write ${batch.length} request log entries: ${String(error)}`))
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  async prune(): Promise<number> {
    let removed = 0;
    try {
      for (const groupId of await this.repository.scopes()) {
        removed += await this.db.transaction((tx) => this.repository.prune(tx, groupId, this.config.scimRequestLogRetention));
      }
    } catch (error) {
      this.logger.warn(`request log pruning failed: ${String(error)}`);
    }
    return removed;
  }

  async list(query: RequestLogQuery, page: PageRequest): Promise<Page<RequestLogView>> {
    await this.flush();
    const result = await this.repository.list(query, page);
    return {
      ...result,
      items: result.items.map((r) => ({
        id: r.id,
        created_at: r.createdAt,
        method: r.method,
        path: r.path,
        query: r.query,
        status: r.status,
        duration_ms: r.durationMs,
        external_id: r.externalId,
        user_name: r.userName,
        resource_id: r.resourceId,
        error_detail: r.errorDetail,
        body: r.body === null ? null : safeParse(r.body),
        request_id: r.requestId,
      })),
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.pruneTimer);
    await this.flush();
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

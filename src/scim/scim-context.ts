import type { RequestOrigin } from '../common/actor.js';
import type { Scope } from '../common/scope.js';
import type { Database, Tx } from '../database/database.service.js';
import type { GroupEntity } from '../groups/group.entity.js';
import type { SamlProviderEntity } from '../groups/saml-provider.entity.js';

/** What a SCIM request is about, resolved once by the scope guard after authentication. */
export interface ScimContext {
  scope: Scope;
  /** The group for group scope; null for the instance. */
  group: GroupEntity | null;
  provider: SamlProviderEntity;
  /** The SCIM base URL of this scope, for meta.location. */
  baseUrl: string;
  /** The request's client address and id, for the audit events a change writes. */
  origin: RequestOrigin;
  /** The request's own log row, written by a change inside its transaction (absent outside HTTP). */
  requestLog?: ChangeLogRow;
}

/**
 * A state-changing request's row of the SCIM request log, written in the change's transaction so
 * the log holds every change that committed, even after a crash (database/README.md). Requests
 * that change nothing are logged in batches by the middleware once answered.
 */
export interface ChangeLogRow {
  /** Inserts the row, answering `status`, inside `tx`. */
  write(tx: Tx, status: number): Promise<void>;
  /** The transaction committed: the middleware must not log the request a second time. */
  committed(): void;
}

/**
 * Runs a SCIM change in one transaction with the request's log row (answering `status`), and tells
 * the log once it committed. Outside HTTP (no row), just the transaction.
 */
export async function changeWithLogRow<T>(db: Pick<Database, 'transaction'>, ctx: ScimContext, status: number, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await db.transaction(async (tx) => {
    const value = await work(tx);
    await ctx.requestLog?.write(tx, status);
    return value;
  });
  ctx.requestLog?.committed();
  return result;
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { Database } from '../database/database.service.js';
import { compileUserFilter, compileUserSort } from './filter/filter-compiler.js';
import { parseFilter } from './filter/filter-parser.js';
import { Cursor, encodeCursor, ListRequest } from './list-request.js';
import { applyProjection, parseProjection } from './projection.js';
import type { ScimContext } from './scim-context.js';
import { IdentityView, ScimIdentitiesRepository } from './scim-identities.repository.js';
import { ScimIdentityAliasesService } from './scim-identity-aliases.service.js';
import { systemActor } from '../common/actor.js';
import { toScimUser, ScimUserResource } from './scim-user.mapper.js';
import { LIST_RESPONSE_SCHEMA } from './scim-user-doc.js';

export interface ListResponse {
  schemas: string[];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  Resources: Record<string, unknown>[];
}

/** SCIM reads: GET Users/:id, GET Users, POST Users/.search. Inactive identities are returned too. */
@Injectable()
export class ScimUsersService {
  constructor(
    private readonly db: Database,
    private readonly identities: ScimIdentitiesRepository,
    private readonly aliases: ScimIdentityAliasesService,
  ) {}

  /**
   * GET Users/:id: by the current extern_uid (which retires the identity's aliases: the IdP has
   * moved to it), else by a previous one that is still an alias, answering with the current resource.
   */
  async getIdentity(ctx: ScimContext, id: string): Promise<IdentityView> {
    const found = await this.identities.findViewByExternUid(ctx.scope, id);
    if (found) {
      const { hasAliases, ...identity } = found;
      if (hasAliases) await this.aliases.dropAfterRead(systemActor(ctx.origin), ctx.scope, identity.id);
      return identity;
    }
    const aliased = await this.aliases.identityIdOf(ctx.scope, id);
    const identity = aliased === null ? null : await this.identities.findViewById(aliased);
    if (!identity) throw new DomainError('not_found', `Resource ${id} not found`);
    return identity;
  }

  render(ctx: ScimContext, identity: IdentityView, projection?: { attributes?: unknown; excludedAttributes?: unknown }): ScimUserResource {
    return applyProjection(toScimUser(identity, ctx.baseUrl), parseProjection(projection?.attributes, projection?.excludedAttributes));
  }

  async list(ctx: ScimContext, request: ListRequest): Promise<ListResponse> {
    const projection = parseProjection(request.attributes, request.excludedAttributes);
    const where = request.filter !== undefined && request.filter.trim() !== '' ? compileUserFilter(parseFilter(request.filter), { dialect: this.db.kind }) : undefined;
    const orderBy = compileUserSort(request.sortBy, request.sortOrder, this.db.kind);
    const sorted = request.sortBy !== undefined && request.sortBy !== '';
    const cursor: Cursor | undefined = request.cursor;
    // Keyset paging in creation order; an offset when sorted by an attribute.
    const keyset = cursor && 'after' in cursor && !sorted ? cursor.after : undefined;
    const offset = cursor ? ('offset' in cursor ? cursor.offset : 0) : request.startIndex - 1;
    if (cursor && 'after' in cursor && sorted && cursor.after !== 0) throw new DomainError('invalid_cursor', 'The cursor belongs to another sort order; start again with cursor= (empty)');
    // In cursor mode one extra row says whether a next page exists, so no page is ever empty.
    const limit = cursor && request.count > 0 ? request.count + 1 : request.count;
    const { items: fetched, total } = await this.identities.list(ctx.scope, { where, orderBy, offset, limit, afterId: keyset });
    const items = fetched.slice(0, request.count);
    const response: ListResponse = {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: total,
      itemsPerPage: items.length,
      Resources: items.map((identity) => applyProjection(toScimUser(identity, ctx.baseUrl), projection)),
    };
    if (!cursor) return { ...response, startIndex: request.startIndex };
    const last = items.at(-1);
    if (fetched.length > items.length && last) response.nextCursor = encodeCursor(sorted ? { offset: offset + items.length } : { after: last.id });
    return response;
  }
}

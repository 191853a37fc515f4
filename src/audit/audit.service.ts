import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { nowIso } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { KeysetPage, KeysetRequest, Page, PageRequest } from '../common/paging.js';
import { Scope, scopeGroupId } from '../common/scope.js';
import type { Tx } from '../database/database.service.js';
import { AUDIT_EVENT_NAMES, AuditEventName } from './audit-event-names.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditQuery, AuditRepository } from './audit.repository.js';

export interface AuditEventInput {
  name: AuditEventName;
  actor: Actor;
  scope: Scope;
  /** What the event is about: for groups 'Group'/id, for the instance 'Instance'/null. */
  target?: { type: 'User' | 'Group' | 'ScimToken' | 'SamlProvider' | 'PersonalAccessToken' | 'SamlSpKey'; id: number | null; details?: string };
  details?: Record<string, unknown>;
}

export interface AuditEventView {
  id: number;
  created_at: string;
  event_name: string;
  /** GitLab's field; `author` is Roster's, with the name. */
  author_id: number | null;
  author: { id: number | null; name: string };
  entity_type: string;
  entity_id: number | null;
  target_type: string | null;
  target_id: number | null;
  target_details: string | null;
  details: Record<string, unknown>;
  ip_address: string | null;
  request_id: string | null;
}

/** Records audit events inside the caller's transaction, so an event exists iff its change does. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(tx: Tx, event: AuditEventInput): Promise<void> {
    const groupId = scopeGroupId(event.scope);
    await this.repository.insert(tx, {
      createdAt: nowIso(),
      eventName: event.name,
      authorId: event.actor.id,
      authorName: event.actor.name,
      groupId,
      entityType: groupId === null ? 'Instance' : 'Group',
      entityId: groupId,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      targetDetails: event.target?.details ?? null,
      details: JSON.stringify(event.details ?? {}),
      ipAddress: event.actor.ip,
      requestId: event.actor.requestId,
    });
  }

  /** GitLab's single-event reads; 404 "404 Audit Event Not Found" outside the caller's scope too. */
  async get(id: number, groupId?: number): Promise<AuditEventView> {
    const event = await this.repository.findOne(id, groupId);
    if (!event) throw new DomainError('not_found', '404 Audit Event Not Found');
    return toView(event);
  }

  async list(query: AuditQuery, page: PageRequest): Promise<Page<AuditEventView>> {
    checkEventName(query);
    const result = await this.repository.list(query, page);
    return { ...result, items: result.items.map(toView) };
  }

  /** The newest `limit` events of `query` about no one in particular (no target), newest first. */
  async newestWithoutTarget(query: AuditQuery, limit: number): Promise<AuditEventView[]> {
    checkEventName(query);
    return (await this.repository.newestWithoutTarget(query, limit)).map(toView);
  }

  async listKeyset(query: AuditQuery, request: KeysetRequest): Promise<KeysetPage<AuditEventView>> {
    checkEventName(query);
    const result = await this.repository.listKeyset(query, request);
    return { ...result, items: result.items.map(toView) };
  }
}

function checkEventName(query: AuditQuery): void {
  if (query.eventName !== undefined && !(AUDIT_EVENT_NAMES as readonly string[]).includes(query.eventName)) {
    throw new DomainError('validation', `Unknown event_name "${query.eventName}"`, { fields: { event_name: ['is not a known event name'] } });
  }
}

function toView(e: AuditEventEntity): AuditEventView {
  return {
    id: e.id,
    created_at: e.createdAt,
    event_name: e.eventName,
    author_id: e.authorId,
    author: { id: e.authorId, name: e.authorName },
    entity_type: e.entityType,
    entity_id: e.entityId,
    target_type: e.targetType,
    target_id: e.targetId,
    target_details: e.targetDetails,
    // GitLab scripts read these from `details` (its audit events keep them there); Roster keeps
    // them as columns and repeats them here. entity_path is added by the admin API, which knows paths.
    details: {
      ...(JSON.parse(e.details) as Record<string, unknown>),
      author_name: e.authorName,
      target_id: e.targetId,
      target_type: e.targetType,
      target_details: e.targetDetails,
      ip_address: e.ipAddress,
    },
    ip_address: e.ipAddress,
    request_id: e.requestId,
  };
}

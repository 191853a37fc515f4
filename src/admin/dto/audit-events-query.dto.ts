import { OptionalId, OptionalOneOf, OptionalText } from './coercion.js';

/** GitLab's entity types; instance-wide events are GitLab's `Gitlab::Audit::InstanceScope`, Roster's `Instance`. */
export const AUDIT_ENTITY_TYPES = ['Group', 'Instance', 'Gitlab::Audit::InstanceScope', 'User', 'Project'] as const;

/** The audit events filters: GitLab's (`entity_type`, `entity_id`, `created_*`) and Roster's own. */
export class AuditEventsQueryDto {
  @OptionalText(100) event_name?: string;
  /** Checked and turned into bounds by queryTimeBound. */
  @OptionalText(40, false) created_after?: string;
  @OptionalText(40, false) created_before?: string;
  @OptionalId() target_id?: number;
  @OptionalOneOf(AUDIT_ENTITY_TYPES) entity_type?: (typeof AUDIT_ENTITY_TYPES)[number];
  @OptionalId() entity_id?: number;
  /** Roster's: the events one request caused (its X-Request-Id). */
  @OptionalText(128) request_id?: string;
}

/**
 * Where a SCIM identity, SAML identity, token or audit event belongs: one group, or the whole
 * instance. Stored as group_id (NULL for the instance).
 */
export type Scope = { kind: 'group'; groupId: number } | { kind: 'instance' };

export const INSTANCE: Scope = { kind: 'instance' };

export function groupScope(groupId: number): Scope {
  return { kind: 'group', groupId };
}

export function scopeGroupId(scope: Scope): number | null {
  return scope.kind === 'group' ? scope.groupId : null;
}

/** A stable text key for unique indexes that must treat the instance as one scope. */
export function scopeKey(scope: Scope): string {
  return scope.kind === 'group' ? `group:${scope.groupId}` : 'instance';
}

export function scopeFromGroupId(groupId: number | null): Scope {
  return groupId === null ? INSTANCE : groupScope(groupId);
}

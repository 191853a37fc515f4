/**
 * What a PATCH or PUT changed, in the terms of scim-api.md's effects table (deprovision,
 * reactivate, extern_uid change, profile copy to the platform account, audit).
 */
import { deepEqual, isPlainObject, own, type ScimUserDoc } from './user-doc.js';

export interface UserDocChanges {
  /** The new `active` value, present only when it differs from before. */
  activeChanged?: boolean;
  /** Present when `externalId` (the extern_uid) differs, compared exactly. */
  externalIdChanged?: { from: string | undefined; to: string | undefined };
  /** userName, name, displayName or emails differ: the platform account may need the copy. */
  profileChanged: boolean;
  /** Top-level attribute names that differ; extension attributes as `<urn>:<attribute>`. Sorted. */
  changedAttributes: string[];
}

const PROFILE_ATTRIBUTES = ['userName', 'name', 'displayName', 'emails'];

const keysOf = (...objects: unknown[]) => new Set(objects.flatMap((o) => (isPlainObject(o) ? Object.keys(o) : [])));

export function describeChanges(before: ScimUserDoc, after: ScimUserDoc): UserDocChanges {
  const changed = new Set<string>();
  for (const key of keysOf(before, after)) {
    const a = own(before, key);
    const b = own(after, key);
    if (deepEqual(a, b)) continue;
    if (/^urn:/i.test(key) && isPlainObject(a) && isPlainObject(b)) {
      for (const sub of keysOf(a, b)) {
        if (!deepEqual(own(a, sub), own(b, sub))) changed.add(`${key}:${sub}`);
      }
    } else if (/^urn:/i.test(key) && (isPlainObject(a) || isPlainObject(b))) {
      for (const sub of keysOf(a, b)) changed.add(`${key}:${sub}`);
    } else {
      changed.add(key);
    }
  }
  const changes: UserDocChanges = {
    profileChanged: PROFILE_ATTRIBUTES.some((k) => changed.has(k)),
    changedAttributes: [...changed].sort(),
  };
  if (typeof after.active === 'boolean' && after.active !== before.active) changes.activeChanged = after.active;
  if (before.externalId !== after.externalId) {
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    changes.externalIdChanged = { from: text(before.externalId), to: text(after.externalId) };
  }
  return changes;
}

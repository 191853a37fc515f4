/**
 * The pure rules of link invitations (issue 16, point 2): their state at a moment, and how long
 * one may last. Kept apart from the database so each rule has its own unit test.
 */

export const LINK_INVITATION_STATES = ['active', 'used', 'expired', 'revoked'] as const;
export type LinkInvitationState = (typeof LINK_INVITATION_STATES)[number];

/** An invitation lasts a week unless its creator says otherwise (GitLab's invitations do too). */
export const DEFAULT_EXPIRY_DAYS = 7;
/** Long enough for a holiday, short enough that a forgotten link does not stay a key for months. */
export const MAX_EXPIRY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Prefix of the secret in an invitation URL: recognisable in a chat log, like Roster's other secrets. */
export const LINK_INVITATION_PREFIX = 'roster_link_';

export interface InvitationTimes {
  usedAt: string | null;
  revokedAt: string | null;
  expiresAt: string;
}

/**
 * Used and revoked are final and say what happened; an invitation that was neither is expired
 * from its `expires_at` on (ISO-8601 UTC strings compare in time order).
 */
export function invitationState(invitation: InvitationTimes, now: string): LinkInvitationState {
  if (invitation.usedAt !== null) return 'used';
  if (invitation.revokedAt !== null) return 'revoked';
  return invitation.expiresAt <= now ? 'expired' : 'active';
}

/** `expires_in_days` as given, or the default; a problem text when it is out of range. */
export function expiryDays(raw: unknown): { days: number } | { problem: string } {
  if (raw === undefined || raw === null || raw === '') return { days: DEFAULT_EXPIRY_DAYS };
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_EXPIRY_DAYS) return { problem: `must be a whole number of days from 1 to ${MAX_EXPIRY_DAYS}` };
  return { days: raw };
}

export function expiresAt(days: number, from: Date): string {
  return new Date(from.getTime() + days * DAY_MS).toISOString();
}

/** The secret's shape, checked before it is hashed and looked up: anything else cannot be one. */
export function looksLikeInvitationToken(raw: unknown): raw is string {
  return typeof raw === 'string' && raw.length <= 100 && raw.startsWith(LINK_INVITATION_PREFIX) && /^[A-Za-z0-9_-]+$/.test(raw);
}

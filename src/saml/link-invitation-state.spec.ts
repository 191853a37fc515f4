import { DEFAULT_EXPIRY_DAYS, expiresAt, expiryDays, invitationState, looksLikeInvitationToken, MAX_EXPIRY_DAYS } from './link-invitation-state.js';
import { generateSecret } from '../tokens/secret.js';

describe('link invitation state', () => {
  const now = '2026-12-06T12:00:00.000Z';
  const open = { usedAt: null, revokedAt: null, expiresAt: '2026-12-13T12:00:00.000Z' };

  it('is active before expires_at while neither used nor revoked', () => {
    expect(invitationState(open, now)).toBe('active');
  });

  it('is expired from expires_at on, to the millisecond', () => {
    expect(invitationState({ ...open, expiresAt: now }, now)).toBe('expired');
    expect(invitationState({ ...open, expiresAt: '2026-12-06T12:00:00.001Z' }, now)).toBe('active');
  });

  it('says used or revoked even after it would have expired: what happened matters more than the date', () => {
    expect(invitationState({ ...open, usedAt: now, expiresAt: '2020-01-01T00:00:00.000Z' }, now)).toBe('used');
    expect(invitationState({ ...open, revokedAt: now, expiresAt: '2020-01-01T00:00:00.000Z' }, now)).toBe('revoked');
  });
});

describe('link invitation expiry', () => {
  it('defaults to 7 days and accepts 1 to 30', () => {
    expect(expiryDays(undefined)).toEqual({ days: DEFAULT_EXPIRY_DAYS });
    expect(DEFAULT_EXPIRY_DAYS).toBe(7);
    expect(expiryDays(1)).toEqual({ days: 1 });
    expect(expiryDays(MAX_EXPIRY_DAYS)).toEqual({ days: 30 });
  });

  it('refuses zero, negative, fractional and longer than 30 days', () => {
    for (const bad of [0, -1, 1.5, 31, 365, Number.NaN, '7', true, [7]]) expect(expiryDays(bad)).toEqual({ problem: 'must be a whole number of days from 1 to 30' });
  });

  it('adds whole days to the given moment', () => {
    expect(expiresAt(7, new Date('2026-12-06T12:00:00.000Z'))).toBe('2026-12-13T12:00:00.000Z');
  });
});

describe('invitation token shape', () => {
  it('accepts a generated secret and refuses anything else before a look-up', () => {
    expect(looksLikeInvitationToken(generateSecret('roster_link_'))).toBe(true);
    for (const bad of [undefined, 42, '', 'roster_pat_abc', 'roster_link_a b', `roster_link_${'x'.repeat(100)}`, ['roster_link_x']]) expect(looksLikeInvitationToken(bad)).toBe(false);
  });
});

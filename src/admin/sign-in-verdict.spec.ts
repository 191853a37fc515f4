import { signInVerdict, VerdictFacts } from './sign-in-verdict.js';

const TODAY = '2026-12-05';
const healthy: VerdictFacts = {
  provider: { enabled: true, enforcedSso: false },
  user: { state: 'active' },
  scim: { externUid: 'alice-1', active: true },
  saml: { externUid: 'alice-1' },
  member: { accessLevel: 30, expiresAt: null },
  lastSignIn: { nameId: 'alice-1', outcome: 'signed_in', at: '2026-12-04T10:00:00.000Z' },
  today: TODAY,
};
const verdict = (change: Partial<VerdictFacts>) => signInVerdict({ ...healthy, ...change });

describe('signInVerdict', () => {
  it('a linked, active member whose last sign-in worked can sign in, nothing to fix', () => {
    expect(verdict({})).toEqual({ status: 'can_sign_in', summary: 'Can sign in (last SAML sign-in 2026-12-04T10:00:00.000Z).', fix: [], warnings: [] });
  });

  it.each([
    ['no provider', { provider: null }, /SAML SSO is not enabled/],
    ['a disabled provider', { provider: { enabled: false, enforcedSso: false } }, /SAML SSO is not enabled/],
    ['an unknown NameID', { user: null, scim: null, saml: null, member: null }, /no Roster account/],
    ['a blocked account', { user: { state: 'blocked' } }, /account is blocked/],
    ['an inactive SCIM identity under enforced SSO', { scim: { externUid: 'alice-1', active: false }, provider: { enabled: true, enforcedSso: true } }, /deprovisioned/],
    ['no SAML identity', { saml: null }, /not linked to a SAML identity/],
  ] as const)('%s: cannot sign in, says why and how to fix it', (_, change, why) => {
    const v = verdict(change as Partial<VerdictFacts>);
    expect(v.status).toBe('cannot_sign_in');
    expect(v.summary).toMatch(/^Cannot sign in because /);
    expect(v.summary).toMatch(why);
    expect(v.fix.length).toBeGreaterThan(0);
  });

  it('checks in the callback order: a disabled provider is told before a blocked account', () => {
    expect(verdict({ provider: { enabled: false, enforcedSso: true }, user: { state: 'blocked' } }).summary).toMatch(/not enabled/);
    expect(verdict({ user: { state: 'blocked' }, saml: null }).summary).toMatch(/blocked/);
  });

  it('an inactive SCIM identity without enforced SSO does not block: signing in adds them back', () => {
    const v = verdict({ scim: { externUid: 'alice-1', active: false }, member: null });
    expect(v.status).toBe('can_sign_in');
    expect(v.summary).toMatch(/not a member now: signing in adds them at the default role/);
  });

  it('an expired membership is told, not a blocker', () => {
    expect(verdict({ member: { accessLevel: 30, expiresAt: TODAY } }).summary).toMatch(/expired on 2026-12-05/);
    expect(verdict({ member: { accessLevel: 30, expiresAt: '2026-12-06' } }).summary).not.toMatch(/expired/);
  });

  it('a refused last attempt with nothing blocking now is "unknown" and names the refusal in words', () => {
    const v = verdict({ lastSignIn: { nameId: 'alice-1', outcome: 'refused_not_linked', at: '2026-12-04T09:00:00.000Z' } });
    expect(v.status).toBe('unknown');
    expect(v.summary).toMatch(/last attempt \(2026-12-04T09:00:00.000Z\) was refused because their account has an email the IdP sent, but no SAML identity/);
    expect(verdict({ lastSignIn: { nameId: 'alice-1', outcome: 'refused_wrong_audience', at: 'x' } }).summary).toMatch(/"wrong_audience" \(the audit log/);
  });

  it('a sign-in refused by group sync names the missing SAML group link', () => {
    const v = verdict({ lastSignIn: { nameId: 'alice-1', outcome: 'refused_no_group_link', at: 'x' } });
    expect(v.status).toBe('unknown');
    expect(v.summary).toContain('none of the IdP groups they belong to is linked to a role here (SAML Group Links)');
  });

  it('no sign-in seen yet: unknown, nothing blocking', () => {
    expect(verdict({ lastSignIn: null })).toEqual(expect.objectContaining({ status: 'unknown', fix: [] }));
  });

  it('warns when SCIM and SAML disagree, and when the IdP sent another NameID than the one stored', () => {
    const v = verdict({ scim: { externUid: 'alice-old', active: true }, lastSignIn: { nameId: 'alice-new', outcome: 'signed_in', at: 't' } });
    expect(v.status).toBe('can_sign_in');
    expect(v.warnings).toEqual([expect.stringMatching(/externalId \(alice-old\).*NameID on record \(alice-1\) differ/), expect.stringMatching(/last sent the NameID alice-new/)]);
  });

  it('an unknown NameID that was seen says when', () => {
    const v = verdict({ user: null, scim: null, saml: null, member: null, lastSignIn: { nameId: 'ghost@x', outcome: 'refused_no_account', at: 't1' } });
    expect(v.warnings).toEqual(['The IdP sent the NameID ghost@x at t1; it matched no account.']);
  });

  describe('for the instance provider', () => {
    const instance = (change: Partial<VerdictFacts>) => signInVerdict({ ...healthy, member: null, scope: 'instance', ...change });

    it('has no membership to speak of: a healthy instance identity can sign in, no "not a member" note', () => {
      expect(instance({})).toEqual({ status: 'can_sign_in', summary: 'Can sign in (last SAML sign-in 2026-12-04T10:00:00.000Z).', fix: [], warnings: [] });
      expect(instance({ lastSignIn: null }).summary).toBe('Can sign in as far as Roster knows, but no SAML sign-in has been seen yet.');
    });

    it('an inactive instance SCIM identity blocks without enforced SSO, and is named before the blocked account it causes', () => {
      const v = instance({ scim: { externUid: 'alice-1', active: false }, user: { state: 'blocked' } });
      expect(v.status).toBe('cannot_sign_in');
      expect(v.summary).toBe('Cannot sign in because the IdP deprovisioned them from the instance (their instance SCIM identity is inactive).');
    });

    it('speaks of the instance and its SSO URL, never of a group', () => {
      for (const change of [{ saml: null }, { user: null, scim: null, saml: null }, { provider: null }] as Partial<VerdictFacts>[]) {
        const v = instance(change);
        expect(v.status).toBe('cannot_sign_in');
        expect([v.summary, ...v.fix].join(' ')).not.toMatch(/\bgroup\b|Owner/);
      }
      expect(instance({ saml: null }).fix[0]).toContain('/users/auth/saml/sso');
    });
  });
});

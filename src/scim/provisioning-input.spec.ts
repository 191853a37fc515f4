import { pickEmail, pickName, provisioningInput } from './provisioning-input.js';

describe('provisioning input', () => {
  it('prefers the work email, then the primary one, then the first', () => {
    expect(
      pickEmail({
        emails: [
          { value: 'a@x.io', type: 'home' },
          { value: 'w@x.io', type: 'Work' },
        ],
      }),
    ).toBe('w@x.io');
    expect(
      pickEmail({
        emails: [
          { value: 'a@x.io', type: 'home' },
          { value: 'p@x.io', primary: true },
        ],
      }),
    ).toBe('p@x.io');
    expect(pickEmail({ emails: [{ value: 'a@x.io' }, { value: 'b@x.io' }] })).toBe('a@x.io');
  });

  it('falls back to userName when it is an email and no emails were sent', () => {
    expect(pickEmail({ userName: 'alice@acme.com' })).toBe('alice@acme.com');
    expect(pickEmail({ userName: 'alice' })).toBeUndefined();
  });

  it('never derives a blank name', () => {
    expect(pickName({ userName: 'u', name: { formatted: 'Alice L' } })).toBe('Alice L');
    expect(pickName({ userName: 'u', name: { givenName: 'Alice', familyName: 'Liddell' } })).toBe('Alice Liddell');
    expect(pickName({ userName: 'u', name: { givenName: 'Alice' } })).toBe('Alice');
    expect(pickName({ userName: 'u', name: { formatted: '  ' }, displayName: 'Ally' })).toBe('Ally');
    expect(pickName({ userName: 'bob@acme.com' })).toBe('bob@acme.com');
  });

  it('takes extern_uid from externalId, else the body id, else userName', () => {
    expect(provisioningInput({ userName: 'a@x.io', externalId: 'E1' }, 'I1').externUid).toBe('E1');
    expect(provisioningInput({ userName: 'a@x.io' }, 'I1').externUid).toBe('I1');
    expect(provisioningInput({ userName: 'a@x.io' }, undefined).externUid).toBe('a@x.io');
  });

  it('refuses a missing userName, a missing email and an over-long externalId', () => {
    expect(() => provisioningInput({ emails: [{ value: 'a@x.io' }] }, undefined)).toThrow('userName is required');
    expect(() => provisioningInput({ userName: 'alice' }, undefined)).toThrow(/email address is required/);
    expect(() => provisioningInput({ userName: 'a@x.io', externalId: 'x'.repeat(256) }, undefined)).toThrow(/longer than 255/);
    expect(() => provisioningInput({ userName: 'a', emails: [{ value: 'not-an-email' }] }, undefined)).toThrow(/not a valid email/);
  });

  it('creates deactivated only for an explicit active:false', () => {
    expect(provisioningInput({ userName: 'a@x.io', active: false }, undefined).active).toBe(false);
    expect(provisioningInput({ userName: 'a@x.io' }, undefined).active).toBe(true);
  });
});

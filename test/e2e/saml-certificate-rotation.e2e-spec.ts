import { X509Certificate } from 'node:crypto';
import { jest } from '@jest/globals';
import { certificateEndingIn } from '../support/certificates.js';
import { adminAuth, IDP_CERT, setUpGroup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, signInWithSaml } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { newSamlId, TEST_IDP_KEYS } from '../support/test-idp.js';

/**
 * Issue 14 point 6: certificate rotation without an outage. Two IdP signing certificates are
 * accepted at once; the provider shows each one's SHA-256 fingerprint, subject and expiry, with a
 * warning 30 days before it ends; every change is audited.
 */
describe('SAML IdP certificate rotation', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('accepts responses signed by either certificate while both are set, and only by the remaining one after the old is removed; each change audited with fingerprints', async () => {
    const g = await setUpGroup(t, 'rotation');
    const person = await provision(t, g);
    const other = TEST_IDP_KEYS.other.certificate;
    const otherFingerprint = new X509Certificate(other).fingerprint256;
    const trustedFingerprint = new X509Certificate(IDP_CERT).fingerprint256;

    // Before: only the trusted key's certificate.
    expect((await signInWithSaml(t, g, { nameId: person.externalId, key: 'other' })).status).toBe(400);

    // 1. The IdP's next certificate is added beside the current one.
    let auditId = await lastAuditId(t);
    const added = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ secondary_certificate: other }).expect(200);
    expect(added.body.secondary_certificate).toBe(new X509Certificate(other).toString().trim());
    expect(added.body.certificates.map((c: { fingerprint_sha256: string }) => c.fingerprint_sha256)).toEqual([trustedFingerprint, otherFingerprint]);
    let [event] = await auditSince(t, auditId);
    expect(event.event_name).toBe('saml_provider_updated');
    expect(event.details).toMatchObject({
      changed: ['secondary_certificate'],
      from: { certificate_fingerprint: trustedFingerprint, secondary_certificate_fingerprint: null },
      to: { certificate_fingerprint: trustedFingerprint, secondary_certificate_fingerprint: otherFingerprint },
    });
    await signInWithSaml(t, g, { nameId: person.externalId, key: 'trusted', assertionId: newSamlId() }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, key: 'other', assertionId: newSamlId() }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, key: 'other', sign: 'response', assertionId: newSamlId() }).expect(303);

    // 2. The IdP switched: the new certificate becomes the only one.
    auditId = await lastAuditId(t);
    await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ certificate: other, secondary_certificate: null }).expect(200);
    [event] = await auditSince(t, auditId);
    expect(event.details).toMatchObject({
      changed: ['certificate', 'secondary_certificate'],
      to: { certificate_fingerprint: otherFingerprint, secondary_certificate_fingerprint: null },
    });
    await signInWithSaml(t, g, { nameId: person.externalId, key: 'other', assertionId: newSamlId() }).expect(303);
    const old = await signInWithSaml(t, g, { nameId: person.externalId, key: 'trusted', assertionId: newSamlId() });
    expect(old.status).toBe(400);
    expect(old.text).toContain('<code>invalid_signature</code>');
    const stored = await t.sql<{ certificate: string; secondary_certificate: string | null }>('SELECT certificate, secondary_certificate FROM saml_providers WHERE group_id = ?', [g.id]);
    expect(stored).toEqual([{ certificate: new X509Certificate(other).toString().trim(), secondary_certificate: null }]);
  });

  it('shows each certificate’s SHA-256 fingerprint, subject and expiry, and warns from 30 days before the end', async () => {
    const g = await setUpGroup(t, 'expiry');
    const soon = certificateEndingIn(10, 'Expiring IdP');
    const res = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ secondary_certificate: soon }).expect(200);
    const [first, second] = res.body.certificates;
    const fixture = new X509Certificate(IDP_CERT);
    expect(first).toEqual({
      fingerprint_sha256: fixture.fingerprint256,
      subject: 'CN=Roster Test IdP',
      issuer: 'CN=Roster Test IdP',
      valid_from: new Date(fixture.validFrom).toISOString(),
      valid_to: new Date(fixture.validTo).toISOString(),
      days_left: expect.any(Number),
      expiring_soon: false,
      expired: false,
    });
    expect(first.days_left).toBeGreaterThan(30);
    expect(second).toMatchObject({ fingerprint_sha256: new X509Certificate(soon).fingerprint256, subject: 'CN=Expiring IdP', expiring_soon: true, expired: false });
    expect([9, 10]).toContain(second.days_left);
    // The same for anyone reading the settings later.
    const read = await t.http().get(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).expect(200);
    expect(read.body.certificates).toEqual(res.body.certificates);

    const later = certificateEndingIn(45, 'Later IdP');
    const fine = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ secondary_certificate: later }).expect(200);
    expect(fine.body.certificates[1]).toMatchObject({ subject: 'CN=Later IdP', expiring_soon: false });
  });

  it('refuses a second certificate that is not one, is the first one again, or comes without a first; nothing changes', async () => {
    const g = await setUpGroup(t, 'rotation-bad');
    const before = await t.sql('SELECT * FROM saml_providers WHERE group_id = ?', [g.id]);
    const notPem = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ secondary_certificate: 'nope' }).expect(400);
    expect(notPem.body).toEqual({ message: { secondary_certificate: ['must be a PEM-encoded X.509 certificate'] } });
    const same = await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ secondary_certificate: IDP_CERT }).expect(400);
    expect(same.body).toEqual({ message: { secondary_certificate: ['is the same certificate as certificate'] } });
    const alone = await t
      .http()
      .put(`/api/v4/groups/${g.id}/saml_provider`)
      .set(adminAuth)
      .send({ enabled: false, certificate: null, secondary_certificate: TEST_IDP_KEYS.other.certificate })
      .expect(400);
    expect(alone.body).toEqual({ message: { certificate: ["can't be blank when secondary_certificate is set"] } });
    expect(await t.sql('SELECT * FROM saml_providers WHERE group_id = ?', [g.id])).toEqual(before);
  });
});

import { X509Certificate } from 'node:crypto';
import { jest } from '@jest/globals';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, signInWithSaml, spFor } from '../support/saml-fixtures.js';
import type { Provisioned } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { newSamlId, TEST_IDP_KEYS } from '../support/test-idp.js';
import { CONTENT_ALGORITHMS, encryptedSamlResponse, RSA_1_5, RSA_OAEP } from '../support/test-idp-encryption.js';

const pemOf = (base64: string) => new X509Certificate(Buffer.from(base64, 'base64')).toString().trim();

/**
 * Issue 14 point 3: the IdP encrypts the assertion to the provider's own SP key (from its
 * metadata) with xml-encryption, never Roster's code: AES-128/256 in CBC and GCM with RSA-OAEP
 * key transport are decrypted; a key rotation keeps the previous key decrypting until removed; an
 * owner can require encryption.
 */
describe('SAML encrypted assertions', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let g: GroupSetup;
  let person: Provisioned;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'enc');
    person = await provision(t, g);
  });
  afterAll(async () => t.close());

  async function encryptionCertificate(path = 'enc'): Promise<string> {
    const xml = (await t.http().get(`/groups/${path}/-/saml/metadata`).expect(200)).text;
    return pemOf(/<KeyDescriptor use="encryption">.*?<ds:X509Certificate>([^<]+)</s.exec(xml)![1]);
  }
  const post = (raw: string) => signInWithSaml(t, g, { nameId: person.externalId, rawSamlResponse: raw });
  const encrypted = (certificate: string, algorithm: keyof typeof CONTENT_ALGORITHMS, extra: { sign?: 'assertion' | 'response'; keyTransport?: string } = {}) =>
    encryptedSamlResponse(spFor(t, g), { nameId: person.externalId, assertionId: newSamlId(), sign: extra.sign }, { certificate, algorithm, keyTransport: extra.keyTransport });

  it('makes one SP key when several requests need the provider’s first key at once', async () => {
    const fresh = await setUpGroup(t, 'enc-first-use');
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.http().get('/groups/enc-first-use/-/saml/metadata')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const certificates = new Set(answers.map((a) => /<KeyDescriptor use="encryption">.*?<ds:X509Certificate>([^<]+)</s.exec(a.text)![1]));
    expect(certificates.size).toBe(1);
    expect(await t.sql('SELECT id FROM saml_sp_keys WHERE group_id = ?', [fresh.id])).toHaveLength(1);
  });

  it.each(['aes128-cbc', 'aes256-cbc', 'aes128-gcm', 'aes256-gcm'] as const)('signs in with an assertion encrypted with %s and RSA-OAEP to the metadata’s certificate', async (algorithm) => {
    const certificate = await encryptionCertificate();
    const res = await post(await encrypted(certificate, algorithm));
    expect(res.status).toBe(303);
    const [row] = await t.sql<{ name_id: string; outcome: string }>('SELECT name_id, outcome FROM saml_sign_ins WHERE group_id = ? ORDER BY id DESC', [g.id]);
    expect(row).toEqual({ name_id: person.externalId, outcome: 'signed_in' });
  });

  it('accepts an encrypted assertion inside a Response signed after encryption (Okta’s default shape)', async () => {
    await post(await encrypted(await encryptionCertificate(), 'aes256-gcm', { sign: 'response' })).expect(303);
  });

  it('refuses an assertion encrypted to another key, with RSA 1.5 or with 3DES: 400 decryption_failed, audited, nobody signed in', async () => {
    const certificate = await encryptionCertificate();
    const cases = [
      await encrypted(TEST_IDP_KEYS.other.certificate, 'aes256-gcm'),
      await encrypted(certificate, 'aes256-cbc', { keyTransport: RSA_1_5 }),
      await encrypted(certificate, 'tripledes-cbc'),
    ];
    for (const raw of cases) {
      const auditId = await lastAuditId(t);
      const sessionsBefore = await t.sql('SELECT id FROM sessions');
      const res = await post(raw);
      expect(res.status).toBe(400);
      expect(res.text).toContain('<code>decryption_failed</code>');
      expect(res.text).toContain('encrypted its answer with a key');
      const events = await auditSince(t, auditId);
      expect(events.map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'decryption_failed']]);
      expect(await t.sql('SELECT id FROM sessions')).toEqual(sessionsBefore);
    }
  });

  it('refuses XML Encryption 1.1 RSA-OAEP key transport by name (Roster decrypts rsa-oaep-mgf1p only), not as a key that does not fit', async () => {
    const xml = Buffer.from(await encrypted(await encryptionCertificate(), 'aes256-gcm'), 'base64').toString('utf8');
    expect(xml).toContain(`Algorithm="${RSA_OAEP}"`);
    const xmlenc11 = 'http://www.w3.org/2009/xmlenc11#rsa-oaep';
    const auditId = await lastAuditId(t);
    const res = await post(Buffer.from(xml.replace(`Algorithm="${RSA_OAEP}"`, `Algorithm="${xmlenc11}"`), 'utf8').toString('base64'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('<code>decryption_failed</code>');
    const events = await auditSince(t, auditId);
    expect(events.map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'decryption_failed']]);
    // The owner is told which algorithm to change in the IdP, not that the SP keys are wrong.
    expect(events[0].details.detail).toBe(`key transport ${xmlenc11} is not RSA-OAEP with MGF1 (${RSA_OAEP})`);
  });

  it('“require encrypted assertions” refuses an assertion in clear (audited reason) and still accepts encrypted ones', async () => {
    const other = await setUpGroup(t, 'enc-required', { require_encrypted_assertions: true });
    const someone = await provision(t, other);
    const view = await t.http().get(`/api/v4/groups/${other.id}/saml_provider`).set(adminAuth).expect(200);
    expect(view.body.require_encrypted_assertions).toBe(true);
    const auditId = await lastAuditId(t);
    const clear = await signInWithSaml(t, other, { nameId: someone.externalId, assertionId: newSamlId() });
    expect(clear.status).toBe(400);
    expect(clear.text).toContain('<code>assertion_not_encrypted</code>');
    const [event] = await auditSince(t, auditId);
    expect(event).toMatchObject({ event_name: 'saml_sign_in_refused', details: { reason: 'assertion_not_encrypted' } });
    const raw = await encryptedSamlResponse(
      spFor(t, other),
      { nameId: someone.externalId, assertionId: newSamlId() },
      { certificate: await encryptionCertificate('enc-required'), algorithm: 'aes128-gcm' },
    );
    await signInWithSaml(t, other, { nameId: someone.externalId, rawSamlResponse: raw }).expect(303);
  });

  it('rotation: a new SP key is published while the previous one keeps decrypting until the owner removes it; the current one cannot be removed', async () => {
    const old = await encryptionCertificate();
    const before = await t.http().get(`/api/v4/groups/${g.id}/saml_provider/sp_keys`).set(adminAuth).expect(200);
    expect(before.body).toHaveLength(1);
    expect(before.body[0]).toMatchObject({ current: true, fingerprint_sha256: new X509Certificate(old).fingerprint256 });
    expect(JSON.stringify(before.body)).not.toContain('PRIVATE KEY');

    let auditId = await lastAuditId(t);
    const rotated = await t.http().post(`/api/v4/groups/${g.id}/saml_provider/sp_keys`).set(adminAuth).expect(201);
    expect(rotated.body.map((k: { current: boolean }) => k.current)).toEqual([true, false]);
    const [created] = await auditSince(t, auditId);
    expect(created).toMatchObject({ event_name: 'saml_sp_key_created', details: { reason: 'rotation' } });
    const fresh = await encryptionCertificate();
    expect(fresh).not.toBe(old);
    expect(new X509Certificate(fresh).fingerprint256).toBe(rotated.body[0].fingerprint_sha256);

    // Both decrypt while both are kept.
    await post(await encrypted(old, 'aes256-gcm')).expect(303);
    await post(await encrypted(fresh, 'aes256-gcm')).expect(303);

    const currentId = rotated.body[0].id as number;
    const previousId = rotated.body[1].id as number;
    const refused = await t.http().delete(`/api/v4/groups/${g.id}/saml_provider/sp_keys/${currentId}`).set(adminAuth);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual({ id: ['is the current SP key; generate a new one first'] });
    await t.http().delete(`/api/v4/groups/${g.id}/saml_provider/sp_keys/999999`).set(adminAuth).expect(404);

    auditId = await lastAuditId(t);
    await t.http().delete(`/api/v4/groups/${g.id}/saml_provider/sp_keys/${previousId}`).set(adminAuth).expect(204);
    const [removed] = await auditSince(t, auditId);
    expect(removed).toMatchObject({ event_name: 'saml_sp_key_removed', target_id: previousId, details: { fingerprint_sha256: new X509Certificate(old).fingerprint256 } });
    const gone = await post(await encrypted(old, 'aes256-gcm'));
    expect(gone.status).toBe(400);
    expect(gone.text).toContain('<code>decryption_failed</code>');
    await post(await encrypted(fresh, 'aes256-gcm')).expect(303);
  });
});

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { projectRoot } from '../../src/project-root.js';
import { addMember, createPerson } from '../support/admin-people.js';
import { adminAuth, auth, IDP_CERT, IDP_SSO_URL, setUpGroup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, signInWithSaml } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { newSamlId, TEST_IDP_KEYS } from '../support/test-idp.js';

const fixture = (name: string) => readFileSync(join(projectRoot(), 'test/fixtures/saml', name), 'utf8');
const OKTA = fixture('okta-metadata.xml');
const ENTRA = fixture('entra-federation-metadata.xml');
const OKTA_ISSUER = 'http://www.okta.com/exk9roster0test0Id0P7';
const OKTA_SSO = 'https://dev-4242424.okta.com/app/dev-4242424_roster_1/exk9roster0test0Id0P7/sso/saml';
const OKTA_SLO = 'https://dev-4242424.okta.com/app/dev-4242424_roster_1/exk9roster0test0Id0P7/slo/saml';
const TENANT = '5f1c2a3e-7b4d-4c8e-9a10-2b3c4d5e6f70';
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
const PROVIDER_COLUMNS = 'enabled, sso_url, slo_url, idp_entity_id, certificate, secondary_certificate';

/**
 * Issue 14 point 5: an Owner pastes the IdP's metadata (Okta's and Entra's shapes, from
 * test/fixtures/saml) and the provider's SSO URL, SLO URL, entity id and signing certificates are
 * filled from it; bad metadata is a field error on `metadata` that changes nothing.
 */
describe('SAML IdP metadata import', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('fills a group’s provider from Okta’s metadata, audited as saml_provider_updated with source idp_metadata; sign-ins then need Okta’s Issuer', async () => {
    const g = await setUpGroup(t, 'okta-import', { secondary_certificate: TEST_IDP_KEYS.other.certificate });
    const person = await provision(t, g);
    const auditId = await lastAuditId(t);
    const res = await t.http().post(`/api/v4/groups/${g.id}/saml_provider/metadata`).set(adminAuth).send({ metadata: OKTA }).expect(200);
    expect(res.body).toMatchObject({ enabled: true, sso_url: OKTA_SSO, slo_url: OKTA_SLO, idp_entity_id: OKTA_ISSUER, secondary_certificate: null });
    expect(res.body.certificates.map((c: { fingerprint_sha256: string }) => c.fingerprint_sha256)).toEqual([fingerprint(IDP_CERT)]);
    const [row] = await t.sql<Record<string, unknown>>(`SELECT ${PROVIDER_COLUMNS} FROM saml_providers WHERE group_id = ?`, [g.id]);
    expect({ ...row, enabled: Boolean(row.enabled) }).toEqual({
      enabled: true,
      sso_url: OKTA_SSO,
      slo_url: OKTA_SLO,
      idp_entity_id: OKTA_ISSUER,
      certificate: new X509Certificate(IDP_CERT).toString().trim(),
      secondary_certificate: null,
    });
    const events = await auditSince(t, auditId);
    expect(events).toHaveLength(1);
    expect(events[0].event_name).toBe('saml_provider_updated');
    expect(events[0].details).toMatchObject({
      source: 'idp_metadata',
      changed: ['sso_url', 'secondary_certificate', 'idp_entity_id', 'slo_url'],
      to: { sso_url: OKTA_SSO, slo_url: OKTA_SLO, idp_entity_id: OKTA_ISSUER, certificate_fingerprint: fingerprint(IDP_CERT), secondary_certificate_fingerprint: null },
    });

    // The imported entity id is enforced: the test IdP's own Issuer is now refused, Okta's accepted.
    const wrongIssuer = await signInWithSaml(t, g, { nameId: person.externalId, assertionId: newSamlId() });
    expect(wrongIssuer.status).toBe(400);
    expect(wrongIssuer.text).toContain('<code>wrong_issuer</code>');
    await signInWithSaml(t, g, { nameId: person.externalId, issuer: OKTA_ISSUER, assertionId: newSamlId() }).expect(303);
    // The second certificate was replaced by the metadata's single one.
    expect((await signInWithSaml(t, g, { nameId: person.externalId, issuer: OKTA_ISSUER, key: 'other', assertionId: newSamlId() })).status).toBe(400);
  });

  it('takes both rollover certificates from Entra’s federation metadata: responses signed by either are accepted', async () => {
    const g = await setUpGroup(t, 'entra-import');
    const person = await provision(t, g);
    const res = await t.http().post(`/api/v4/groups/${g.id}/saml_provider/metadata`).set(adminAuth).send({ metadata: ENTRA }).expect(200);
    expect(res.body).toMatchObject({
      sso_url: `https://login.microsoftonline.com/${TENANT}/saml2`,
      slo_url: `https://login.microsoftonline.com/${TENANT}/saml2`,
      idp_entity_id: `https://sts.windows.net/${TENANT}/`,
    });
    expect(res.body.certificates.map((c: { fingerprint_sha256: string }) => c.fingerprint_sha256)).toEqual([fingerprint(IDP_CERT), fingerprint(TEST_IDP_KEYS.other.certificate)]);
    const issuer = `https://sts.windows.net/${TENANT}/`;
    await signInWithSaml(t, g, { nameId: person.externalId, issuer, key: 'trusted', assertionId: newSamlId() }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, issuer, key: 'other', assertionId: newSamlId() }).expect(303);
  });

  it('refuses bad metadata with a 400 on the metadata field, changing nothing and auditing nothing', async () => {
    const g = await setUpGroup(t, 'bad-import');
    const before = await t.sql(`SELECT ${PROVIDER_COLUMNS}, updated_at FROM saml_providers WHERE group_id = ?`, [g.id]);
    const auditId = await lastAuditId(t);
    const cases: [unknown, RegExp][] = [
      [undefined, /must be the identity provider’s SAML metadata XML/],
      ['<md:EntityDescriptor', /is not well-formed XML/],
      ['{"not": "xml"}', /is not XML/],
      [OKTA.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'), /has no IDPSSODescriptor/],
      [OKTA.replace(/<md:KeyDescriptor.*<\/md:KeyDescriptor>/, ''), /has no signing certificate/],
      [OKTA.replace('<ds:X509Certificate>MII', '<ds:X509Certificate>MIIxx'), /not a valid X.509 certificate/],
      [`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${OKTA.replace(/^<\?xml[^>]*\?>/, '')}`, /must not contain a DTD/],
      [OKTA.replace('</md:IDPSSODescriptor>', '<x/>'.repeat(6000) + '</md:IDPSSODescriptor>'), /more than 5000 elements/],
    ];
    for (const [metadata, message] of cases) {
      const res = await t.http().post(`/api/v4/groups/${g.id}/saml_provider/metadata`).set(adminAuth).send({ metadata });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.message)).toEqual(['metadata']);
      expect(res.body.message.metadata.join(' ')).toMatch(message);
    }
    // Above the DTO's cap: still the metadata field, still 400.
    const huge = await t
      .http()
      .post(`/api/v4/groups/${g.id}/saml_provider/metadata`)
      .set(adminAuth)
      .send({ metadata: OKTA + ' '.repeat(300_000) });
    expect(huge.status).toBe(400);
    expect(Object.keys(huge.body.message)).toEqual(['metadata']);
    expect(await t.sql(`SELECT ${PROVIDER_COLUMNS}, updated_at FROM saml_providers WHERE group_id = ?`, [g.id])).toEqual(before);
    expect(await auditSince(t, auditId)).toEqual([]);
  });

  it('is for Owners: a Maintainer gets 403 and nothing changes', async () => {
    const g = await setUpGroup(t, 'import-perm');
    const maintainer = await createPerson(t, 'maint');
    await addMember(t, g.id, maintainer.id, 40);
    await t.http().post(`/api/v4/groups/${g.id}/saml_provider/metadata`).set(auth(maintainer.token)).send({ metadata: OKTA }).expect(403);
    const [row] = await t.sql<{ sso_url: string }>('SELECT sso_url FROM saml_providers WHERE group_id = ?', [g.id]);
    expect(row.sso_url).toBe(IDP_SSO_URL);
  });

  it('fills the instance provider from metadata (admins only)', async () => {
    const res = await t.http().post('/api/v4/application/saml_provider/metadata').set(adminAuth).send({ metadata: ENTRA }).expect(200);
    expect(res.body).toMatchObject({ idp_entity_id: `https://sts.windows.net/${TENANT}/`, sso_url: `https://login.microsoftonline.com/${TENANT}/saml2` });
    const [row] = await t.sql<{ idp_entity_id: string; secondary_certificate: string | null }>('SELECT idp_entity_id, secondary_certificate FROM saml_providers WHERE group_id IS NULL');
    expect(row.idp_entity_id).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(row.secondary_certificate).toBe(new X509Certificate(TEST_IDP_KEYS.other.certificate).toString().trim());
    const person = await createPerson(t, 'plain');
    await t.http().post('/api/v4/application/saml_provider/metadata').set(auth(person.token)).send({ metadata: OKTA }).expect(403);
  });
});

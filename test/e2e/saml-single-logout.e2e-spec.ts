import { X509Certificate } from 'node:crypto';
import { jest } from '@jest/globals';
import { adminAuth, oktaUser, SCIM_JSON, setUpGroup, setUpInstance } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, signInWithSaml } from '../support/saml-fixtures.js';
import type { Provisioned } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { instanceSp, newSamlId, postSamlResponse, sessionCookieFrom } from '../support/test-idp.js';
import { encryptedSamlResponse } from '../support/test-idp-encryption.js';
import { logoutRequestXml, logoutResponseXml, postSigned, readRoster, redirectQuery } from '../support/test-idp-logout.js';

const IDP_SLO = 'https://idp.example.test/slo/saml';
const pemOf = (base64: string) => new X509Certificate(Buffer.from(base64, 'base64')).toString().trim();

/**
 * Issue 14 point 4: single logout both ways with an IdP built from node:crypto and xml-crypto
 * (test/support/test-idp-logout.ts), never Roster's code. The provider's SP key pair signs
 * Roster's messages; the IdP's must be signed by its configured certificate.
 */
describe('SAML single logout', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let g: GroupSetup;
  let person: Provisioned;
  let sloUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'slo', { slo_url: IDP_SLO });
    person = await provision(t, g);
    sloUrl = `${t.config.baseUrl}/groups/slo/-/saml/slo`;
  });
  afterAll(async () => t.close());

  async function signIn(who = person): Promise<string> {
    const res = await signInWithSaml(t, g, { nameId: who.externalId, assertionId: newSamlId() }).expect(303);
    return sessionCookieFrom(res.headers['set-cookie'])!;
  }
  const sessionsOf = async (userId: number) => Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [userId]))[0].n);
  async function spSigningCertificate(): Promise<string> {
    const xml = (await t.http().get('/groups/slo/-/saml/metadata').expect(200)).text;
    return pemOf(/<KeyDescriptor use="signing">.*?<ds:X509Certificate>([^<]+)</s.exec(xml)![1]);
  }

  it('publishes SingleLogoutService (Redirect and POST) and the provider’s own key for signing and encryption; the private key is stored sealed', async () => {
    const auditId = await lastAuditId(t);
    const xml = (await t.http().get('/groups/slo/-/saml/metadata').expect(200)).text;
    expect(xml).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sloUrl}"/>`);
    expect(xml).toMatch(new RegExp(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sloUrl}"\\s*/>`));
    const signing = pemOf(/<KeyDescriptor use="signing">.*?<ds:X509Certificate>([^<]+)</s.exec(xml)![1]);
    const encryption = pemOf(/<KeyDescriptor use="encryption">.*?<ds:X509Certificate>([^<]+)</s.exec(xml)![1]);
    expect(signing).toBe(encryption);
    const rows = await t.sql<{ certificate: string; private_key_encrypted: string }>('SELECT certificate, private_key_encrypted FROM saml_sp_keys WHERE group_id = ?', [g.id]);
    expect(rows).toHaveLength(1);
    expect(new X509Certificate(rows[0].certificate).toString().trim()).toBe(signing);
    expect(rows[0].private_key_encrypted).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(rows[0].private_key_encrypted).not.toContain('PRIVATE KEY');
    // Served again, the same key: it was made once, at first use, and audited then.
    await t.http().get('/groups/slo/-/saml/metadata').expect(200);
    expect(await t.sql('SELECT id FROM saml_sp_keys WHERE group_id = ?', [g.id])).toHaveLength(1);
    const created = (await auditSince(t, auditId)).filter((e) => e.event_name === 'saml_sp_key_created');
    expect(created).toHaveLength(1);
    expect(created[0].details).toMatchObject({ fingerprint_sha256: new X509Certificate(signing).fingerprint256, reason: 'first_use', bits: 2048 });
  });

  it('sign-out after a SAML sign-in sends the IdP a LogoutRequest signed with the SP key; the IdP’s LogoutResponse is accepted once', async () => {
    const cookie = await signIn();
    const [{ saml_session_index: sessionIndex }] = await t.sql<{ saml_session_index: string }>('SELECT saml_session_index FROM sessions WHERE user_id = ? ORDER BY id DESC', [person.userId]);
    expect(sessionIndex).toMatch(/^_/);
    const csrf = (await t.http().get('/api/v4/session').set('Cookie', cookie).expect(200)).body.csrf_token as string;
    let auditId = await lastAuditId(t);
    const out = await t.http().delete('/api/v4/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(200);
    expect(await sessionsOf(person.userId)).toBe(0);
    const { xml, signatureValid, url } = readRoster(out.body.logout_url, await spSigningCertificate());
    expect(`${url.origin}${url.pathname}`).toBe(IDP_SLO);
    expect(signatureValid).toBe(true);
    expect(xml).toContain(`Destination="${IDP_SLO}"`);
    expect(xml).toContain(`<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${t.config.baseUrl}/groups/slo</saml:Issuer>`);
    expect(xml).toMatch(new RegExp(`<saml:NameID[^>]*>${person.externalId}</saml:NameID>`));
    expect(xml).toContain(`>${sessionIndex}</saml2p:SessionIndex>`);
    const requestId = /\sID="([^"]+)"/.exec(xml)![1];
    let [event] = await auditSince(t, auditId);
    expect(event).toMatchObject({ event_name: 'saml_logout_requested', target_id: person.userId, details: { name_id: person.externalId, request_id: requestId, session_index: sessionIndex } });

    // The IdP's answer (HTTP-Redirect, signed by the IdP).
    auditId = await lastAuditId(t);
    const answer = redirectQuery('SAMLResponse', logoutResponseXml({ inResponseTo: requestId, destination: sloUrl }));
    const done = await t.http().get(`/groups/slo/-/saml/slo?${answer}`).expect(303);
    expect(done.headers.location).toBe('/#/sign-in?reason=signed-out');
    [event] = await auditSince(t, auditId);
    expect(event).toMatchObject({ event_name: 'saml_logout_completed', details: { in_response_to: requestId } });
    // Once only.
    auditId = await lastAuditId(t);
    const again = await t.http().get(`/groups/slo/-/saml/slo?${answer}`).expect(400);
    expect(again.text).toContain('in_response_to_mismatch');
    [event] = await auditSince(t, auditId);
    expect(event).toMatchObject({ event_name: 'saml_logout_refused', details: { reason: 'in_response_to_mismatch' } });
  });

  it('sign-out of a session that did not come from SAML, or of a provider without an SLO URL, is the plain 204', async () => {
    const other = await setUpGroup(t, 'no-slo');
    const someone = await provision(t, other);
    const res = await signInWithSaml(t, other, { nameId: someone.externalId, assertionId: newSamlId() }).expect(303);
    const cookie = sessionCookieFrom(res.headers['set-cookie'])!;
    const csrf = (await t.http().get('/api/v4/session').set('Cookie', cookie).expect(200)).body.csrf_token as string;
    const auditId = await lastAuditId(t);
    const out = await t.http().delete('/api/v4/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(204);
    expect(out.text).toBe('');
    expect(await sessionsOf(someone.userId)).toBe(0);
    expect(await auditSince(t, auditId)).toEqual([]);
  });

  it('an IdP-initiated LogoutRequest (HTTP-Redirect) ends every session of that NameID for this provider and is answered with a signed LogoutResponse', async () => {
    await signIn();
    await signIn();
    const bystander = await provision(t, g);
    await signIn(bystander);
    expect(await sessionsOf(person.userId)).toBe(2);
    const auditId = await lastAuditId(t);
    const requestXml = logoutRequestXml({ nameId: person.externalId, destination: sloUrl, id: '_idp-logout-1' });
    const res = await t
      .http()
      .get(`/groups/slo/-/saml/slo?${redirectQuery('SAMLRequest', requestXml, { relayState: 'idp-state' })}`)
      .expect(302);
    expect(await sessionsOf(person.userId)).toBe(0);
    expect(await sessionsOf(bystander.userId)).toBe(1);
    const { xml, signatureValid, url } = readRoster(res.headers.location, await spSigningCertificate());
    expect(`${url.origin}${url.pathname}`).toBe(IDP_SLO);
    expect(url.searchParams.get('RelayState')).toBe('idp-state');
    expect(signatureValid).toBe(true);
    expect(xml).toContain('InResponseTo="_idp-logout-1"');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    const [event] = await auditSince(t, auditId);
    expect(event).toMatchObject({ event_name: 'saml_logout_by_idp', details: { name_id: person.externalId, sessions_ended: 2, user_ids: [person.userId] } });
  });

  it('an IdP-initiated LogoutRequest in the HTTP-POST binding (enveloped signature) works too, and SHA-1 redirect signatures are accepted', async () => {
    await signIn();
    const form = new URLSearchParams({ SAMLRequest: postSigned(logoutRequestXml({ nameId: person.externalId, destination: sloUrl })) });
    await t.http().post('/groups/slo/-/saml/slo').set('Content-Type', 'application/x-www-form-urlencoded').send(form.toString()).expect(302);
    expect(await sessionsOf(person.userId)).toBe(0);
    await signIn();
    await t
      .http()
      .get(`/groups/slo/-/saml/slo?${redirectQuery('SAMLRequest', logoutRequestXml({ nameId: person.externalId, destination: sloUrl }), { sha1: true })}`)
      .expect(302);
    expect(await sessionsOf(person.userId)).toBe(0);
  });

  it('accepts a LogoutRequest once: the same one sent again (or twice at once) is refused as replayed and ends no newer session', async () => {
    await signIn();
    const replayed = redirectQuery('SAMLRequest', logoutRequestXml({ nameId: person.externalId, destination: sloUrl, id: '_idp-logout-replay' }));
    await t.http().get(`/groups/slo/-/saml/slo?${replayed}`).expect(302);
    expect(await sessionsOf(person.userId)).toBe(0);
    await signIn();
    const auditId = await lastAuditId(t);
    const again = await t.http().get(`/groups/slo/-/saml/slo?${replayed}`);
    expect(again.status).toBe(400);
    expect(again.text).toContain('(replayed)');
    expect(await sessionsOf(person.userId)).toBe(1);
    expect(await auditSince(t, auditId)).toEqual([expect.objectContaining({ event_name: 'saml_logout_refused', details: expect.objectContaining({ reason: 'replayed' }) })]);
    // Two deliveries of one new request at the same moment: one ends the session, the other is refused.
    const twice = redirectQuery('SAMLRequest', logoutRequestXml({ nameId: person.externalId, destination: sloUrl, id: '_idp-logout-twice' }));
    const statuses = (await Promise.all([0, 1].map(() => t.http().get(`/groups/slo/-/saml/slo?${twice}`)))).map((r) => r.status).sort();
    expect(statuses).toEqual([302, 400]);
    expect(await sessionsOf(person.userId)).toBe(0);
  });

  it('refuses unsigned, wrongly signed, tampered, foreign-issuer, misaddressed and stale LogoutRequests: 400, audited, sessions intact', async () => {
    await signIn();
    const request = (o: Partial<Parameters<typeof logoutRequestXml>[0]> = {}) => logoutRequestXml({ nameId: person.externalId, destination: sloUrl, ...o });
    const signed = redirectQuery('SAMLRequest', request());
    const victimSwap = redirectQuery('SAMLRequest', request({ nameId: 'someone-else' })).replace(/^SAMLRequest=[^&]+/, signed.match(/^SAMLRequest=[^&]+/)![0]);
    const cases: [string, string][] = [
      [redirectQuery('SAMLRequest', request(), { unsigned: true }), 'unsigned'],
      [redirectQuery('SAMLRequest', request(), { key: 'other' }), 'invalid_signature'],
      [victimSwap, 'invalid_signature'],
      [redirectQuery('SAMLRequest', request({ destination: 'https://elsewhere.test/slo' })), 'wrong_destination'],
      [redirectQuery('SAMLRequest', request({ issueOffsetMs: -60 * 60 * 1000 })), 'expired'],
      [`SAMLRequest=${encodeURIComponent(Buffer.from('not deflated').toString('base64'))}&SigAlg=x&Signature=eA==`, 'invalid_signature'],
    ];
    for (const [query, reason] of cases) {
      const auditId = await lastAuditId(t);
      const res = await t.http().get(`/groups/slo/-/saml/slo?${query}`);
      expect([res.status, reason]).toEqual([400, reason]);
      expect(res.text).toContain(`(${reason})`);
      const [event] = await auditSince(t, auditId);
      expect(event).toMatchObject({ event_name: 'saml_logout_refused', details: { reason } });
    }
    const unsignedPost = new URLSearchParams({ SAMLRequest: Buffer.from(request()).toString('base64') });
    const post = await t.http().post('/groups/slo/-/saml/slo').set('Content-Type', 'application/x-www-form-urlencoded').send(unsignedPost.toString());
    expect(post.status).toBe(400);
    expect(post.text).toContain('(unsigned)');
    // With the IdP entity id set, another Issuer is refused.
    await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ idp_entity_id: 'http://www.okta.com/exk-real' }).expect(200);
    const foreign = await t.http().get(`/groups/slo/-/saml/slo?${redirectQuery('SAMLRequest', request())}`);
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain('(wrong_issuer)');
    await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ idp_entity_id: null }).expect(200);
    expect(await sessionsOf(person.userId)).toBe(1);
  });

  it('works the same for the instance provider at /users/auth/saml/slo: encrypted sign-in, sign-out with a LogoutRequest, an IdP LogoutRequest', async () => {
    const scim = await setUpInstance(t, { slo_url: IDP_SLO });
    const body = oktaUser();
    await t.http().post(`${scim.base}/Users`).set('Authorization', `Bearer ${scim.scimToken}`).set('Content-Type', SCIM_JSON).send(JSON.stringify(body)).expect(201);
    const [row] = await t.sql<{ user_id: number }>('SELECT user_id FROM scim_identities WHERE group_id IS NULL AND extern_uid = ?', [body.externalId]);
    const userId = Number(row.user_id);
    const nameId = body.externalId as string;
    const metadata = (await t.http().get('/users/auth/saml/metadata').expect(200)).text;
    const instanceSlo = `${t.config.baseUrl}/users/auth/saml/slo`;
    expect(metadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${instanceSlo}"/>`);
    const spCertificate = pemOf(/<KeyDescriptor use="signing">.*?<ds:X509Certificate>([^<]+)</s.exec(metadata)![1]);
    const isp = instanceSp(t.config.baseUrl);
    const signInOnce = async () => {
      const raw = await encryptedSamlResponse(isp, { nameId, assertionId: newSamlId() }, { certificate: spCertificate, algorithm: 'aes256-gcm' });
      const res = await postSamlResponse(t.http(), isp, { nameId, rawSamlResponse: raw }).expect(303);
      return sessionCookieFrom(res.headers['set-cookie'])!;
    };
    const cookie = await signInOnce();
    const csrf = (await t.http().get('/api/v4/session').set('Cookie', cookie).expect(200)).body.csrf_token as string;
    const out = await t.http().delete('/api/v4/session').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(200);
    const sent = readRoster(out.body.logout_url, spCertificate);
    expect(sent.signatureValid).toBe(true);
    expect(sent.xml).toMatch(new RegExp(`<saml:NameID[^>]*>${nameId}</saml:NameID>`));
    expect(sent.xml).toContain(`>${t.config.baseUrl}</saml:Issuer>`);

    await signInOnce();
    expect(await sessionsOf(userId)).toBe(1);
    const res = await t
      .http()
      .get(`/users/auth/saml/slo?${redirectQuery('SAMLRequest', logoutRequestXml({ nameId, destination: instanceSlo }))}`)
      .expect(302);
    expect(readRoster(res.headers.location, spCertificate).signatureValid).toBe(true);
    expect(await sessionsOf(userId)).toBe(0);
  });
});

import { jest } from '@jest/globals';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, signInWithSaml, snapshot } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { newSamlId, TEST_IDP_ISSUER } from '../support/test-idp.js';

/**
 * Issue 14 point 2, the settings of ruby-saml parity: the IdP entity id (checked against every
 * Issuer when set) and "responses must sign the Assertion", which the SP metadata's
 * WantAssertionsSigned states truthfully. The IdP side is the xml-crypto test IdP, not Roster's code.
 */
describe('SAML provider: IdP entity id and assertion signing', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const wantAttribute = (xml: string) => /WantAssertionsSigned="(true|false)"/.exec(xml)?.[1];

  it('defaults to no Issuer check and a Response-level signature being enough; the metadata says WantAssertionsSigned="false"', async () => {
    const g = await setUpGroup(t, 'parity-default');
    const provider = await t.http().get(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).expect(200);
    expect(provider.body).toMatchObject({ idp_entity_id: null, want_assertions_signed: false });
    const metadata = await t.http().get('/groups/parity-default/-/saml/metadata').expect(200);
    expect(wantAttribute(metadata.text)).toBe('false');

    const person = await provision(t, g);
    await signInWithSaml(t, g, { nameId: person.externalId, sign: 'response' }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, issuer: 'https://any-issuer.test/' }).expect(303);
  });

  it('with "responses must sign the Assertion": the metadata says WantAssertionsSigned="true", a Response-only signature is refused with its own reason, an Assertion signature is accepted', async () => {
    const g = await setUpGroup(t, 'parity-signed', { want_assertions_signed: true });
    const metadata = await t.http().get('/groups/parity-signed/-/saml/metadata').expect(200);
    expect(wantAttribute(metadata.text)).toBe('true');
    const person = await provision(t, g);

    const auditId = await lastAuditId(t);
    const before = await snapshot(t);
    const refused = await signInWithSaml(t, g, { nameId: person.externalId, sign: 'response' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('requires the identity provider to sign the assertion itself');
    expect(refused.text).toContain('<code>assertion_unsigned</code>');
    expect(refused.headers['set-cookie']).toBeUndefined();
    const after = await snapshot(t);
    expect({ ...after, audit_events: [] }).toEqual({ ...before, audit_events: [] });
    expect((await auditSince(t, auditId)).map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'assertion_unsigned']]);

    await signInWithSaml(t, g, { nameId: person.externalId, sign: 'assertion' }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, sign: 'both' }).expect(303);
    // Turned off again: the metadata follows.
    await t.http().put(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).send({ want_assertions_signed: false }).expect(200);
    expect(wantAttribute((await t.http().get('/groups/parity-signed/-/saml/metadata').expect(200)).text)).toBe('false');
  });

  it('with an IdP entity id: a response whose Assertion or Response Issuer differs is refused wrong_issuer; the exact Issuer signs in', async () => {
    const g = await setUpGroup(t, 'parity-issuer', { idp_entity_id: TEST_IDP_ISSUER });
    const provider = await t.http().get(`/api/v4/groups/${g.id}/saml_provider`).set(adminAuth).expect(200);
    expect(provider.body).toMatchObject({ idp_entity_id: TEST_IDP_ISSUER, want_assertions_signed: false });
    const person = await provision(t, g);

    for (const issuer of ['https://evil.test/metadata', `${TEST_IDP_ISSUER} `, TEST_IDP_ISSUER.toUpperCase()]) {
      const auditId = await lastAuditId(t);
      const res = await signInWithSaml(t, g, { nameId: person.externalId, issuer, assertionId: newSamlId() });
      expect(res.status).toBe(400);
      expect(res.text).toContain('names another identity provider as its Issuer');
      expect(res.text).toContain('<code>wrong_issuer</code>');
      const events = await auditSince(t, auditId);
      expect(events.map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', 'wrong_issuer']]);
    }
    await signInWithSaml(t, g, { nameId: person.externalId }).expect(303);
  });

  it('stores both settings for the instance too, audits the change, and refuses an entity id with surrounding spaces with a field error', async () => {
    const auditId = await lastAuditId(t);
    const saved = await t.http().put('/api/v4/application/saml_provider').set(adminAuth).send({ idp_entity_id: 'https://sts.windows.net/tenant-id/', want_assertions_signed: true }).expect(200);
    expect(saved.body).toMatchObject({ idp_entity_id: 'https://sts.windows.net/tenant-id/', want_assertions_signed: true });
    const stored = await t.sql<{ idp_entity_id: string; want_assertions_signed: unknown }>('SELECT idp_entity_id, want_assertions_signed FROM saml_providers WHERE group_id IS NULL');
    expect(stored.map((r) => [r.idp_entity_id, Boolean(r.want_assertions_signed)])).toEqual([['https://sts.windows.net/tenant-id/', true]]);
    const [event] = await auditSince(t, auditId);
    expect(event.event_name).toBe('saml_provider_updated');
    expect(event.details.changed).toEqual(expect.arrayContaining(['idp_entity_id', 'want_assertions_signed']));
    expect(event.details).toMatchObject({ to: { idp_entity_id: 'https://sts.windows.net/tenant-id/', want_assertions_signed: true } });

    const bad = await t.http().put('/api/v4/application/saml_provider').set(adminAuth).send({ idp_entity_id: ' https://sts.windows.net/tenant-id/' }).expect(400);
    expect(bad.body).toEqual({ message: { idp_entity_id: ['must be the identity provider’s entity id (Issuer), at most 1024 characters, without surrounding spaces'] } });
    const notBoolean = await t.http().put('/api/v4/application/saml_provider').set(adminAuth).send({ want_assertions_signed: 'maybe' }).expect(400);
    expect(JSON.stringify(notBoolean.body)).toContain('want_assertions_signed');
    // Cleared with an empty value.
    const cleared = await t.http().put('/api/v4/application/saml_provider').set(adminAuth).send({ idp_entity_id: '' }).expect(200);
    expect(cleared.body.idp_entity_id).toBeNull();
  });
});

import { jest } from '@jest/globals';
import { adminAuth, setUpGroup } from '../support/fixtures.js';
import type { GroupSetup } from '../support/fixtures.js';
import { auditSince, lastAuditId, provision, Provisioned, signInWithSaml, snapshot, spFor } from '../support/saml-fixtures.js';
import type { Snapshot } from '../support/saml-fixtures.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { authnRequestIdFromRedirect, newSamlId, PostOptions, samlResponse } from '../support/test-idp.js';

/** A refused response: an HTML page a person can read (no XML, no stack trace), 4xx. */
function expectReadablePage(res: { status: number; headers: Record<string, string>; text: string }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toMatch(/^<!doctype html>/);
  expect(res.text).not.toMatch(/<saml|<\?xml|urn:oasis|\bat \w+ \(|Error:/);
}

/** Everything but the audit log is as it was; the audit log gained exactly one refusal. */
function expectOnlyAuditChanged(before: Snapshot, after: Snapshot) {
  expect({ ...after, audit_events: [] }).toEqual({ ...before, audit_events: [] });
  expect(after.audit_events.length).toBe(before.audit_events.length + 1);
}

describe('SAML refusals', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let g: GroupSetup;
  let person: Provisioned;

  beforeAll(async () => {
    t = await startTestApp();
    g = await setUpGroup(t, 'refusals');
    person = await provision(t, g);
  });
  afterAll(async () => t.close());

  const acs = 'http://roster.test/groups/refusals/-/saml/callback';
  const cases: [string, () => PostOptions, string, number][] = [
    ['an unsigned response', () => ({ nameId: person.externalId, sign: 'none' }), 'unsigned', 400],
    ['a response signed with an untrusted key', () => ({ nameId: person.externalId, key: 'other' }), 'invalid_signature', 400],
    ['a response for another audience', () => ({ nameId: person.externalId, audience: 'http://roster.test/groups/elsewhere' }), 'wrong_audience', 400],
    ['a response with another Destination', () => ({ nameId: person.externalId, destination: 'http://evil.test/acs' }), 'wrong_destination', 400],
    ['a response with another Recipient', () => ({ nameId: person.externalId, recipient: `${acs}/other` }), 'wrong_recipient', 400],
    ['an expired response', () => ({ nameId: person.externalId, notBeforeOffset: -1200, notOnOrAfterOffset: -600 }), 'expired', 400],
    ['a response that is not valid yet', () => ({ nameId: person.externalId, notBeforeOffset: 600, notOnOrAfterOffset: 1200 }), 'not_yet_valid', 400],
    ['a response answering a request never issued', () => ({ nameId: person.externalId, inResponseTo: '_unknown-request' }), 'unknown_request', 400],
    ['a signature-wrapping attack', () => ({ nameId: 'someone-else', wrap: { nameId: person.externalId, email: person.email } }), 'invalid_signature', 400],
    ['garbage instead of base64', () => ({ nameId: 'x', rawSamlResponse: '<<<this is not base64>>>' }), 'malformed', 400],
    ['base64 of garbage', () => ({ nameId: 'x', rawSamlResponse: Buffer.from('\u0000\u0001garbage').toString('base64') }), 'malformed', 400],
    ['an empty SAMLResponse', () => ({ nameId: 'x', rawSamlResponse: '' }), 'missing_response', 400],
    ['a signed assertion in a Response whose status is Responder', () => ({ nameId: person.externalId, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }), 'idp_error', 400],
    ['a signed assertion with two Subjects', () => ({ nameId: person.externalId, subjects: 2 }), 'invalid_response', 400],
    ['a signed Subject with two NameIDs', () => ({ nameId: person.externalId, nameIds: 2 }), 'invalid_response', 400],
    ['a transient NameID', () => ({ nameId: person.externalId, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }), 'transient_name_id', 400],
    ['a response padded beyond the element cap', () => ({ nameId: person.externalId, padElements: 1000 }), 'too_large', 413],
  ];

  it.each(cases)('refuses %s with a 4xx page, audits the reason and changes nothing else', async (_name, options, reason, status) => {
    const before = await snapshot(t);
    const auditId = await lastAuditId(t);
    const res = await signInWithSaml(t, g, options());
    expectReadablePage(res, status);
    expect(res.headers['set-cookie']).toBeUndefined();
    const events = await auditSince(t, auditId);
    expect(events.map((e) => [e.event_name, e.details.reason])).toEqual([['saml_sign_in_refused', reason]]);
    expectOnlyAuditChanged(before, await snapshot(t));
  });

  it('explains that a transient NameID cannot identify a person', async () => {
    const res = await signInWithSaml(t, g, { nameId: person.externalId, nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
    expectReadablePage(res, 400);
    expect(res.text).toContain('temporary (transient) identifier');
    expect(res.text).toContain('persistent NameID');
  });

  it('matches the NameID byte for byte: surrounding whitespace does not sign in the person it surrounds', async () => {
    const auditId = await lastAuditId(t);
    const padded = await signInWithSaml(t, g, { nameId: ` ${person.externalId}\n` });
    expectReadablePage(padded, 403);
    expect(padded.headers['set-cookie']).toBeUndefined();
    expect((await auditSince(t, auditId)).map((e) => [e.details.reason, e.details.name_id, e.target_id])).toEqual([['no_account', ` ${person.externalId}\n`, null]]);
    await signInWithSaml(t, g, { nameId: person.externalId }).expect(303);
  });

  it('refuses a replayed assertion, even one that signed someone in, and changes nothing else', async () => {
    const SAMLResponse = samlResponse(spFor(t, g), { nameId: person.externalId, assertionId: newSamlId() });
    await signInWithSaml(t, g, { nameId: '', rawSamlResponse: SAMLResponse }).expect(303);
    const before = await snapshot(t);
    const auditId = await lastAuditId(t);
    const res = await signInWithSaml(t, g, { nameId: '', rawSamlResponse: SAMLResponse });
    expectReadablePage(res, 400);
    expect(res.text).toContain('already used');
    expect((await auditSince(t, auditId)).map((e) => e.details.reason)).toEqual(['replayed']);
    expectOnlyAuditChanged(before, await snapshot(t));
  });

  it('refuses a new response reusing an accepted assertion id', async () => {
    const assertionId = newSamlId();
    await signInWithSaml(t, g, { nameId: person.externalId, assertionId }).expect(303);
    await signInWithSaml(t, g, { nameId: person.externalId, assertionId }).expect(400);
  });

  it('lets exactly one of many simultaneous posts of the same assertion sign in', async () => {
    const SAMLResponse = samlResponse(spFor(t, g), { nameId: person.externalId });
    const results = await Promise.all(Array.from({ length: 8 }, () => signInWithSaml(t, g, { nameId: '', rawSamlResponse: SAMLResponse })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400, 400, 400, 400]);
  });

  it('lets exactly one of several simultaneous responses to the same AuthnRequest sign in', async () => {
    const start = await t.http().get('/groups/refusals/-/saml/sso').expect(302);
    const inResponseTo = authnRequestIdFromRedirect(start.headers.location);
    const results = await Promise.all(Array.from({ length: 5 }, () => signInWithSaml(t, g, { nameId: person.externalId, inResponseTo })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400]);
  });

  it('refuses every response while the provider is disabled, with a page saying so', async () => {
    const off = await setUpGroup(t, 'refusals-off');
    const someone = await provision(t, off);
    await t.http().put(`/api/v4/groups/${off.id}/saml_provider`).set(adminAuth).send({ enabled: false }).expect(200);
    const before = await snapshot(t);
    const res = await signInWithSaml(t, off, { nameId: someone.externalId });
    expectReadablePage(res, 404);
    expect(res.text).toContain('SAML single sign-on is not enabled for Group refusals-off.');
    expectOnlyAuditChanged(before, await snapshot(t));
  });

  it('answers a form that is not form-encoded, and an unknown SAML page, with pages too', async () => {
    const json = await t.http().post('/groups/refusals/-/saml/callback').set('Content-Type', 'application/json').send('{"SAMLResponse":"x"}');
    expectReadablePage(json, 415);
    const missing = await t.http().get('/groups/refusals/-/saml/nothing-here');
    expectReadablePage(missing, 404);
  });
});

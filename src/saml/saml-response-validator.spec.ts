import { groupSp, samlResponse, samlResponseXml, TEST_IDP_KEYS } from '../../test/support/test-idp.js';
import type { ResponseOptions } from '../../test/support/test-idp.js';
import { MAX_RESPONSE_BYTES, MAX_RESPONSE_ELEMENTS } from './saml-response-limits.js';
import { InvalidResponseReason, InvalidSamlResponse, validateSamlResponse } from './saml-response-validator.js';
import { groupServiceProvider } from './service-provider.js';

const BASE = 'http://roster.test';
const sp = groupServiceProvider(BASE, { id: 1, path: 'acme' });
const idp = groupSp(BASE, 'acme');
const CERT = TEST_IDP_KEYS.trusted.certificate;

async function reasonFor(options: ResponseOptions | string): Promise<InvalidResponseReason | 'accepted'> {
  try {
    await validateSamlResponse(sp, CERT, typeof options === 'string' ? options : samlResponse(idp, options));
    return 'accepted';
  } catch (error) {
    if (error instanceof InvalidSamlResponse) return error.reason;
    throw error;
  }
}

describe('validateSamlResponse', () => {
  it('accepts a response whose assertion is signed by the configured IdP certificate', async () => {
    const result = await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: 'ext-1', email: 'pat@acme.com', assertionId: '_a1', inResponseTo: '_req1' }));
    expect(result).toMatchObject({ nameId: 'ext-1', email: 'pat@acme.com', assertionId: '_a1', inResponseTo: '_req1' });
    expect(Date.parse(result.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('accepts a response signed only at the Response level, and one signed twice', async () => {
    expect(await reasonFor({ nameId: 'ext-1', sign: 'response' })).toBe('accepted');
    expect(await reasonFor({ nameId: 'ext-1', sign: 'both' })).toBe('accepted');
  });

  it('takes the email from the mail or emailaddress claim, else from an email-shaped NameID', async () => {
    const claim = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
    expect((await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: 'x', attributes: { mail: 'm@acme.com' } }))).email).toBe('m@acme.com');
    expect((await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: 'x', attributes: { [claim]: 'c@acme.com' } }))).email).toBe('c@acme.com');
    expect((await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: 'n@acme.com' }))).email).toBe('n@acme.com');
    expect((await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: 'opaque-id' }))).email).toBeNull();
  });

  it.each<[string, ResponseOptions, InvalidResponseReason]>([
    ['an unsigned response', { nameId: 'a', sign: 'none' }, 'unsigned'],
    ['a response signed with another key', { nameId: 'a', key: 'other' }, 'invalid_signature'],
    ['a response signed at the Response level with another key', { nameId: 'a', sign: 'response', key: 'other' }, 'invalid_signature'],
    ['a signature-wrapped response', { nameId: 'victim', wrap: { nameId: 'attacker' } }, 'invalid_signature'],
    ['another audience', { nameId: 'a', audience: 'http://roster.test/groups/other' }, 'wrong_audience'],
    ['another Destination', { nameId: 'a', destination: 'http://roster.test/groups/other/-/saml/callback' }, 'wrong_destination'],
    ['another Recipient', { nameId: 'a', recipient: 'http://evil.test/acs' }, 'wrong_recipient'],
    ['no Recipient', { nameId: 'a', recipient: null }, 'wrong_recipient'],
    ['an expired assertion', { nameId: 'a', notBeforeOffset: -900, notOnOrAfterOffset: -200 }, 'expired'],
    ['an assertion that is not valid yet', { nameId: 'a', notBeforeOffset: 400, notOnOrAfterOffset: 900 }, 'not_yet_valid'],
  ])('refuses %s', async (_name, options, reason) => {
    expect(await reasonFor(options)).toBe(reason);
  });

  it('tolerates up to three minutes of clock skew', async () => {
    expect(await reasonFor({ nameId: 'a', notBeforeOffset: 150, notOnOrAfterOffset: 600 })).toBe('accepted');
    expect(await reasonFor({ nameId: 'a', notBeforeOffset: -600, notOnOrAfterOffset: -150 })).toBe('accepted');
  });

  it('refuses a Response whose InResponseTo differs from the signed SubjectConfirmation', async () => {
    const xml = samlResponseXml(idp, { nameId: 'a', inResponseTo: '_signed' });
    // Only the Response attribute (unsigned) changes; the assertion's signature still holds.
    const tampered = xml.replace(/(<samlp:Response[^>]*?)InResponseTo="_signed"/, '$1InResponseTo="_other"');
    expect(await reasonFor(Buffer.from(tampered).toString('base64'))).toBe('in_response_to_mismatch');
  });

  it.each([
    ['not base64', '%%%not-base64%%%'],
    ['base64 of random bytes', Buffer.from([0xff, 0x00, 0x13, 0x37]).toString('base64')],
    ['base64 of text that is not XML', Buffer.from('hello world').toString('base64')],
    ['broken XML', Buffer.from('<samlp:Response><unclosed').toString('base64')],
    ['a document with a DTD', Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>').toString('base64')],
    ['XML that is not a SAML Response', Buffer.from('<hello/>').toString('base64')],
    ['an empty value', ''],
  ])('refuses garbage: %s', async (_name, value) => {
    expect(await reasonFor(value)).toBe('malformed');
  });

  describe('bounded cost', () => {
    const groups = Array.from({ length: 150 }, (_, i) => `${String(i).padStart(8, '0')}-4b1e-4c2a-9f3d-0123456789ab`);

    it('accepts an Entra-shaped response with 150 group claims, well within both caps', async () => {
      const value = samlResponse(idp, { nameId: 'ext-1', attributes: { 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': groups } });
      expect(Buffer.from(value, 'base64').length).toBeLessThan(MAX_RESPONSE_BYTES / 8);
      expect(await reasonFor(value)).toBe('accepted');
    });

    it('accepts padding below the element cap, and refuses one element more than the cap without parsing', async () => {
      expect(await reasonFor({ nameId: 'a', padElements: MAX_RESPONSE_ELEMENTS - 100 })).toBe('accepted');
      expect(await reasonFor({ nameId: 'a', padElements: MAX_RESPONSE_ELEMENTS })).toBe('too_large');
    });

    it('refuses a response over the byte cap, decoded or still base64, even when it is not XML', async () => {
      expect(await reasonFor({ nameId: 'a', attributes: { filler: 'x'.repeat(MAX_RESPONSE_BYTES) } })).toBe('too_large');
      expect(await reasonFor('A'.repeat(Math.ceil(MAX_RESPONSE_BYTES / 3) * 4 + 4))).toBe('too_large');
    });

    it('refuses 200 KiB of empty elements quickly', async () => {
      const hostile = samlResponse(idp, { nameId: 'a', padElements: 50_000 });
      const started = performance.now();
      expect(await reasonFor(hostile)).toBe('too_large');
      expect(performance.now() - started).toBeLessThan(50);
    });
  });

  describe('ruby-saml parity', () => {
    it.each(['urn:oasis:names:tc:SAML:2.0:status:Responder', 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed'])('refuses a signed assertion in a Response with status %s', async (statusCode) => {
      expect(await reasonFor({ nameId: 'a', statusCode })).toBe('idp_error');
      expect(await reasonFor({ nameId: 'a', statusCode, sign: 'both' })).toBe('idp_error');
    });

    it('refuses an assertion with two Subjects, or a Subject with two NameIDs', async () => {
      expect(await reasonFor({ nameId: 'a', subjects: 2 })).toBe('invalid_response');
      expect(await reasonFor({ nameId: 'a', nameIds: 2 })).toBe('invalid_response');
    });

    it('refuses a signed Response carrying a second assertion anywhere', async () => {
      const second = samlResponseXml(idp, { nameId: 'b', sign: 'none' }).match(/<saml:Assertion[\s\S]*<\/saml:Assertion>/)![0];
      expect(await reasonFor({ nameId: 'a', sign: 'response' })).toBe('accepted');
      expect(await reasonFor({ nameId: 'a', sign: 'response', extensionsXml: second })).toBe('invalid_response');
    });

    it('keeps the NameID byte for byte: surrounding whitespace is part of it', async () => {
      expect((await validateSamlResponse(sp, CERT, samlResponse(idp, { nameId: ' victim@victim.com\n' }))).nameId).toBe(' victim@victim.com\n');
      expect(await reasonFor({ nameId: ' \n' })).toBe('invalid_response');
    });

    it('refuses a transient NameID, and accepts a persistent one', async () => {
      expect(await reasonFor({ nameId: 'a', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' })).toBe('transient_name_id');
      expect(await reasonFor({ nameId: 'a', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' })).toBe('accepted');
    });
  });
});

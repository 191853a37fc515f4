import { groupSp, samlResponse, samlResponseXml, TEST_IDP_KEYS } from '../../test/support/test-idp.js';
import type { ResponseOptions } from '../../test/support/test-idp.js';
import { InvalidResponseReason, InvalidSamlResponse, validateSamlResponse } from './saml-response-validator.js';
import { groupServiceProvider } from './service-provider.js';

const BASE = 'http://roster.test';
const sp = groupServiceProvider(BASE, { path: 'acme' });
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
});

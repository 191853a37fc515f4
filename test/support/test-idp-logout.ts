/**
 * The test IdP's single-logout side, built without Roster's code: LogoutRequest and LogoutResponse
 * XML as Okta and Entra send them, the HTTP-Redirect binding (deflate, base64, query signature with
 * node:crypto over `SAMLRequest=…&RelayState=…&SigAlg=…`) and the HTTP-POST binding (an enveloped
 * xml-crypto signature), and reading Roster's own redirect messages back (inflate, verify).
 */
import { createPrivateKey, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { TEST_IDP_ISSUER, TEST_IDP_KEYS } from './test-idp.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

export const newLogoutId = () => `_${randomBytes(16).toString('hex')}`;
const instant = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
const escapeXml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface LogoutRequestOptions {
  nameId: string;
  destination: string;
  sessionIndex?: string;
  issuer?: string;
  id?: string;
  issueOffsetMs?: number;
}

export function logoutRequestXml(o: LogoutRequestOptions): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.id ?? newLogoutId()}" Version="2.0" IssueInstant="${instant(o.issueOffsetMs)}" Destination="${escapeXml(o.destination)}">` +
    `<saml:Issuer>${escapeXml(o.issuer ?? TEST_IDP_ISSUER)}</saml:Issuer>` +
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escapeXml(o.nameId)}</saml:NameID>` +
    (o.sessionIndex ? `<samlp:SessionIndex>${escapeXml(o.sessionIndex)}</samlp:SessionIndex>` : '') +
    `</samlp:LogoutRequest>`
  );
}

export function logoutResponseXml(o: { inResponseTo: string; destination: string; issuer?: string; status?: string; id?: string }): string {
  return (
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${o.id ?? newLogoutId()}" Version="2.0" IssueInstant="${instant()}" Destination="${escapeXml(o.destination)}" InResponseTo="${escapeXml(o.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(o.issuer ?? TEST_IDP_ISSUER)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${o.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    `</samlp:LogoutResponse>`
  );
}

export interface RedirectOptions {
  key?: keyof typeof TEST_IDP_KEYS;
  relayState?: string;
  sha1?: boolean;
  /** Leave the Signature and SigAlg out. */
  unsigned?: boolean;
}

/** The query string of an HTTP-Redirect message, signed as the binding specifies. */
export function redirectQuery(type: 'SAMLRequest' | 'SAMLResponse', xml: string, o: RedirectOptions = {}): string {
  let query = `${type}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`;
  if (o.relayState !== undefined) query += `&RelayState=${encodeURIComponent(o.relayState)}`;
  if (o.unsigned) return query;
  query += `&SigAlg=${encodeURIComponent(o.sha1 ? RSA_SHA1 : RSA_SHA256)}`;
  const signature = sign(o.sha1 ? 'sha1' : 'sha256', Buffer.from(query, 'utf8'), createPrivateKey(TEST_IDP_KEYS[o.key ?? 'trusted'].privateKey));
  return `${query}&Signature=${encodeURIComponent(signature.toString('base64'))}`;
}

/** An HTTP-POST message: the root signed (enveloped) with xml-crypto, base64 for the form. */
export function postSigned(xml: string, key: keyof typeof TEST_IDP_KEYS = 'trusted'): string {
  const { privateKey, certificate } = TEST_IDP_KEYS[key];
  const signer = new SignedXml({ privateKey, publicCert: certificate, signatureAlgorithm: RSA_SHA256, canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#' });
  signer.addReference({
    xpath: '/*',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  signer.computeSignature(xml, { prefix: 'ds', location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' } });
  return Buffer.from(signer.getSignedXml(), 'utf8').toString('base64');
}

/**
 * Reads a redirect URL Roster sent the browser to (its LogoutRequest or LogoutResponse): the
 * inflated XML, and whether its query signature verifies with the given SP certificate.
 */
export function readRoster(location: string, spCertificate: string): { xml: string; signatureValid: boolean; url: URL } {
  const url = new URL(location);
  const raw = url.search.slice(1);
  const parts = new Map(raw.split('&').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as [string, string]));
  const type = parts.has('SAMLRequest') ? 'SAMLRequest' : 'SAMLResponse';
  const signed = `${type}=${parts.get(type)}${parts.has('RelayState') ? `&RelayState=${parts.get('RelayState')}` : ''}&SigAlg=${parts.get('SigAlg')}`;
  const signatureValid =
    decodeURIComponent(parts.get('SigAlg') ?? '') === RSA_SHA256 &&
    verify('sha256', Buffer.from(signed, 'utf8'), new X509Certificate(spCertificate).publicKey, Buffer.from(decodeURIComponent(parts.get('Signature') ?? ''), 'base64'));
  const xml = inflateRawSync(Buffer.from(decodeURIComponent(parts.get(type)!), 'base64')).toString('utf8');
  return { xml, signatureValid, url };
}
